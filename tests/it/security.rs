//! Regression tests for the "Security and privacy hardening" issue: the login redirect,
//! forwarding headers on several lines, money overflow, `/metrics` access and the
//! security headers, each through the real server.

use chorus::config::RawSettings;
use chorus::domain::conversion::MAX_VALUE_CENTS;
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{client, error_code, hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const METRICS_TOKEN: &str = "s3cret-metrics-token-0123";

/// Signs in through the form with `next`; returns the response (a redirect on success).
async fn sign_in_with_next(app: &TestApp, next: &str) -> reqwest::Response {
    let browser = client();
    let csrf = hidden_field(&page(&browser, app.url("/login")).await, "csrf");
    browser
        .post(app.url("/login"))
        .form(&[
            ("email", "boss@example.com"),
            ("password", PASSWORD),
            ("csrf", &csrf),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn login_next_with_a_tab_or_backslash_stays_on_the_site() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    // `/%09/evil.com` arrives decoded as `/\t/evil.com`; browsers drop the tab.
    for query in [
        "/%09/evil.com",
        "/%5C/evil.com",
        "/%0a/evil.com",
        "%2F%2Fevil.com",
    ] {
        let html = page(&client(), app.url(&format!("/login?next={query}"))).await;
        assert_eq!(hidden_field(&html, "next"), "/", "{query}");
    }
    for next in [
        "/\t/evil.com",
        "/\\evil.com",
        "/%09/evil.com",
        "/\u{3000}/evil.com",
    ] {
        let res = sign_in_with_next(&app, next).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(res.headers()["location"], "/", "{next:?}");
    }
    let res = sign_in_with_next(&app, "/admin/links?next=//x").await;
    assert_eq!(res.headers()["location"], "/admin/links?next=//x");
}

/// One failed sign-in whose request carries `header` twice: the client's forged line, then
/// the line the trusted proxy appended.
async fn failed_login_with_two_lines(
    app: &TestApp,
    header: &str,
    forged: &str,
    appended: &str,
) -> StatusCode {
    let browser = client();
    let csrf = hidden_field(&page(&browser, app.url("/login")).await, "csrf");
    browser
        .post(app.url("/login"))
        .header(header, forged)
        .header(header, appended)
        .form(&[
            ("email", "boss@example.com"),
            ("password", "guess guess guess"),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[actix_web::test]
async fn a_forged_first_forwarding_line_does_not_escape_the_login_limit() {
    let app = TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        login_attempts_per_minute: Some(2),
        ..RawSettings::default()
    })
    .await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    for (header, real, forged) in [
        ("x-forwarded-for", "198.51.100.7", "10.9.{}.1"),
        ("forwarded", "for=198.51.100.8", "for=10.8.{}.1"),
    ] {
        let mut statuses = Vec::new();
        for i in 0..4 {
            let forged = forged.replace("{}", &i.to_string());
            statuses.push(failed_login_with_two_lines(&app, header, &forged, real).await);
        }
        assert_eq!(
            statuses,
            [
                StatusCode::UNAUTHORIZED,
                StatusCode::UNAUTHORIZED,
                StatusCode::TOO_MANY_REQUESTS,
                StatusCode::TOO_MANY_REQUESTS
            ],
            "{header}: the proxy's line names the client"
        );
    }
}

#[actix_web::test]
async fn a_conversion_above_the_money_cap_is_refused() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "sale", "value_cents": MAX_VALUE_CENTS + 1}),
        )
        .await;
    let text = res.text().await.unwrap();
    assert!(text.contains("at most"), "{text}");
    let res = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "sale", "value_cents": MAX_VALUE_CENTS + 1}),
        )
        .await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_value"
    );
    let res = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "sale", "value_cents": MAX_VALUE_CENTS}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[actix_web::test]
