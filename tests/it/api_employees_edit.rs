//! `PATCH /api/v1/employees/{id}` and `PATCH /api/v1/teams/{id}`: edits, validation,
//! deactivation (sessions end, no new shares, links keep counting) and the last admin.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

#[actix_web::test]
async fn patch_changes_only_the_fields_sent() {
    let app = TestApp::spawn().await;
    let ana = app
        .create_employee("ana@example.com", "Ana", Some("Sales"))
        .await;
    assert_eq!(ana["active"], true);
    let path = format!("/api/v1/employees/{}", ana["id"]);

    let res = app.patch(&path, &json!({"name": "Ana Kim"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"id": ana["id"], "email": "ana@example.com", "name": "Ana Kim",
               "team": "Sales", "role": "employee", "active": true})
    );
    let res = app
        .patch(
            &path,
            &json!({"email": "ANA.KIM@example.com", "team": "Field Sales", "role": "admin"}),
        )
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["email"], "ana.kim@example.com");
    assert_eq!(body["team"], "Field Sales");
    assert_eq!(body["role"], "admin");
    let teams = app.list("/api/v1/teams", "teams").await;
    assert!(
        teams.iter().any(|t| t["name"] == "Field Sales"),
        "new team made"
    );

    let res = app.patch(&path, &json!({"team": null})).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["team"],
        Value::Null,
        "null takes the employee out of any team"
    );
    let shown: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(shown, body);
}

