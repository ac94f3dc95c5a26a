//! In headless Chromium: an admin creates an API key on `/admin/keys`, sees it once, the
//! key works against the API, the admin revokes it after the confirmation step and the key
//! then gets 401. Screenshots of `/admin/keys` and `/admin/settings` at 1366 and 390 px.

use reqwest::StatusCode;

use crate::browser_support::Browser;
use crate::common::{client, TestApp};

const PASSWORD: &str = "correct horse battery";

/// Saves the whole page as `target/screenshots/<name>-<width>.png` at that window width
/// and checks that nothing is wider than the window.
async fn screenshot(browser: &Browser, name: &str, width: u32) {
    browser
        .client
        .set_window_size(width, 900)
        .await
        .expect("resize the window");
    browser.wait_for("document.readyState === 'complete'").await;
    let overflow = browser
        .js("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        .await;
    assert!(
        overflow.as_i64().unwrap_or(0) <= 0,
        "{name} at {width} px is wider than the window by {overflow} px"
    );
    // The whole page, not only its first screen (capped: a screenshot, not a poster).
    let height = browser
        .js("return document.documentElement.scrollHeight")
        .await
        .as_u64()
        .unwrap_or(900)
        .clamp(900, 5000) as u32;
    browser
        .client
        .set_window_size(width, height)
        .await
        .expect("resize the window");
    let png = browser.client.screenshot().await.expect("screenshot");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    let path = dir.join(format!("{name}-{width}.png"));
    std::fs::write(&path, png).expect("write screenshot");
    assert!(std::fs::metadata(&path).expect("saved").len() > 1000);
}

async fn status_with(app: &TestApp, key: &str) -> StatusCode {
    client()
        .get(app.url("/api/v1/employees"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .status()
}

#[actix_web::test]
async fn an_admin_creates_a_key_sees_it_once_and_revokes_it() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = Browser::start().await;
    browser.goto(&app.url("/login?next=/admin/keys")).await;
    browser
        .js(&format!(
            r#"document.getElementById("email").value = "boss@example.com";
               document.getElementById("password").value = "{PASSWORD}";
               return true;"#
        ))
        .await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser
        .wait_for("document.querySelector('#language-form') !== null")
        .await;
    browser.goto(&app.url("/admin/keys")).await;
    browser
        .wait_for("document.querySelector('#key-form')")
        .await;

    // Create a full key by typing in the form.
    browser
        .js(r#"document.getElementById("key-name").value = "Data team"; return true;"#)
        .await;
    browser.click("#key-form button[type=submit]").await;
    let secret = browser
        .wait_for("document.getElementById('new-key-secret') && document.getElementById('new-key-secret').value")
        .await;
    let secret = secret.as_str().expect("the secret").to_string();
    assert!(secret.starts_with("chr_sk_"), "{secret}");
    let notice = browser
        .js("return document.querySelector('.notice').innerText")
        .await;
    assert_eq!(notice, "Key “Data team” created.");
    // The copy button says it copied (the clipboard itself is the browser's business).
    browser.click("#new-key-copy").await;
    browser
        .wait_for("document.getElementById('new-key-copy').classList.contains('done')")
        .await;
    for width in [1366, 390] {
        screenshot(&browser, "keys-new", width).await;
    }

    // The key works against the API.
    assert_eq!(status_with(&app, &secret).await, StatusCode::OK);

    // Shown once: a reload shows the list without it.
    browser.goto(&app.url("/admin/keys")).await;
    browser.wait_for("document.querySelector('#keys')").await;
    assert_eq!(
        browser
            .js("return document.getElementById('new-key-secret') === null")
            .await,
        true
    );
    let html = browser.js("return document.body.innerHTML").await;
    assert!(
        !html.as_str().unwrap().contains(&secret),
        "the secret never shows again"
    );
    for width in [1366, 390] {
        screenshot(&browser, "keys", width).await;
    }

    // Revoke it: the link leads to a confirmation, the confirmation revokes.
    let id = app
        .list("/api/v1/api-keys", "api_keys")
        .await
        .into_iter()
        .find(|k| k["name"] == "Data team")
        .expect("listed")["id"]
        .as_i64()
        .unwrap();
    browser
        .client
        .set_window_size(1366, 900)
        .await
        .expect("resize");
    browser
        .click(&format!("tr[data-key='{id}'] a.revoke-link"))
        .await;
    browser
        .wait_for("document.querySelector('#revoke-confirm')")
        .await;
    assert_eq!(
        status_with(&app, &secret).await,
        StatusCode::OK,
        "nothing happens before the confirmation"
    );
    browser.click("#revoke-confirm").await;
    browser
        .wait_for("document.querySelector('.notice') && location.pathname === '/admin/keys'")
        .await;
    let notice = browser
        .js("return document.querySelector('.notice').innerText")
        .await;
    assert_eq!(notice, "Key “Data team” revoked: it no longer works.");
    assert_eq!(status_with(&app, &secret).await, StatusCode::UNAUTHORIZED);

    // The settings page, as the admin sees it.
    browser.goto(&app.url("/admin/settings")).await;
    browser
        .wait_for("document.querySelector('#settings-form')")
        .await;
    for width in [1366, 390] {
        screenshot(&browser, "settings", width).await;
    }
    browser.close().await;
}
