//! The link pages: an employee's own links with their counts, and the admin list with
//! disable/enable.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";
const CHROME: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";

async fn share_of(app: &TestApp, employee_id: i64, url: &str) -> Value {
    let content = app.content_for(url).await;
    app.create_share(&employee_id.into(), &content["id"], "linkedin")
        .await
}

#[actix_web::test]
async fn employees_see_their_own_links_with_counts() {
    let app = TestApp::spawn().await;
    let me = app.create_user("me@example.com", "employee", PASSWORD);
    let other = app.create_user("other@example.com", "employee", PASSWORD);
    let mine = share_of(&app, me, "https://example.com/mine").await;
    let theirs = share_of(&app, other, "https://example.com/theirs").await;
    let slug = mine["slug"].as_str().unwrap();
    let res = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", CHROME)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);

    let browser = app.login("me@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/me")).await;
    assert!(
        html.contains(&format!(
            "value=\"{}\"",
            mine["short_url"].as_str().unwrap()
        )),
        "copyable short link"
    );
    assert!(
        !html.contains(theirs["slug"].as_str().unwrap()),
        "only my links"
    );
    assert!(html.contains(&format!("/qr/{slug}.svg")));
    let row = html
        .split(&format!("data-share=\"{}\"", mine["id"]))
        .nth(1)
        .unwrap();
    assert!(
        row.contains("data-label=\"Clicks\">1</td>"),
        "one verified click: {row}"
    );
}

#[actix_web::test]
async fn admins_list_every_link_and_switch_one_off() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let emp = app.create_user("emp@example.com", "employee", PASSWORD);
    let s = share_of(&app, emp, "https://example.com/off").await;
    let browser = app.login("boss@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/admin/links")).await;
    assert!(html.contains(s["slug"].as_str().unwrap()) && html.contains("User emp@example.com"));
    let csrf = hidden_field(&html, "csrf");
    let res = browser
        .post(app.url(&format!("/admin/links/{}/toggle", s["id"])))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .client
        .get(app.url(&format!("/{}", s["slug"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::GONE,
        "the switched-off link answers 410 at once"
    );
    let html = page(&browser, app.url("/admin/links")).await;
    assert!(html.contains("status disabled"));

    let emp_browser = app.login("emp@example.com", PASSWORD).await;
    let res = emp_browser
        .get(app.url("/admin/links"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
