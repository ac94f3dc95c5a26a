//! Sign-in, sessions, roles, CSRF and the admin pages, through real HTTP.

use reqwest::StatusCode;

use crate::common::{client, hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

#[actix_web::test]
async fn login_page_renders_a_form() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(html.contains("<form method=\"post\" action=\"/login\""));
    assert!(html.contains("name=\"email\"") && html.contains("name=\"password\""));
    assert!(!hidden_field(&html, "csrf").is_empty());
}

#[actix_web::test]
async fn admin_without_session_redirects_to_login() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login?next=%2Fadmin");
    let res = app
        .client
        .get(app.url("/admin/employees"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn employee_session_gets_403_on_admin_pages() {
    let app = TestApp::spawn().await;
    app.create_user("emp@example.com", "employee", PASSWORD);
    let browser = app.login("emp@example.com", PASSWORD).await;
    for path in ["/admin", "/admin/employees"] {
        let res = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(res.text().await.unwrap().contains("Not allowed"));
    }
    let res = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        res.headers()["location"],
        "/feed",
        "employees land on the feed"
    );
    let res = browser.get(app.url("/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("emp@example.com"));
}

#[actix_web::test]
async fn admin_home_shows_live_counts() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    app.create_employee("a@example.com", "A", Some("Sales"))
        .await;
    let browser = app.login("boss@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/admin")).await;
    assert!(
        html.contains("id=\"count-employees\">2 employees<"),
        "{html}"
    );
    assert!(html.contains("id=\"count-teams\">1 team<"));
    app.create_employee("b@example.com", "B", None).await;
    let html = page(&browser, app.url("/admin")).await;
    assert!(html.contains("id=\"count-employees\">3 employees<"));
}

#[actix_web::test]
async fn wrong_password_shows_an_error_and_sets_no_session() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = client();
    let csrf = hidden_field(&page(&browser, app.url("/login")).await, "csrf");
    let res = browser
        .post(app.url("/login"))
        .form(&[
            ("email", "boss@example.com"),
            ("password", "wrong password!"),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("The e-mail or password is not correct."));
    let res = browser.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn login_without_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let res = client()
        .post(app.url("/login"))
        .form(&[
            ("email", "boss@example.com"),
            ("password", PASSWORD),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .headers()
        .get("set-cookie")
        .is_none_or(|c| !c.to_str().unwrap().contains("chorus_session")));
}

#[actix_web::test]
async fn login_attempts_are_rate_limited() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = client();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let csrf = hidden_field(&page(&browser, app.url("/login")).await, "csrf");
        let res = browser
            .post(app.url("/login"))
            .form(&[
                ("email", "boss@example.com"),
                ("password", "guess guess guess"),
                ("csrf", &csrf),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(res.status());
    }
    assert_eq!(&statuses[..5], &[StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(&statuses[5..], &[StatusCode::TOO_MANY_REQUESTS; 2]);
}

#[actix_web::test]
async fn logout_ends_the_session_for_every_copy_of_the_cookie() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    // A client without a cookie jar, so the session cookie can be copied by hand.
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let first_cookie = |res: &reqwest::Response, name: &str| -> String {
        res.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} cookie"))
    };
    let res = plain.get(app.url("/login")).send().await.unwrap();
    let csrf_cookie = first_cookie(&res, "chorus_csrf");
    let csrf = hidden_field(&res.text().await.unwrap(), "csrf");
    let res = plain
        .post(app.url("/login"))
        .header("Cookie", &csrf_cookie)
        .form(&[
            ("email", "boss@example.com"),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let session = first_cookie(&res, "chorus_session");
    assert!(!session.contains("boss"), "the cookie is encrypted");

    let home = plain
        .get(app.url("/admin"))
        .header("Cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let csrf = hidden_field(&home.text().await.unwrap(), "csrf");
    let res = plain
        .post(app.url("/logout"))
        .header("Cookie", &session)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
    let res = plain
        .get(app.url("/admin"))
        .header("Cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the copied cookie no longer signs in"
    );
}

#[actix_web::test]
async fn admin_adds_employees_and_teams_with_errors_beside_fields() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = app.login("boss@example.com", PASSWORD).await;
    let form_page = page(&browser, app.url("/admin/employees")).await;
    let csrf = hidden_field(&form_page, "csrf");

    let res = browser
        .post(app.url("/admin/employees"))
        .form(&[
            ("email", "not an email"),
            ("name", ""),
            ("team", ""),
            ("role", "employee"),
            ("password", ""),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("id=\"emp-email-error\""),
        "message beside the e-mail field"
    );
    assert!(
        html.contains("id=\"emp-name-error\""),
        "message beside the name field"
    );
    assert!(html.contains("value=\"not an email\""), "typed value kept");
    assert_eq!(app.employees().await.len(), 1, "nothing stored");

    let res = browser
        .post(app.url("/admin/employees"))
        .form(&[
            ("email", "new@example.com"),
            ("name", "New Person"),
            ("team", "Support"),
            ("role", "employee"),
            ("password", ""),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(&browser, app.url("/admin/employees")).await;
    assert!(html.contains("New Person") && html.contains("Support"));

    let res = browser
        .post(app.url("/admin/teams"))
        .form(&[("name", "Support"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("id=\"team-error\""));

    let res = browser
        .post(app.url("/admin/teams"))
        .form(&[("name", "Legal"), ("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "CSRF token required");
    let teams: serde_json::Value = app.get("/api/v1/teams").await.json().await.unwrap();
    assert_eq!(teams["teams"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn setup_link_creates_the_first_admin_once() {
    let app = TestApp::spawn().await;
    let setup = app
        .setup_url
        .clone()
        .expect("no admin yet, so a setup link exists");
    let path = setup.trim_start_matches(&app.address).to_string();
    let browser = client();
    let html = page(&browser, app.url(&path)).await;
    let (csrf, token) = (hidden_field(&html, "csrf"), hidden_field(&html, "token"));
    let res = browser
        .post(app.url("/setup"))
        .form(&[
            ("email", "first@example.com"),
            ("name", "First Admin"),
            ("password", "short"),
            ("token", &token),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"password-error\""));
    let csrf = hidden_field(&html, "csrf");
    let res = browser
        .post(app.url("/setup"))
        .form(&[
            ("email", "first@example.com"),
            ("name", "First Admin"),
            ("password", PASSWORD),
            ("token", &token),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = browser.get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "the link works once");
    let browser = app.login("first@example.com", PASSWORD).await;
    assert_eq!(
        browser
            .get(app.url("/admin"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn setup_form_reports_a_taken_email_beside_a_short_password() {
    let app = TestApp::spawn().await;
    app.create_employee("taken@example.com", "Imported Earlier", None)
        .await;
    let setup = app.setup_url.clone().expect("no admin yet");
    let path = setup.trim_start_matches(&app.address).to_string();
    let browser = client();
    let html = page(&browser, app.url(&path)).await;
    let (csrf, token) = (hidden_field(&html, "csrf"), hidden_field(&html, "token"));
    let res = browser
        .post(app.url("/setup"))
        .form(&[
            ("email", "taken@example.com"),
            ("name", "First Admin"),
            ("password", "short"),
            ("token", &token),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"password-error\""), "{html}");
    assert!(
        html.contains("id=\"email-error\""),
        "the taken address is reported at once: {html}"
    );
    assert!(
        html.contains("value=\"taken@example.com\""),
        "typed text kept"
    );
    assert_eq!(app.employees().await.len(), 1, "nothing created");
}

#[actix_web::test]
async fn unknown_pages_get_the_404_page() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Page not found"));
    let res = app
        .client
        .get(app.url("/static/css/app.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}
