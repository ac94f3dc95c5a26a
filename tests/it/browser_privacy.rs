//! In headless Chromium: an employee opts in to appear by name on `/me`, sees their
//! leaderboard, and an admin erases an employee after the confirmation step. Screenshots
//! of `/me`'s privacy card, `/me/leaderboard` and the erase confirmation at 1366 and 390 px.

use crate::browser_support::Browser;
use crate::common::TestApp;
use crate::privacy::{api_rows, people, set_mode, PASSWORD};

/// Saves the page as `target/screenshots/<name>-<width>.png` and checks that nothing is
/// wider than the window.
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

async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&app.url("/login")).await;
    browser
        .js(&format!(
            r#"document.getElementById("email").value = "{email}";
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
}

#[actix_web::test]
async fn an_employee_opts_in_and_an_admin_erases_after_confirming() {
    let app = TestApp::spawn().await;
    let (_, ann, bo, _) = people(&app).await;
    set_mode(&app, "opt_in").await;

    let browser = Browser::start().await;
    sign_in(&browser, &app, "ann@example.com").await;
    browser.goto(&app.url("/me#privacy")).await;
    browser.wait_for("document.querySelector('#opt-in')").await;
    browser.click("#opt-in").await;
    browser.click("#privacy form button[type=submit]").await;
    browser
        .wait_for("document.querySelector('.notice') && location.search === '?saved=privacy'")
        .await;
    assert_eq!(
        browser
            .js("return document.getElementById('opt-in').checked")
            .await,
        true
    );
    let rows = api_rows(&app, "employees-shares").await;
    assert_eq!(rows[0].1, "User ann@example.com", "{rows:?}");
    for width in [1366, 390] {
        screenshot(&browser, "me-privacy", width).await;
    }
    browser.goto(&app.url("/me/leaderboard")).await;
    browser
        .wait_for("document.querySelector('#top-employees-shares')")
        .await;
    let text = browser.js("return document.body.innerText").await;
    let text = text.as_str().unwrap();
    assert!(text.contains("User ann@example.com") && text.contains("Anonymous employee"));
    for width in [1366, 390] {
        screenshot(&browser, "me-leaderboard", width).await;
    }
    browser.close().await;

    let browser = Browser::start().await;
    sign_in(&browser, &app, "admin@example.com").await;
    browser
        .goto(&app.url(&format!("/admin/employees/{bo}")))
        .await;
    browser.wait_for("document.querySelector('#erase')").await;
    browser.click("#erase").await;
    browser
        .wait_for("document.querySelector('#erase-confirm')")
        .await;
    for width in [1366, 390] {
        screenshot(&browser, "employee-erase", width).await;
    }
    assert!(
        app.get(&format!("/api/v1/employees/{bo}"))
            .await
            .status()
            .is_success(),
        "nothing happens before the confirmation"
    );
    browser
        .client
        .set_window_size(1366, 900)
        .await
        .expect("resize");
    browser.click("#erase-confirm").await;
    browser
        .wait_for("document.querySelector('.notice') && location.pathname === '/admin/employees'")
        .await;
    let notice = browser
        .js("return document.querySelector('.notice').innerText")
        .await;
    assert!(notice
        .as_str()
        .unwrap()
        .starts_with("The employee is erased."));
    assert_eq!(
        app.get(&format!("/api/v1/employees/{bo}")).await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
    assert!(app
        .get(&format!("/api/v1/employees/{ann}"))
        .await
        .status()
        .is_success());
    browser.close().await;
}
