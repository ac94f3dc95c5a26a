//! The public paths under hostile input (issue 10): huge slugs, floods of unknown slugs,
//! huge user agents and touchpoint lists each cost a bounded amount and leave known links
//! working.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, TestApp};

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

/// `chorus_cached_links` from `/metrics`.
async fn cached_links(app: &TestApp) -> i64 {
    let body = get(app, "/metrics").await.text().await.unwrap();
    body.lines()
        .find_map(|line| line.strip_prefix("chorus_cached_links "))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no chorus_cached_links in {body}"))
}

#[actix_web::test]
async fn huge_slugs_get_the_404_page_and_are_not_cached() {
    let app = TestApp::spawn().await;
    let s = app.share_by_new_employee("ada", "linkedin").await;
    let slug = s["slug"].as_str().unwrap();
    assert_eq!(
        get(&app, &format!("/{slug}")).await.status(),
        StatusCode::FOUND
    );
    let before = cached_links(&app).await;

    let huge = "a".repeat(60 * 1024);
    for path in [
        format!("/{huge}"),
        format!("/qr/{huge}.svg"),
        format!("/qr/{huge}.png"),
    ] {
        let res = get(&app, &path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{:.20}", path);
        assert!(res.text().await.unwrap().contains("Link not found"));
    }
    // One character over the longest slug is refused the same way.
    let over = "b".repeat(chorus::domain::slug::MAX_LEN + 1);
    assert_eq!(
        get(&app, &format!("/{over}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &format!("/qr/{over}.svg")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(cached_links(&app).await, before);
}

#[actix_web::test]
async fn a_flood_of_unknown_slugs_leaves_known_links_cached_and_working() {
    let app = TestApp::spawn().await;
    let s = app.share_by_new_employee("bea", "linkedin").await;
    let slug = s["slug"].as_str().unwrap();
    assert_eq!(
        get(&app, &format!("/{slug}")).await.status(),
        StatusCode::FOUND
    );
    let before = cached_links(&app).await;

    for i in 0..300 {
        let path = if i % 2 == 0 {
            format!("/scan{i:05}")
        } else {
            format!("/qr/scan{i:05}.svg")
        };
        assert_eq!(get(&app, &path).await.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(
        cached_links(&app).await,
        before,
        "unknown slugs are not links"
    );
    let res = get(&app, &format!("/{slug}")).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("https://example.com/bea"));
}

#[actix_web::test]
async fn a_click_with_a_30_kb_user_agent_is_recorded() {
    let app = TestApp::spawn().await;
    let s = app.share_by_new_employee("cyd", "linkedin").await;
    let slug = s["slug"].as_str().unwrap();
    let agent = format!("{CHROME} {}", "x".repeat(30 * 1024));
    let res = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", agent)
        .header(
            "Referer",
            format!("https://example.org/{}", "p".repeat(10 * 1024)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let clicks = app.clicks_of(s["id"].as_i64().unwrap()).await;
    assert_eq!(clicks.len(), 1);
    let click = &clicks[0];
    assert_eq!(
        (click.kind.as_str(), click.browser.as_deref()),
        ("human", Some("Chrome"))
    );
    assert_eq!(click.referrer_host, None, "a 10 KB referer is not parsed");
}

#[actix_web::test]
async fn conversions_list_at_most_100_touchpoints() {
    let app = TestApp::spawn().await;
    let too_many: Vec<String> = (0..101).map(|i| format!("click-{i}")).collect();
    let res = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "lead", "click_id": "last", "touchpoints": too_many}),
        )
        .await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "too_many_touchpoints"
    );
    // 100 000 of them (an 800 KB body) are refused before the body is even parsed.
    let flood: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    let res = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "lead", "touchpoints": flood}),
        )
        .await;
    assert_eq!(
        error_code(res, StatusCode::PAYLOAD_TOO_LARGE).await,
        "payload_too_large"
    );
    // Below the body limit, still far too many: refused by the count, before any lookup.
    let many: Vec<String> = (0..3_000).map(|i| format!("c{i}")).collect();
    let res = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "lead", "touchpoints": many}),
        )
        .await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "too_many_touchpoints"
    );
    let listed = app.list("/api/v1/conversions", "conversions").await;
    assert!(listed.is_empty(), "nothing stored: {listed:?}");

    // 100 entries, each id twice: accepted, stored once each, the last click last.
    let repeated: Vec<String> = (0..100).map(|i| format!("click-{}", i % 50)).collect();
    let res = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "lead", "click_id": "last", "touchpoints": repeated}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let detail: Value = app
        .get(&format!("/api/v1/conversions/{}", created["id"]))
        .await
        .json()
        .await
        .unwrap();
    let touches = detail["touchpoints"].as_array().unwrap();
    assert_eq!(touches.len(), 51);
    assert_eq!(touches[0]["click_id"], "click-0");
    assert_eq!(touches[49]["click_id"], "click-49");
    assert_eq!(touches[50]["click_id"], "last");
}