#[actix_web::test]
async fn patch_refuses_bad_input_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let ana = app.create_employee("ana@example.com", "Ana", None).await;
    app.create_employee("bo@example.com", "Bo", None).await;
    let path = format!("/api/v1/employees/{}", ana["id"]);

    let res = app
        .patch(
            &path,
            &json!({"email": "nope", "name": "", "role": "owner"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_email");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("email:") && message.contains("name:") && message.contains("role:"),
        "every broken field: {message}"
    );
    let res = app.patch(&path, &json!({"email": "bo@example.com"})).await;
    assert_eq!(error_code(res, StatusCode::CONFLICT).await, "email_taken");
    let res = app.patch(&path, &json!({"nickname": "A"})).await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "invalid_body"
    );
    let res = app.patch(&path, &json!({"active": "no"})).await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "invalid_body"
    );
    let res = app
        .patch("/api/v1/employees/999999", &json!({"name": "X"}))
        .await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
    let shown: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(shown, ana, "unchanged");

    // Publishable keys cannot.
    let key = app.create_api_key(chorus::domain::api_key::Scope::Publishable);
    let res = app
        .client
        .patch(app.url(&path))
        .bearer_auth(key)
        .json(&json!({"name": "X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn deactivating_ends_sessions_and_new_shares_while_links_keep_counting() {
    let app = TestApp::spawn().await;
    let me = app.create_user("emp@example.com", "employee", PASSWORD);
    let browser = app.login("emp@example.com", PASSWORD).await;
    let first = app.content_for("https://example.com/one").await;
    let second = app.content_for("https://example.com/two").await;
    let share = app.create_share(&json!(me), &first["id"], "linkedin").await;

    let res = app
        .patch(
            &format!("/api/v1/employees/{me}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["active"], false);
    let res = browser.get(app.url("/feed")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the session ended");

    for content in [&first, &second] {
        let res = app
            .post(
                "/api/v1/shares",
                &json!({"employee_id": me, "content_id": content["id"], "network": "x"}),
            )
            .await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            "employee_deactivated"
        );
    }
    let visitor = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(crate::browser_support::DESKTOP_CHROME)
        .build()
        .unwrap();
    let res = visitor
        .get(app.url(&format!("/{}", share["slug"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(app.clicks_of(share["id"].as_i64().unwrap()).await.len(), 1);
    let listed = app
        .list(&format!("/api/v1/shares?employee_id={me}"), "shares")
        .await;
    assert_eq!(listed.len(), 1, "nothing new was made");

    let res = app
        .patch(&format!("/api/v1/employees/{me}"), &json!({"active": true}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(
            "/api/v1/shares",
            &json!({"employee_id": me, "content_id": second["id"], "network": "x"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.login("emp@example.com", PASSWORD).await;
}

#[actix_web::test]
async fn the_last_active_admin_can_be_neither_demoted_nor_deactivated() {
    let app = TestApp::spawn().await;
    let boss = app.create_user("boss@example.com", "admin", PASSWORD);
    let path = format!("/api/v1/employees/{boss}");
    for body in [json!({"role": "employee"}), json!({"active": false})] {
        let res = app.patch(&path, &body).await;
        assert_eq!(
            error_code(res, StatusCode::CONFLICT).await,
            "last_admin",
            "{body}"
        );
    }
    // An admin without a password (cannot sign in) does not count.
    let other = app
        .create_employee("other@example.com", "Other", None)
        .await;
    app.patch(
        &format!("/api/v1/employees/{}", other["id"]),
        &json!({"role": "admin"}),
    )
    .await;
    let res = app.patch(&path, &json!({"role": "employee"})).await;
    assert_eq!(error_code(res, StatusCode::CONFLICT).await, "last_admin");

    let second = app.create_user("second@example.com", "admin", PASSWORD);
    let res = app.patch(&path, &json!({"role": "employee"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .patch(
            &format!("/api/v1/employees/{second}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(error_code(res, StatusCode::CONFLICT).await, "last_admin");
    let browser = app.login("second@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/admin")).await;
    assert!(!hidden_field(&html, "csrf").is_empty(), "still an admin");
}

#[actix_web::test]
async fn teams_are_renamed() {
    let app = TestApp::spawn().await;
    let res = app.post("/api/v1/teams", &json!({"name": "Sales"})).await;
    let sales: Value = res.json().await.unwrap();
    app.post("/api/v1/teams", &json!({"name": "Legal"})).await;
    app.create_employee("ana@example.com", "Ana", Some("Sales"))
        .await;
    let path = format!("/api/v1/teams/{}", sales["id"]);

    let res = app.patch(&path, &json!({"name": "Field Sales"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"id": sales["id"], "name": "Field Sales", "employees": 1})
    );
    let employees = app.employees().await;
    assert_eq!(employees[0]["team"], "Field Sales");

    let res = app.patch(&path, &json!({"name": "Legal"})).await;
    assert_eq!(error_code(res, StatusCode::CONFLICT).await, "team_exists");
    let res = app.patch(&path, &json!({"name": " "})).await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_name"
    );
    let res = app
        .patch("/api/v1/teams/999999", &json!({"name": "X"}))
        .await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
    let res = app.patch(&path, &json!({})).await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "invalid_body"
    );
}

#[actix_web::test]
async fn an_invitation_can_be_made_through_the_api() {
    let sink = crate::smtp_sink::SmtpSink::start();
    let app = TestApp::spawn_with(chorus::config::RawSettings {
        smtp_url: Some(sink.url.clone()),
        mail_from: Some("Chorus <chorus@example.com>".into()),
        ..chorus::config::RawSettings::default()
    })
    .await;
    let ana = app.create_employee("ana@example.com", "Ana", None).await;
    let path = format!("/api/v1/employees/{}/invitation", ana["id"]);
    let res = app.post(&path, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["emailed"], true);
    let url = body["url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with(&format!("{}/invite/", app.address)),
        "{url}"
    );
    assert!(body["expires_at"].as_str().is_some());
    assert_eq!(sink.message_to("ana@example.com").await.link("invite"), url);

    // Again: a new link replaces the first.
    let res = app.post(&path, &json!({})).await;
    let again: Value = res.json().await.unwrap();
    assert_ne!(again["url"], body["url"]);
    let old = app.client.get(&url).send().await.unwrap();
    assert_eq!(old.status(), StatusCode::NOT_FOUND);

    let boss = app.create_user("boss@example.com", "admin", PASSWORD);
    let res = app
        .post(&format!("/api/v1/employees/{boss}/invitation"), &json!({}))
        .await;
    assert_eq!(
        error_code(res, StatusCode::CONFLICT).await,
        "already_signed_up"
    );
    app.patch(
        &format!("/api/v1/employees/{}", ana["id"]),
        &json!({"active": false}),
    )
    .await;
    let res = app.post(&path, &json!({})).await;
    assert_eq!(
        error_code(res, StatusCode::CONFLICT).await,
        "employee_deactivated"
    );
    let res = app
        .post("/api/v1/employees/999999/invitation", &json!({}))
        .await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
}
