//! Sign-in and conversion rate limits (issue 15, defect 5): a client is its IPv4 address
//! or its IPv6 /64, one account has a budget of its own whoever guesses at it, and a
//! throttled conversion costs nothing more (not even a click-writer flush).

use chorus::config::RawSettings;
use chorus::domain::api_key::Scope;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{client, hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";
const TOO_MANY: &str = "Too many sign-in attempts";

/// Behind a proxy on this host, so that `X-Forwarded-For` names the client.
fn behind_proxy() -> RawSettings {
    RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        ..RawSettings::default()
    }
}

/// One sign-in through the form from `client_ip` (as the proxy says); the status and page.
async fn sign_in(
    app: &TestApp,
    client_ip: &str,
    email: &str,
    password: &str,
) -> (StatusCode, String) {
    let browser = client();
    let csrf = hidden_field(&page(&browser, app.url("/login")).await, "csrf");
    let res = browser
        .post(app.url("/login"))
        .header("x-forwarded-for", client_ip)
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.text().await.unwrap())
}

#[actix_web::test]
async fn the_sixth_attempt_from_one_ipv6_64_is_refused_even_from_another_address() {
    let app = TestApp::spawn_with(behind_proxy()).await; // five a minute per client
    app.create_user("boss@example.com", "admin", PASSWORD);
    for i in 1..=5 {
        let from = format!("2001:db8:aa:bb::{i}");
        let (status, _) = sign_in(&app, &from, "boss@example.com", "guess guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    // Another address of the same /64: the same client.
    let (status, body) = sign_in(
        &app,
        "2001:db8:aa:bb:ffff:ffff:ffff:1",
        "boss@example.com",
        "guess guess",
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains(TOO_MANY), "{body}");
    // Refused before the password is looked at: the right one does not get in either.
    let (status, _) = sign_in(&app, "2001:db8:aa:bb::77", "boss@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // The next /64 is another client.
    let (status, _) = sign_in(&app, "2001:db8:aa:bc::1", "boss@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn an_account_guessed_at_from_many_addresses_is_locked_while_another_signs_in() {
    let app = TestApp::spawn_with(behind_proxy()).await; // ten per account per 15 minutes
    app.create_user("victim@example.com", "employee", PASSWORD);
    app.create_user("other@example.com", "employee", PASSWORD);
    for i in 0..10 {
        let from = format!("198.51.100.{i}");
        let (status, _) = sign_in(&app, &from, "victim@example.com", "guess guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    // A fresh address, the right password, another spelling of the address: locked.
    let (status, locked) = sign_in(&app, "203.0.113.1", " Victim@Example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.contains(TOO_MANY), "{locked}");

    // An address nobody has is answered alike: the limit reveals no account.
    for i in 0..10 {
        let from = format!("198.51.101.{i}");
        let (status, _) = sign_in(&app, &from, "nobody@example.com", "guess guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let (status, unknown) = sign_in(&app, "203.0.113.2", "nobody@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(unknown.contains(TOO_MANY), "{unknown}");

    // Everyone else signs in as usual.
    let (status, _) = sign_in(&app, "203.0.113.3", "other@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

/// A counter of `/metrics`.
async fn counter(app: &TestApp, name: &str) -> u64 {
    let body = app.get("/metrics").await.text().await.unwrap();
    body.lines()
        .find_map(|line| line.strip_prefix(&format!("{name}_total ")))
        .unwrap_or_else(|| panic!("{name} in {body}"))
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn a_throttled_conversion_is_refused_before_the_click_writer_is_asked_to_settle() {
    let app = TestApp::spawn_with(behind_proxy()).await;
    let key = app.create_api_key(Scope::Publishable);
    let report = |from: String| {
        app.client
            .post(app.url("/api/v1/conversions"))
            .bearer_auth(&key)
            .header("x-forwarded-for", from)
            .json(&json!({"kind": "lead"}))
            .send()
    };
    let settles = counter(&app, "chorus_click_settles").await;
    for i in 1..=20 {
        let res = report(format!("2001:db8:cc:dd::{i}")).await.unwrap();
        assert_eq!(res.status(), StatusCode::ACCEPTED, "report {i}");
    }
    // Every accepted report waited for the clicks answered before it.
    assert_eq!(counter(&app, "chorus_click_settles").await, settles + 20);

    // The burst is spent for the whole /64; the refusal costs no settle.
    let res = report("2001:db8:cc:dd:ffff::1".into()).await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(counter(&app, "chorus_click_settles").await, settles + 20);

    let res = report("2001:db8:cc:de::1".into()).await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED, "another /64");
}
