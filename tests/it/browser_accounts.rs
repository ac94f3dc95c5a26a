//! Accounts in a real browser on a phone-sized window (390 px): an admin invites an employee,
//! the employee opens the invitation, sets a password, lands on the feed, shares a post to
//! LinkedIn in one tap and copies a link; signs out, resets the password through a link
//! the admin made, and signs in again. A forged post without the CSRF token is refused.
//! Screenshots at 390 and 1366 px under `target/screenshots/`.

use serde_json::json;

use crate::browser_support::{Browser, WAIT};
use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";
const EMPLOYEE_PASSWORD: &str = "my own passphrase 1";
const RESET_PASSWORD: &str = "my newer passphrase 2";
const SUGGESTED: &str = "We just launched Chorus 2.0 — sharing company news now takes two taps.";

/// Saves `target/screenshots/<name>-<width>.png`, then goes back to the phone width.
async fn screenshots(browser: &Browser, name: &str) {
    for width in [1366, 390] {
        browser
            .client
            .set_window_size(width, 900)
            .await
            .expect("resize the window");
        browser.wait_for("document.readyState === 'complete'").await;
        let png = browser.client.screenshot().await.expect("screenshot");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        let path = dir.join(format!("{name}-{width}.png"));
        std::fs::write(&path, &png).expect("write screenshot");
        assert!(png.len() > 1000, "{name}-{width} is an image");
    }
    // Nothing wider than the phone's screen.
    let overflow = browser
        .js("return document.documentElement.scrollWidth - window.innerWidth")
        .await;
    assert!(
        overflow.as_f64().unwrap() <= 0.0,
        "{name} overflows by {overflow} px"
    );
}

/// Types `value` into the field `id` (as a person would, through the DOM).
async fn fill(browser: &Browser, id: &str, value: &str) {
    let script = format!(
        "document.getElementById({}).value = {}; return true;",
        json!(id),
        json!(value)
    );
    browser.js(&script).await;
}

async fn sign_in(browser: &Browser, app: &TestApp, email: &str, password: &str) {
    browser.goto(&app.url("/login")).await;
    fill(browser, "email", email).await;
    fill(browser, "password", password).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
}