async fn revenue_near_the_limit_saturates_instead_of_overflowing() {
    let app = TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        ..RawSettings::default()
    })
    .await;
    let share = app.share_by_new_employee("rich", "linkedin").await;
    let slug = share["slug"].as_str().unwrap();
    for (i, ip) in ["81.2.69.142", "81.2.69.143"].into_iter().enumerate() {
        let res = client()
            .get(app.url(&format!("/{slug}")))
            .header("User-Agent", CHROME)
            .header("X-Forwarded-For", ip)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FOUND);
        let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
        let click_id = location
            .query_pairs()
            .find(|(k, _)| k == "chorus_click")
            .map(|(_, v)| v.into_owned())
            .expect("click id");
        let res = app
            .post(
                "/api/v1/conversions",
                &json!({"kind": "sale", "value_cents": MAX_VALUE_CENTS, "click_id": click_id,
                        "external_id": format!("big-{i}")}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    // Rows stored before the cap existed may hold anything up to `i64::MAX`.
    app.db()
        .run_sync(|conn| {
            diesel::sql_query("UPDATE conversions SET value_cents = 9223372036854775000")
                .execute(conn)?;
            Ok(())
        })
        .unwrap();

    let res = app.get("/api/v1/kpis").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["totals"]["revenue_cents"], i64::MAX, "{body}");
    assert_eq!(body["revenue_by_currency"]["USD"], i64::MAX, "{body}");

    let res = app.get("/api/v1/leaderboards/employees-revenue").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let value = body["rows"][0]["value"]
        .as_f64()
        .unwrap_or_else(|| panic!("no revenue row: {body}"));
    assert!(value > 0.0, "{body}");

    let res = app.get(&format!("/api/v1/shares/{}", share["id"])).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["stats"]["revenue_cents"], i64::MAX, "{body}");
}

#[actix_web::test]
async fn metrics_without_a_token_answer_direct_loopback_requests_only() {
    let app = TestApp::spawn().await;
    let res = client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("chorus_clicks_committed"));
    // Through a reverse proxy on the same host: the peer is loopback, the client is not.
    for (name, value) in [
        ("x-forwarded-for", "203.0.113.5"),
        ("forwarded", "for=203.0.113.5"),
    ] {
        let res = client()
            .get(app.url("/metrics"))
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{name}");
    }
}

#[actix_web::test]
async fn metrics_with_a_token_require_it() {
    let app = TestApp::spawn_with(RawSettings {
        metrics_token: Some(METRICS_TOKEN.into()),
        ..RawSettings::default()
    })
    .await;
    let res = client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    for wrong in ["wrong", &format!("{METRICS_TOKEN}x"), &app.api_key] {
        let res = client()
            .get(app.url("/metrics"))
            .bearer_auth(wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{wrong}");
    }
    let res = client()
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .header("x-forwarded-for", "203.0.113.5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("chorus_clicks_committed"));
}

fn assert_security_headers(res: &reqwest::Response, what: &str) {
    let h = res.headers();
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"))
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(h.contains_key("permissions-policy"), "{what}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert!(h.contains_key("referrer-policy"), "{what}");
}

#[actix_web::test]
async fn pages_and_the_api_carry_security_headers_and_redirects_stay_lean() {
    let app = TestApp::spawn().await;
    let res = client().get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_security_headers(&res, "/login");
    assert!(
        !res.headers().contains_key("strict-transport-security"),
        "no HSTS on a plain-http base URL"
    );
    let res = app.get("/api/v1/kpis").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_security_headers(&res, "/api/v1/kpis");
    let res = client().get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_security_headers(&res, "the not-found page");

    let share = app.share_by_new_employee("lean", "linkedin").await;
    let res = client()
        .get(app.url(&format!("/{}", share["slug"].as_str().unwrap())))
        .header("User-Agent", CHROME)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(!res.headers().contains_key("content-security-policy"));
}

#[actix_web::test]
async fn an_https_base_url_adds_hsts() {
    let app = TestApp::spawn_with(RawSettings {
        base_url: Some("https://go.example.com".into()),
        ..RawSettings::default()
    })
    .await;
    let res = client().get(app.url("/login")).send().await.unwrap();
    assert_security_headers(&res, "/login over an https base");
    let hsts = res.headers()["strict-transport-security"].to_str().unwrap();
    assert!(hsts.starts_with("max-age="), "{hsts}");
}

#[actix_web::test]
async fn the_setup_link_dies_once_an_admin_exists_even_one_made_by_another_process() {
    let app = TestApp::spawn().await;
    let setup = app.setup_url.clone().expect("no admin yet: a setup link");
    let path = setup.trim_start_matches(&app.address).to_string();
    let browser = client();
    let html = page(&browser, app.url(&path)).await;
    let (csrf, token) = (hidden_field(&html, "csrf"), hidden_field(&html, "token"));
    // `chorus admin create` in another process: this server's memory knows nothing of it.
    app.create_user("cli-admin@example.com", "admin", "a long enough password");
    let res = browser.get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "the form is gone");
    let res = browser
        .post(app.url("/setup"))
        .form(&[
            ("email", "intruder@example.com"),
            ("name", "Intruder"),
            ("password", "another long password"),
            ("token", &token),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "and so is the post");
    let employees = app.employees().await;
    assert!(
        employees
            .iter()
            .all(|e| e["email"] != "intruder@example.com"),
        "{employees:?}"
    );
}
