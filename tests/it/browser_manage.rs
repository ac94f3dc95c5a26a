//! The content and campaign pages in headless Chromium, as an admin uses them: the GA4
//! channel preview follows the medium while it is typed (static/js/campaign.js asking the
//! server), a campaign is created, content is created in it and archived, and the archived
//! item leaves the employee feed. Screenshots of both pages at 1366 and 390 px.

use fantoccini::Locator;
use serde_json::Value;

use crate::browser_support::{Browser, COMMAND};
use crate::common::TestApp;

const PASSWORD: &str = "correct horse battery";

/// Saves the page as `target/screenshots/<name>-<width>.png` at that window width and
/// checks that nothing is wider than the window.
async fn screenshot(browser: &Browser, name: &str, width: u32) {
    browser
        .client
        .set_window_size(width, 900)
        .await
        .expect("resize the window");
    browser.wait_for("document.readyState === 'complete'").await;
    // The GA4 preview where there is one (it is what the page is about), else the top.
    browser
        .js("const p = document.getElementById('ga4-preview'); \
             if (p && p.classList.contains('warn')) { p.scrollIntoView({block: 'center'}); } \
             else { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); } \
             return true;")
        .await;
    let overflow = browser
        .js("return document.documentElement.scrollWidth - window.innerWidth")
        .await;
    assert!(
        overflow.as_f64().unwrap_or(0.0) <= 0.0,
        "{name} at {width} px is wider than the window by {overflow}"
    );
    let png = browser.client.screenshot().await.expect("screenshot");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    let path = dir.join(format!("{name}-{width}.png"));
    std::fs::write(&path, &png).expect("write screenshot");
    assert!(png.len() > 1000, "{name} screenshot is empty");
}

/// Replaces the text of the input `css` by typing `text`, key by key.
async fn type_into(browser: &Browser, css: &str, text: &str) {
    let field = actix_web::rt::time::timeout(COMMAND, browser.client.find(Locator::Css(css)))
        .await
        .expect("in time")
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    field.clear().await.expect("clear");
    if !text.is_empty() {
        field.send_keys(text).await.expect("type");
    }
}

