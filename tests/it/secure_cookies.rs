//! Cookies are `Secure` whenever the page was served over https: by the base URL, or by a
//! trusted proxy saying so (`X-Forwarded-Proto` / `Forwarded: proto=`), never by anyone
//! else's word.

use chorus::config::RawSettings;
use reqwest::StatusCode;

use crate::common::{client, hidden_field, TestApp};

const PASSWORD: &str = "correct horse battery";

/// The `Set-Cookie` lines of `GET /login` sent with `headers`.
async fn login_cookies(app: &TestApp, headers: &[(&str, &str)]) -> Vec<String> {
    let mut request = client().get(app.url("/login"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let res = request.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(!cookies.is_empty(), "the login page sets its CSRF cookie");
    cookies
}

fn secure(cookie: &str) -> bool {
    cookie
        .split(';')
        .skip(1)
        .any(|a| a.trim().eq_ignore_ascii_case("secure"))
}

#[actix_web::test]
async fn cookies_are_secure_behind_a_trusted_https_proxy() {
    let app = TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        ..RawSettings::default()
    })
    .await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    for headers in [
        &[("x-forwarded-proto", "https")][..],
        &[("forwarded", "for=192.0.2.1;proto=https")][..],
    ] {
        for cookie in login_cookies(&app, headers).await {
            assert!(secure(&cookie), "{headers:?}: {cookie}");
        }
    }
    for headers in [&[][..], &[("x-forwarded-proto", "http")][..]] {
        for cookie in login_cookies(&app, headers).await {
            assert!(!secure(&cookie), "{headers:?}: {cookie}");
        }
    }

    // The session cookie of a sign-in through the proxy, too.
    let browser = client();
    let form = browser
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden_field(&form, "csrf");
    let res = browser
        .post(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("email", "boss@example.com"),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let session = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("chorus_session="))
        .expect("a session cookie");
    assert!(secure(&session), "{session}");
}

#[actix_web::test]
async fn a_clients_own_https_claim_changes_nothing() {
    // No trusted proxy: the header is the client's word.
    let app = TestApp::spawn().await;
    for cookie in login_cookies(&app, &[("x-forwarded-proto", "https")]).await {
        assert!(!secure(&cookie), "{cookie}");
    }
}

#[actix_web::test]
async fn an_https_base_url_makes_every_cookie_secure() {
    let app = TestApp::spawn_with(RawSettings {
        base_url: Some("https://chorus.example.com".into()),
        ..RawSettings::default()
    })
    .await;
    for cookie in login_cookies(&app, &[]).await {
        assert!(secure(&cookie), "{cookie}");
    }
}