/// Signs out from the header: on a phone the button sits in the folded menu, so the menus
/// around it are opened first, as a person would tap them open.
async fn sign_out(browser: &Browser) {
    browser
        .js(r#"let d = document.querySelector('.signout button');
               while (d) { if (d.tagName === 'DETAILS') d.open = true; d = d.parentElement; }
               return true;"#)
        .await;
    browser.click(".signout button").await;
}

#[actix_web::test]
async fn an_invited_employee_signs_up_shares_and_resets_the_password_on_a_phone() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let item = app
        .create_content(json!({"title": "Introducing Chorus 2.0",
            "url": "https://www.example.com/news/chorus-2", "topics": ["Launch"],
            "suggested_text": SUGGESTED}))
        .await;
    let browser = Browser::start().await;
    browser
        .client
        .set_window_size(390, 900)
        .await
        .expect("resize the window");

    // The admin invites Ada from the employee list.
    sign_in(&browser, &app, "boss@example.com", PASSWORD).await;
    browser.wait_for("location.pathname === '/admin'").await;
    browser.goto(&app.url("/admin/employees")).await;
    fill(&browser, "emp-name", "Ada Lovelace").await;
    fill(&browser, "emp-email", "ada@example.com").await;
    fill(&browser, "emp-team", "Engineering").await;
    browser.click("#invite-submit").await;
    let link = browser
        .wait_for("document.getElementById('invite-link') && document.getElementById('invite-link').value")
        .await;
    let link = link.as_str().unwrap().to_string();
    assert!(
        link.starts_with(&format!("{}/invite/", app.address)),
        "{link}"
    );
    screenshots(&browser, "accounts-invited").await;
    browser.goto(&app.url("/admin/employees")).await;
    browser
        .wait_for("document.querySelector('#employees .account-invited')")
        .await;
    screenshots(&browser, "accounts-employees").await;
    sign_out(&browser).await;
    browser.wait_for("location.pathname === '/login'").await;

    // Ada opens the invitation, chooses a password and lands on the feed.
    browser.goto(&link).await;
    browser
        .wait_for("document.getElementById('set-password-form')")
        .await;
    screenshots(&browser, "accounts-invitation").await;
    fill(&browser, "password", EMPLOYEE_PASSWORD).await;
    fill(&browser, "confirm", EMPLOYEE_PASSWORD).await;
    browser
        .click("#set-password-form button[type=submit]")
        .await;
    browser
        .wait_for("location.pathname === '/feed' && document.querySelector('.feed-card')")
        .await;
    let ada = app
        .employees()
        .await
        .into_iter()
        .find(|e| e["email"] == "ada@example.com")
        .expect("Ada exists");
    let card = format!("#content-{}", item["id"]);
    let shown = browser
        .js(&format!(
            "return document.querySelector('{card} .feed-text').value"
        ))
        .await;
    assert!(
        shown.as_str().unwrap().contains(SUGGESTED),
        "the suggested text is on the card: {shown}"
    );

    // One tap: LinkedIn's compose window with Ada's short link (the sandbox has no
    // internet; the address the browser went to is what counts).
    browser
        .click(&format!("{card} button[data-target='linkedin']"))
        .await;
    let deadline = std::time::Instant::now() + WAIT;
    let landed = loop {
        let url = browser.current_url().await;
        if url.host_str() == Some("www.linkedin.com") {
            break url;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still on {url} after the tap"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let shares = app
        .list(
            &format!("/api/v1/shares?employee_id={}&network=linkedin", ada["id"]),
            "shares",
        )
        .await;
    assert_eq!(shares.len(), 1, "{shares:?}");
    let short = shares[0]["short_url"].as_str().unwrap();
    let pairs: Vec<(String, String)> = landed.query_pairs().into_owned().collect();
    // LinkedIn's compose box: the suggested text, a space, the short link (issue 13).
    assert_eq!(landed.path(), "/feed/", "{landed}");
    assert!(
        pairs.iter().any(|(k, v)| k == "text"
            && v.contains(SUGGESTED)
            && v.ends_with(&format!(" {short}"))),
        "the intent carries the suggested text and the short link: {landed}"
    );

    // Copy link: made, copied and shown in place.
    browser.goto(&app.url("/feed")).await;
    browser
        .click(&format!("{card} .copy-link-form button"))
        .await;
    let copied = browser
        .wait_for(&format!(
            "document.querySelector('{card} .feed-link-field') && document.querySelector('{card} .feed-link-field').value"
        ))
        .await;
    let other = app
        .list(
            &format!("/api/v1/shares?employee_id={}&network=other", ada["id"]),
            "shares",
        )
        .await;
    assert_eq!(copied, other[0]["short_url"]);
    screenshots(&browser, "accounts-feed").await;

    // A forged post without the CSRF token is refused.
    browser
        .js(r#"const f = document.createElement('form');
               f.method = 'post'; f.action = '/me/password';
               for (const [n, v] of [['current', 'x'], ['password', 'forged password 1'], ['confirm', 'forged password 1']]) {
                 const i = document.createElement('input'); i.name = n; i.value = v; f.appendChild(i);
               }
               document.body.appendChild(f); f.submit(); return true;"#)
        .await;
    browser
        .wait_for("document.querySelector('.error-page') && location.pathname === '/me/password'")
        .await;
    let text = browser.js("return document.body.innerText").await;
    assert!(text.as_str().unwrap().contains("Request refused"), "{text}");

    // Signs out; the admin makes a reset link and hands it over; Ada resets and signs in.
    browser.goto(&app.url("/feed")).await;
    sign_out(&browser).await;
    browser.wait_for("location.pathname === '/login'").await;
    let boss = app.login("boss@example.com", PASSWORD).await;
    let employee_page = app.url(&format!("/admin/employees/{}", ada["id"]));
    let csrf = hidden_field(&page(&boss, employee_page.clone()).await, "csrf");
    let res = boss
        .post(app.url(&format!("/admin/employees/{}/reset-link", ada["id"])))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let html = page(&boss, employee_page).await;
    let marker = "id=\"reset-link\" class=\"feed-link-field\" readonly value=\"";
    let start = html.find(marker).expect("the reset link on the page") + marker.len();
    let reset = html[start..].split('"').next().unwrap().to_string();

    browser.goto(&reset).await;
    browser
        .wait_for("document.getElementById('set-password-form')")
        .await;
    screenshots(&browser, "accounts-reset").await;
    fill(&browser, "password", RESET_PASSWORD).await;
    fill(&browser, "confirm", RESET_PASSWORD).await;
    browser
        .click("#set-password-form button[type=submit]")
        .await;
    browser
        .wait_for("location.pathname === '/login' && document.getElementById('login-notice')")
        .await;
    sign_in(&browser, &app, "ada@example.com", RESET_PASSWORD).await;
    browser
        .wait_for("location.pathname === '/feed' && document.querySelector('.feed-card')")
        .await;
    browser.close().await;
}
