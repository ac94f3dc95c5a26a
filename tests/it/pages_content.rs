//! `/admin/content` and `/admin/campaigns`: the pages render for admins only, their forms
//! work with the CSRF token and redirect after success with a notice, and every refused
//! field is reported beside itself at once, with what was typed kept and nothing changed.
//! The GA4 channel preview answers as JSON and is checked again when a campaign is saved.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

async fn admin(app: &TestApp) -> reqwest::Client {
    app.create_user("boss@example.com", "admin", PASSWORD);
    app.login("boss@example.com", PASSWORD).await
}

async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

/// The error paragraph of field `id` (e.g. `c-title`), or `None`.
fn field_error(html: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}-error\">");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..].split('<').next().unwrap().to_string())
}

#[actix_web::test]
async fn only_admins_see_the_pages() {
    let app = TestApp::spawn().await;
    app.create_user("eve@example.com", "employee", PASSWORD);
    let employee = app.login("eve@example.com", PASSWORD).await;
    for path in [
        "/admin/content",
        "/admin/campaigns",
        "/admin/campaigns/preview?medium=cpc",
    ] {
        let res = employee.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        let res = crate::common::client()
            .get(app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path} signed out");
    }
    let boss = admin(&app).await;
    let html = page(&boss, app.url("/admin/content")).await;
    assert!(html.contains("Content library"));
    let res = boss
        .get(app.url("/admin/content/999"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = boss
        .get(app.url("/admin/campaigns/999"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn content_is_created_edited_archived_and_pinned_from_the_pages() {
    let app = TestApp::spawn().await;
    let boss = admin(&app).await;
    let campaign = app.create_campaign(json!({"name": "Spring Launch"})).await;
    let html = page(&boss, app.url("/admin/content")).await;
    assert!(html.contains("aria-current=\"page\""));
    let csrf = hidden_field(&html, "csrf");
    let id = campaign["id"].to_string();
    let res = post(
        &boss,
        &app,
        "/admin/content",
        &[
            ("csrf", &csrf),
            ("title", "Cloud costs"),
            ("url", "https://blog.example.com/cloud"),
            ("campaign", &id),
            ("topics", "Cloud, FinOps"),
            ("suggested_text", "Worth a read"),
            ("click_param", "1"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.ends_with("?done=created"), "{to}");
    let item = &app.list("/api/v1/content", "content").await[0];
    assert_eq!(item["title"], "Cloud costs");
    assert_eq!(item["topics"], json!(["Cloud", "FinOps"]));
    assert_eq!(item["campaign_id"], campaign["id"]);
    assert_eq!(item["click_param"], true);

    let edit = page(&boss, app.url(&to)).await;
    assert!(edit.contains("Content added."), "notice");
    assert!(
        edit.contains("utm_campaign=spring-launch"),
        "UTM-tagged destination preview"
    );
    assert!(edit.contains("chorus_click=CLICK-ID"));
    let path = format!("/admin/content/{}", item["id"]);
    let res = post(
        &boss,
        &app,
        &path,
        &[
            ("csrf", &csrf),
            ("title", "Cloud costs, revised"),
            ("url", "https://blog.example.com/cloud-2"),
            ("campaign", ""),
            ("topics", "클라우드"),
            ("suggested_text", ""),
            ("text_linkedin", "For LinkedIn"),
            ("text_x", ""),
            ("preview_image_url", "https://cdn.example.com/og.png"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{path}?done=saved"));
    let saved: Value = app
        .get(&format!("/api/v1/content/{}", item["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved["title"], "Cloud costs, revised");
    assert_eq!(saved["campaign_id"], Value::Null);
    assert_eq!(saved["topics"], json!(["클라우드"]));
    assert_eq!(
        saved["suggested_texts"],
        json!({"linkedin": "For LinkedIn"})
    );
    assert_eq!(saved["preview_image_url"], "https://cdn.example.com/og.png");
    assert_eq!(
        saved["click_param"], false,
        "an unticked box turns the click id off"
    );

    for (action, value, done, field, expected) in [
        ("pin", "1", "pinned", "pinned", true),
        ("pin", "0", "unpinned", "pinned", false),
        ("archive", "1", "archived", "archived", true),
        ("archive", "0", "restored", "archived", false),
    ] {
        let res = post(
            &boss,
            &app,
            &format!("{path}/{action}"),
            &[("csrf", &csrf), ("value", value)],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("{path}?done={done}"));
        let now: Value = app
            .get(&format!("/api/v1/content/{}", item["id"]))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(now[field], expected, "{action}={value}");
    }
    // The archived view lists archived items only.
    post(
        &boss,
        &app,
        &format!("{path}/archive"),
        &[("csrf", &csrf), ("value", "1")],
    )
    .await;
    let current = page(&boss, app.url("/admin/content")).await;
    assert!(!current.contains("Cloud costs, revised"));
    let archived = page(&boss, app.url("/admin/content?archived=1")).await;
    assert!(archived.contains("Cloud costs, revised"));
    let searched = page(&boss, app.url("/admin/content?archived=1&q=REVISED")).await;
    assert!(searched.contains("Cloud costs, revised"));
    let missed = page(&boss, app.url("/admin/content?archived=1&q=nothing")).await;
    assert!(!missed.contains("Cloud costs, revised"));

    // Without the CSRF token nothing happens.
    let res = post(&boss, &app, &format!("{path}/archive"), &[("value", "0")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = post(
        &boss,
        &app,
        &format!("{path}/archive"),
        &[("csrf", &csrf), ("value", "maybe")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn every_broken_content_field_is_reported_at_once_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let boss = admin(&app).await;
    let csrf = hidden_field(&page(&boss, app.url("/admin/content")).await, "csrf");
    let long = "a".repeat(5_001);
    let res = post(
        &boss,
        &app,
        "/admin/content",
        &[
            ("csrf", &csrf),
            ("title", " "),
            ("url", "ftp://files.example.com/x"),
            ("campaign", "not-a-number"),
            ("topics", "ok, ,"),
            ("suggested_text", &long),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(
        field_error(&html, "c-title").as_deref(),
        Some("Title must not be empty.")
    );
    assert!(field_error(&html, "c-url").unwrap().contains("“ftp:”"));
    assert_eq!(
        field_error(&html, "c-campaign").as_deref(),
        Some("Choose a campaign from the list.")
    );
    assert!(field_error(&html, "c-text").unwrap().contains("5000"));
    assert!(
        html.contains("value=\"ftp://files.example.com/x\""),
        "what was typed is kept"
    );
    assert!(app.list("/api/v1/content", "content").await.is_empty());

    for (fields, id, expected) in [
        (
            vec![("title", "T"), ("url", "")],
            "c-url",
            "Enter the address of the content.",
        ),
        (
            vec![("title", "T"), ("url", "example.com/x")],
            "c-url",
            "Enter a full address starting with https:// or http://.",
        ),
        (
            vec![("title", "T"), ("url", "https://a:b@example.com/")],
            "c-url",
            "The address must not contain a user name or password.",
        ),
        (
            vec![
                ("title", "T"),
                ("url", "https://example.com/"),
                ("campaign", "77"),
            ],
            "c-campaign",
            "Choose a campaign from the list.",
        ),
        (
            vec![("title", &"t".repeat(201)), ("url", "https://example.com/")],
            "c-title",
            "Title must be at most 200 characters.",
        ),
        (
            vec![
                ("title", "T"),
                ("url", "https://example.com/"),
                ("topics", &"x".repeat(201)),
            ],
            "c-topics",
            "Topic 1: A topic must be at most 200 characters.",
        ),
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields.iter().copied());
        let res = post(&boss, &app, "/admin/content", &all).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let html = res.text().await.unwrap();
        assert_eq!(
            field_error(&html, id).as_deref(),
            Some(expected),
            "{fields:?}"
        );
    }
    assert!(app.list("/api/v1/content", "content").await.is_empty());

    // The edit form: the same checks, plus the image and per-network texts.
    let item = app.content_for("https://example.com/keep").await;
    let path = format!("/admin/content/{}", item["id"]);
    let res = post(
        &boss,
        &app,
        &path,
        &[
            ("csrf", &csrf),
            ("title", ""),
            ("url", "https://example.com/changed"),
            ("preview_image_url", "http://cdn.example.com/og.png"),
            ("text_x", &long),
            ("text_linkedin", "fine"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(field_error(&html, "c-title").is_some());
    assert_eq!(
        field_error(&html, "c-image").as_deref(),
        Some("Use an image address starting with https://.")
    );
    assert!(field_error(&html, "c-text-x").is_some());
    assert!(field_error(&html, "c-text-linkedin").is_none());
    assert!(html.contains(">fine</textarea>"), "typed text kept");
    let unchanged: Value = app
        .get(&format!("/api/v1/content/{}", item["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged["url"], "https://example.com/keep");
    let res = post(
        &boss,
        &app,
        "/admin/content/9999",
        &[
            ("csrf", &csrf),
            ("title", "T"),
            ("url", "https://example.com/"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn campaigns_are_created_and_edited_with_the_ga4_check() {
    let app = TestApp::spawn().await;
    let boss = admin(&app).await;
    let html = page(&boss, app.url("/admin/campaigns")).await;
    assert!(
        html.contains("GA4 channel: Organic Social"),
        "the empty form previews the defaults"
    );
    let csrf = hidden_field(&html, "csrf");

    // A paid-looking medium is refused until "save anyway" is ticked.
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", "Spring Launch"),
        ("starts_on", "2026-03-01"),
        ("ends_on", "2026-03-31"),
        ("utm_medium", "cpc"),
    ];
    let res = post(&boss, &app, "/admin/campaigns", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(field_error(&html, "cp-ga4")
        .unwrap()
        .contains("Save anyway"));
    assert!(html.contains("GA4 channel: Paid Social") || html.contains("Paid Social"));
    assert!(html.contains("value=\"cpc\""), "typed medium kept");
    assert!(app.list("/api/v1/campaigns", "campaigns").await.is_empty());
    let mut accepted = fields.to_vec();
    accepted.push(("accept_warning", "1"));
    let res = post(&boss, &app, "/admin/campaigns", &accepted).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.ends_with("?done=created"), "{to}");
    let c = &app.list("/api/v1/campaigns", "campaigns").await[0];
    assert_eq!(c["utm_campaign"], "spring-launch");
    assert_eq!(c["utm_medium"], "cpc");

    // Editing the dates alone does not ask again; a new medium does.
    let path = format!("/admin/campaigns/{}", c["id"]);
    let edit = page(&boss, app.url(&to)).await;
    assert!(edit.contains("Campaign added."));
    // The campaign's results: the dashboard and the leaderboards, filtered to it.
    for (id, target) in [
        ("campaign-results", "/admin"),
        ("campaign-boards", "/admin/leaderboards"),
    ] {
        let href = format!("{target}?campaign_id={}", c["id"]);
        assert!(
            edit.contains(&format!("href=\"{href}\" id=\"{id}\"")),
            "{id} links to {href}"
        );
        let filtered = page(&boss, app.url(&href)).await;
        assert!(
            filtered.contains(&format!(
                "<option value=\"{}\" selected>Spring Launch</option>",
                c["id"]
            )),
            "{href} is filtered to the campaign"
        );
    }
    let res = post(
        &boss,
        &app,
        &path,
        &[
            ("csrf", &csrf),
            ("name", "Spring Launch"),
            ("utm_campaign", "spring-launch"),
            ("starts_on", "2026-03-01"),
            ("ends_on", "2026-04-30"),
            ("utm_medium", "cpc"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{path}?done=saved"));
    let res = post(
        &boss,
        &app,
        &path,
        &[
            ("csrf", &csrf),
            ("name", "Spring Launch"),
            ("utm_campaign", "spring-launch"),
            ("utm_medium", "newsletter"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Unassigned"));
    let res = post(
        &boss,
        &app,
        &path,
        &[
            ("csrf", &csrf),
            ("name", "Spring 2026"),
            ("utm_campaign", ""),
            ("utm_medium", ""),
            ("goal", "500 sign-ups"),
            ("utm_overwrite", "1"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let saved: Value = app
        .get(&format!("/api/v1/campaigns/{}", c["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved["name"], "Spring 2026");
    assert_eq!(
        saved["utm_campaign"], "spring-2026",
        "blank: derived from the name"
    );
    assert_eq!(saved["utm_medium"], Value::Null);
    assert_eq!(saved["starts_on"], Value::Null);
    assert_eq!(saved["goal"], "500 sign-ups");
    assert_eq!(saved["utm_overwrite"], true);

    let res = post(
        &boss,
        &app,
        &format!("{path}/archive"),
        &[("csrf", &csrf), ("value", "1")],
    )
    .await;
    assert_eq!(location(&res), format!("{path}?done=archived"));
    assert!(!page(&boss, app.url("/admin/campaigns"))
        .await
        .contains("Spring 2026"));
    assert!(page(&boss, app.url("/admin/campaigns?archived=1"))
        .await
        .contains("Spring 2026"));
    let res = post(
        &boss,
        &app,
        &format!("{path}/archive"),
        &[("csrf", &csrf), ("value", "0")],
    )
    .await;
    assert_eq!(location(&res), format!("{path}?done=restored"));
}

#[actix_web::test]
async fn every_broken_campaign_field_is_reported_at_once_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let boss = admin(&app).await;
    app.create_campaign(json!({"name": "Taken", "utm_campaign": "taken"}))
        .await;
    let csrf = hidden_field(&page(&boss, app.url("/admin/campaigns")).await, "csrf");
    let long = "a".repeat(101);
    let res = post(
        &boss,
        &app,
        "/admin/campaigns",
        &[
            ("csrf", &csrf),
            ("name", ""),
            ("utm_campaign", &long),
            ("starts_on", "2026-02-30"),
            ("ends_on", "next week"),
            ("goal", &"g".repeat(201)),
            ("utm_source", "a\tb"),
            ("utm_medium", &long),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(
        field_error(&html, "cp-name").as_deref(),
        Some("Name must not be empty.")
    );
    assert_eq!(
        field_error(&html, "cp-utm-campaign").as_deref(),
        Some("A UTM value is at most 100 characters.")
    );
    assert_eq!(
        field_error(&html, "cp-starts").as_deref(),
        Some("Enter a date as YYYY-MM-DD (got “2026-02-30”).")
    );
    assert!(field_error(&html, "cp-ends").unwrap().contains("next week"));
    assert_eq!(
        field_error(&html, "cp-goal").as_deref(),
        Some("Goal must be at most 200 characters.")
    );
    assert_eq!(
        field_error(&html, "cp-utm-source").as_deref(),
        Some("A UTM value must not contain tabs or line breaks.")
    );
    assert!(field_error(&html, "cp-utm-medium").is_some());

    for (fields, id, status, expected) in [
        (
            vec![
                ("name", "Spring"),
                ("starts_on", "2026-03-02"),
                ("ends_on", "2026-03-01"),
            ],
            "cp-ends",
            StatusCode::UNPROCESSABLE_ENTITY,
            "The end date must not be before the start date.",
        ),
        (
            vec![("name", "!!!")],
            "cp-utm-campaign",
            StatusCode::UNPROCESSABLE_ENTITY,
            "The name has no letters or digits to make utm_campaign from; enter a utm_campaign.",
        ),
        (
            vec![("name", "Taken")],
            "cp-utm-campaign",
            StatusCode::CONFLICT,
            "Another campaign already uses utm_campaign “taken”. Enter a different one.",
        ),
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields.iter().copied());
        let res = post(&boss, &app, "/admin/campaigns", &all).await;
        assert_eq!(res.status(), status, "{fields:?}");
        let html = res.text().await.unwrap();
        assert_eq!(
            field_error(&html, id).as_deref(),
            Some(expected),
            "{fields:?}"
        );
    }
    assert_eq!(app.list("/api/v1/campaigns", "campaigns").await.len(), 1);

    // The edit form: the stored start date counts, a taken value is a conflict.
    let c = app.create_campaign(json!({"name": "Autumn"})).await;
    let path = format!("/admin/campaigns/{}", c["id"]);
    let res = post(
        &boss,
        &app,
        &path,
        &[
            ("csrf", &csrf),
            ("name", "Autumn"),
            ("utm_campaign", "taken"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(field_error(&res.text().await.unwrap(), "cp-utm-campaign")
        .unwrap()
        .contains("taken"));
    let res = post(
        &boss,
        &app,
        &path,
        &[
            ("csrf", &csrf),
            ("name", " "),
            ("utm_campaign", "autumn"),
            ("ends_on", "x"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(field_error(&html, "cp-name").is_some() && field_error(&html, "cp-ends").is_some());
    let unchanged: Value = app
        .get(&format!("/api/v1/campaigns/{}", c["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged["name"], "Autumn");
    assert_eq!(unchanged["utm_campaign"], "autumn");
}

#[actix_web::test]
async fn the_preview_endpoint_runs_the_ga4_rules_in_the_page_language() {
    let app = TestApp::spawn().await;
    let boss = admin(&app).await;
    let get = |query: &'static str| {
        let boss = boss.clone();
        let url = app.url(&format!("/admin/campaigns/preview?{query}"));
        async move {
            let res = boss.get(url).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()
        }
    };
    let social = get("medium=social&name=Spring").await;
    assert_eq!(social["headline"], "GA4 channel: Organic Social");
    assert_eq!(social["warnings"], json!([]));
    let paid = get("medium=cpc").await;
    assert_eq!(paid["groups"][0]["label"], "Paid Social");
    assert_eq!(paid["groups"][0]["warn"], true);
    assert_eq!(paid["warnings"].as_array().unwrap().len(), 1);
    let custom = get("medium=newsletter").await;
    assert_eq!(custom["headline"], "GA4 channel: depends on the network");
    assert!(custom["warnings"][0].as_str().unwrap().contains("Threads"));
    let shop = get("name=Summer%20Shop").await;
    assert_eq!(shop["headline"], "GA4 channel: Organic Shopping");
    let res = boss
        .get(app.url("/admin/campaigns/preview?medium=Social"))
        .header("Accept-Language", "ko")
        .send()
        .await
        .unwrap();
    let ko: Value = res.json().await.unwrap();
    assert_eq!(ko["headline"], "GA4 채널: Organic Social");
    assert!(
        ko["warnings"][0].as_str().unwrap().contains("소문자"),
        "{ko}"
    );
}

#[actix_web::test]
async fn the_pages_speak_korean() {
    let app = TestApp::spawn().await;
    let boss = admin(&app).await;
    let campaign = app
        .create_campaign(json!({"name": "봄 캠페인", "utm_medium": "cpc"}))
        .await;
    let item = app
        .create_content(
            json!({"title": "신제품 출시", "url": "https://example.com/new",
            "campaign_id": campaign["id"]}),
        )
        .await;
    for (path, words) in [
        (
            "/admin/content".to_string(),
            vec!["콘텐츠 라이브러리", "콘텐츠 추가", "신제품 출시"],
        ),
        (
            format!("/admin/content/{}", item["id"]),
            vec!["링크 연결 주소", "보관", "네트워크별 문구"],
        ),
        (
            "/admin/campaigns".to_string(),
            vec!["진행 중인 캠페인", "캠페인 추가", "GA4 채널"],
        ),
        (
            format!("/admin/campaigns/{}", campaign["id"]),
            vec!["유료 광고", "그래도 저장", "캠페인 보관"],
        ),
    ] {
        let html = boss
            .get(app.url(&path))
            .header("Accept-Language", "ko-KR,ko;q=0.9")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("<html lang=\"ko\">"), "{path}");
        for word in words {
            assert!(html.contains(word), "{word} missing on {path}");
        }
    }
}