async fn text_of(browser: &Browser, css: &str) -> String {
    browser
        .js(&format!(
            "const e = document.querySelector({css:?}); return e ? e.innerText : ''"
        ))
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[actix_web::test]
async fn an_admin_sees_the_ga4_preview_follow_the_medium_then_creates_and_archives_content() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = Browser::start().await;
    browser
        .client
        .set_window_size(1366, 900)
        .await
        .expect("resize the window");
    browser.goto(&app.url("/login")).await;
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
    browser.wait_for("location.pathname === '/admin'").await;
    browser.goto(&app.url("/admin/campaigns")).await;
    browser
        .wait_for("document.getElementById('ga4-headline')")
        .await;

    // The preview before anything is typed: every network in Organic Social.
    assert_eq!(
        text_of(&browser, "#ga4-headline").await,
        "GA4 channel: Organic Social"
    );
    type_into(&browser, "#cp-name", "Spring Launch").await;
    browser
        .js("document.getElementById('cp-starts').value = '2026-03-01'; return true;")
        .await;
    type_into(&browser, "#cp-utm-medium", "cpc").await;
    browser
        .wait_for("document.getElementById('ga4-groups').innerText.includes('Paid Social')")
        .await;
    let warnings = text_of(&browser, "#ga4-warnings").await;
    assert!(warnings.contains("paid advertising"), "{warnings}");
    assert_eq!(
        browser
            .js("return document.getElementById('ga4-accept').hidden")
            .await,
        Value::Bool(false),
        "the 'save anyway' box appears with a warning"
    );
    for width in [1366, 390] {
        screenshot(&browser, "campaigns-warning", width).await;
    }
    browser
        .client
        .set_window_size(1366, 900)
        .await
        .expect("resize");

    // A custom medium: fine on LinkedIn, Unassigned where GA4 does not know the source.
    type_into(&browser, "#cp-utm-medium", "newsletter").await;
    browser
        .wait_for("document.getElementById('ga4-groups').innerText.includes('Unassigned')")
        .await;
    assert_eq!(
        text_of(&browser, "#ga4-headline").await,
        "GA4 channel: depends on the network"
    );
    assert!(text_of(&browser, "#ga4-warnings")
        .await
        .contains("Unassigned"));

    // Back to the default: the warning goes away.
    type_into(&browser, "#cp-utm-medium", "social").await;
    browser
        .wait_for(
            "document.getElementById('ga4-headline').innerText === 'GA4 channel: Organic Social' \
             && document.getElementById('ga4-warnings').children.length === 0",
        )
        .await;
    assert_eq!(
        browser
            .js("return document.getElementById('ga4-accept').hidden")
            .await,
        Value::Bool(true)
    );
    browser.click("#campaign-form button[type=submit]").await;
    browser
        .wait_for("location.pathname.startsWith('/admin/campaigns/') && document.querySelector('.notice')")
        .await;
    let campaigns = app.list("/api/v1/campaigns", "campaigns").await;
    assert_eq!(campaigns.len(), 1, "{campaigns:?}");
    assert_eq!(campaigns[0]["utm_campaign"], "spring-launch");
    assert_eq!(campaigns[0]["utm_medium"], "social");
    assert_eq!(campaigns[0]["starts_on"], "2026-03-01");

    browser.goto(&app.url("/admin/campaigns")).await;
    browser
        .wait_for("document.getElementById('campaign-list')")
        .await;
    for width in [1366, 390] {
        screenshot(&browser, "campaigns", width).await;
    }
    browser
        .client
        .set_window_size(1366, 900)
        .await
        .expect("resize");

    // Content in that campaign, created from the content page.
    browser.goto(&app.url("/admin/content")).await;
    browser
        .wait_for("document.getElementById('content-create')")
        .await;
    type_into(&browser, "#c-title", "Introducing Chorus 2.0").await;
    type_into(&browser, "#c-url", "https://www.example.com/news/chorus-2").await;
    type_into(&browser, "#c-topics", "Product, Launch").await;
    type_into(
        &browser,
        "#c-text",
        "Sharing company news now takes two taps.",
    )
    .await;
    browser
        .js(&format!(
            "document.getElementById('c-campaign').value = '{}'; return true;",
            campaigns[0]["id"]
        ))
        .await;
    browser.click("#content-create button[type=submit]").await;
    browser
        .wait_for("location.pathname.startsWith('/admin/content/') && document.getElementById('archive-button')")
        .await;
    let destinations = text_of(&browser, "#destinations").await;
    assert!(
        destinations.contains("utm_campaign=spring-launch"),
        "{destinations}"
    );
    for width in [1366, 390] {
        screenshot(&browser, "content-edit", width).await;
    }
    browser
        .client
        .set_window_size(1366, 900)
        .await
        .expect("resize");

    browser.goto(&app.url("/admin/content")).await;
    browser
        .wait_for("document.getElementById('content-list')")
        .await;
    for width in [1366, 390] {
        screenshot(&browser, "content", width).await;
    }
    browser
        .client
        .set_window_size(1366, 900)
        .await
        .expect("resize");

    browser.goto(&app.url("/feed")).await;
    browser
        .wait_for("document.querySelector('.feed-card')")
        .await;
    assert!(text_of(&browser, "main")
        .await
        .contains("Introducing Chorus 2.0"));

    // Archive it: gone from the feed.
    let item = &app.list("/api/v1/content", "content").await[0];
    browser
        .goto(&app.url(&format!("/admin/content/{}", item["id"])))
        .await;
    browser.click("#archive-button").await;
    browser
        .wait_for("document.getElementById('status-archived') && document.querySelector('.notice')")
        .await;
    browser.goto(&app.url("/feed")).await;
    browser.wait_for("document.readyState === 'complete'").await;
    assert!(!text_of(&browser, "main")
        .await
        .contains("Introducing Chorus 2.0"));
    assert!(app.list("/api/v1/content", "content").await.is_empty());
    browser.close().await;
}
