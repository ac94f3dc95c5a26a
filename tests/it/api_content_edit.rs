//! `PATCH /api/v1/content/{id}` and `PATCH /api/v1/campaigns/{id}`: every field, every
//! refusal (JSON error, nothing changed), 404s, and what the changes do to links: archived
//! content leaves the feed and gets no new shares while its links keep redirecting; a new
//! URL or campaign re-tags existing links; the click-id switch is followed at once; pinned
//! items head the feed.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, page, TestApp};

async fn item(app: &TestApp) -> Value {
    app.create_content(
        json!({"title": "Launch post", "url": "https://example.com/launch",
        "topics": ["Cloud"], "suggested_text": "Have a look"}),
    )
    .await
}

async fn show(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    res.json().await.unwrap()
}

/// The redirect's `Location` for a slug.
async fn location(app: &TestApp, slug: &str) -> String {
    let res = app
        .client
        .get(app.url(&format!("/{slug}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "redirect of {slug}");
    res.headers()["location"].to_str().unwrap().to_string()
}

#[actix_web::test]
async fn every_content_field_can_be_changed() {
    let app = TestApp::spawn().await;
    let campaign = app.create_campaign(json!({"name": "Spring Launch"})).await;
    let c = item(&app).await;
    assert_eq!(c["pinned"], false);
    assert_eq!(c["archived"], false);
    let path = format!("/api/v1/content/{}", c["id"]);
    let res = app
        .patch(
            &path,
            &json!({
                "title": "  New title ",
                "url": "https://Example.com/new?x=1",
                "campaign_id": campaign["id"],
                "topics": ["AI", "ai", "클라우드"],
                "suggested_text": "General text",
                "suggested_texts": {"linkedin": "For LinkedIn", "x": "Short for X"},
                "preview_image_url": "https://cdn.example.com/og.png",
                "click_param": false,
                "pinned": true,
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["title"], "New title");
    assert_eq!(body["url"], "https://example.com/new?x=1");
    assert_eq!(body["campaign_id"], campaign["id"]);
    assert_eq!(body["topics"], json!(["AI", "클라우드"]));
    assert_eq!(body["suggested_text"], "General text");
    assert_eq!(
        body["suggested_texts"],
        json!({"linkedin": "For LinkedIn", "x": "Short for X"})
    );
    assert_eq!(body["preview_image_url"], "https://cdn.example.com/og.png");
    assert_eq!(body["click_param"], false);
    assert_eq!(body["pinned"], true);
    assert_eq!(
        show(&app, &path).await,
        body,
        "GET shows what PATCH answered"
    );

    // Partial changes keep the rest; null clears; a blank network text removes it.
    let res = app
        .patch(
            &path,
            &json!({"campaign_id": null, "suggested_text": null, "preview_image_url": null,
                    "suggested_texts": {"x": " "}, "topics": []}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["campaign_id"], Value::Null);
    assert_eq!(body["suggested_text"], Value::Null);
    assert_eq!(body["preview_image_url"], Value::Null);
    assert_eq!(body["suggested_texts"], json!({"linkedin": "For LinkedIn"}));
    assert_eq!(body["topics"], json!([]));
    assert_eq!(body["title"], "New title");
    assert_eq!(body["pinned"], true);

    // An empty body changes nothing.
    let res = app.patch(&path, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), body);
}

#[actix_web::test]
async fn refused_content_changes_are_json_errors_and_change_nothing() {
    let app = TestApp::spawn().await;
    let c = item(&app).await;
    let path = format!("/api/v1/content/{}", c["id"]);
    let long = "a".repeat(5_001);
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!({"title": " "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_title",
        ),
        (
            json!({"title": "a".repeat(300)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_title",
        ),
        (
            json!({"url": "javascript:alert(1)"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "url_scheme_not_allowed",
        ),
        (
            json!({"url": "/relative"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "url_not_absolute",
        ),
        (
            json!({"url": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "url_empty",
        ),
        (
            json!({"url": "https://user:pw@example.com/"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "url_userinfo_not_allowed",
        ),
        (
            json!({"campaign_id": 999}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_campaign",
        ),
        (
            json!({"topics": ["ok", " "]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_topic",
        ),
        (
            json!({"suggested_text": long}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_suggested_text",
        ),
        (
            json!({"suggested_texts": {"linkedin": long}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_suggested_text",
        ),
        (
            json!({"suggested_texts": {"myspace": "hi"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_network",
        ),
        (
            json!({"preview_image_url": "http://cdn.example.com/og.png"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_preview_image_url",
        ),
        (
            json!({"preview_image_url": "not a url"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_preview_image_url",
        ),
        (
            json!({"pinned": "yes"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"archived": 1}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"origin": "employee"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
    ];
    for (body, status, code) in cases {
        let res = app.patch(&path, &body).await;
        assert_eq!(error_code(res, status).await, code, "{body}");
    }
    // A refusal among valid fields changes nothing at all.
    let res = app
        .patch(
            &path,
            &json!({"title": "Changed", "url": "ftp://example.com/"}),
        )
        .await;
    error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = app
        .patch(&path, &json!({"title": "Changed", "campaign_id": 12345}))
        .await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "unknown_campaign"
    );
    assert_eq!(show(&app, &path).await, c);

    let res = app
        .patch("/api/v1/content/424242", &json!({"pinned": true}))
        .await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
    let res = app.patch("/api/v1/content/abc", &json!({})).await;
    error_code(res, StatusCode::NOT_FOUND).await;
    let res = app
        .client
        .patch(app.url(&path))
        .json(&json!({"pinned": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(res, StatusCode::UNAUTHORIZED).await,
        "unauthorized"
    );
}

#[actix_web::test]
async fn archived_content_leaves_the_feed_and_gets_no_new_shares_but_links_keep_working() {
    let app = TestApp::spawn().await;
    let employee = app.create_employee("ada@example.com", "Ada", None).await;
    let c = item(&app).await;
    let share = app
        .create_share(&employee["id"], &c["id"], "linkedin")
        .await;
    let slug = share["slug"].as_str().unwrap().to_string();
    let path = format!("/api/v1/content/{}", c["id"]);

    let res = app.patch(&path, &json!({"archived": true})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["archived"], true);
    assert!(body["archived_at"].is_string());
    // Archiving again keeps the first time.
    let again: Value = app
        .patch(&path, &json!({"archived": true}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["archived_at"], body["archived_at"]);

    assert!(app.list("/api/v1/content", "content").await.is_empty());
    let all = app
        .list("/api/v1/content?include_archived=true", "content")
        .await;
    assert_eq!(all.len(), 1);

    let res = app
        .post(
            "/api/v1/shares",
            &json!({"employee_id": employee["id"], "content_id": c["id"], "network": "x"}),
        )
        .await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "unknown_content"
    );
    assert!(location(&app, &slug)
        .await
        .starts_with("https://example.com/launch?"));

    app.create_user("eve@example.com", "employee", "correct horse battery");
    let browser = app.login("eve@example.com", "correct horse battery").await;
    let feed = page(&browser, app.url("/feed")).await;
    assert!(!feed.contains("Launch post"), "archived item in the feed");

    let res = app.patch(&path, &json!({"archived": false})).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["archived"], false);
    assert_eq!(body["archived_at"], Value::Null);
    let feed = page(&browser, app.url("/feed")).await;
    assert!(
        feed.contains("Launch post"),
        "restored item back in the feed"
    );
}

#[actix_web::test]
async fn pinned_content_heads_the_feed() {
    let app = TestApp::spawn().await;
    let old = app
        .create_content(json!({"title": "Older pinned post", "url": "https://example.com/1"}))
        .await;
    app.create_content(json!({"title": "Newest post", "url": "https://example.com/2"}))
        .await;
    app.create_user("eve@example.com", "employee", "correct horse battery");
    let browser = app.login("eve@example.com", "correct horse battery").await;
    let feed = page(&browser, app.url("/feed")).await;
    assert!(feed.find("Newest post").unwrap() < feed.find("Older pinned post").unwrap());

    let res = app
        .patch(
            &format!("/api/v1/content/{}", old["id"]),
            &json!({"pinned": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let feed = page(&browser, app.url("/feed")).await;
    assert!(
        feed.find("Older pinned post").unwrap() < feed.find("Newest post").unwrap(),
        "pinned first"
    );
    assert!(feed.contains("badge pinned"));
}

#[actix_web::test]
async fn a_new_url_or_campaign_retags_existing_links_and_the_click_switch_is_followed() {
    let app = TestApp::spawn().await;
    let employee = app.create_employee("ada@example.com", "Ada", None).await;
    let c = item(&app).await;
    let share = app
        .create_share(&employee["id"], &c["id"], "linkedin")
        .await;
    let slug = share["slug"].as_str().unwrap().to_string();
    let token = url::Url::parse(share["destination"].as_str().unwrap())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "utm_content")
        .unwrap()
        .1
        .to_string();
    assert!(location(&app, &slug).await.contains("chorus_click="));

    let campaign = app
        .create_campaign(json!({"name": "Spring", "utm_medium": "advocacy"}))
        .await;
    let path = format!("/api/v1/content/{}", c["id"]);
    let res = app
        .patch(
            &path,
            &json!({"url": "https://example.com/fixed", "campaign_id": campaign["id"], "click_param": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved = location(&app, &slug).await;
    let moved = url::Url::parse(&moved).unwrap();
    assert_eq!(moved.path(), "/fixed");
    let params: std::collections::HashMap<String, String> =
        moved.query_pairs().into_owned().collect();
    assert_eq!(params["utm_campaign"], "spring");
    assert_eq!(params["utm_medium"], "advocacy");
    assert_eq!(params["utm_content"], token, "the link keeps its token");
    assert!(
        !params.contains_key("chorus_click"),
        "click id switched off"
    );
    let stored = show(&app, &format!("/api/v1/shares/{}", share["id"])).await;
    assert_eq!(stored["slug"], share["slug"]);
    assert_eq!(stored["destination"].as_str().unwrap(), moved.as_str());

    // A campaign's new medium reaches the links of its content too.
    let res = app
        .patch(
            &format!("/api/v1/campaigns/{}", campaign["id"]),
            &json!({"utm_medium": null}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(location(&app, &slug).await.contains("utm_medium=social"));
}

#[actix_web::test]
async fn every_campaign_field_can_be_changed() {
    let app = TestApp::spawn().await;
    let campaign = app
        .create_campaign(json!({"name": "Spring Launch", "starts_on": "2026-03-01"}))
        .await;
    assert_eq!(campaign["channel_warnings"], json!([]));
    assert_eq!(campaign["archived"], false);
    let path = format!("/api/v1/campaigns/{}", campaign["id"]);
    let res = app
        .patch(
            &path,
            &json!({"name": "Spring 2026", "utm_campaign": "spring26", "ends_on": "2026-03-31",
                    "goal": "500 sign-ups", "utm_source": "newsletter", "utm_medium": "email",
                    "utm_overwrite": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["name"], "Spring 2026");
    assert_eq!(body["utm_campaign"], "spring26");
    assert_eq!(body["starts_on"], "2026-03-01");
    assert_eq!(body["ends_on"], "2026-03-31");
    assert_eq!(body["goal"], "500 sign-ups");
    assert_eq!(body["utm_source"], "newsletter");
    assert_eq!(body["utm_medium"], "email");
    assert_eq!(body["utm_overwrite"], true);
    assert_eq!(
        body["channel_warnings"],
        json!([]),
        "Email is a deliberate channel"
    );
    assert_eq!(show(&app, &path).await, body);

    // null clears; a null utm_campaign is derived from the name again.
    let res = app
        .patch(
            &path,
            &json!({"utm_campaign": null, "starts_on": null, "goal": "", "utm_source": null,
                    "utm_medium": "cpc"}),
        )
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["utm_campaign"], "spring-2026");
    assert_eq!(body["starts_on"], Value::Null);
    assert_eq!(body["goal"], Value::Null);
    assert_eq!(body["utm_source"], Value::Null);
    assert_eq!(body["channel_warnings"][0]["code"], "paid");
    assert_eq!(body["channel_warnings"][0]["channel"], "Paid Social");
    assert!(body["channel_warnings"][0]["networks"]
        .as_array()
        .unwrap()
        .contains(&json!("linkedin")));

    let res = app.patch(&path, &json!({"archived": true})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["archived"], true);
    assert!(app.list("/api/v1/campaigns", "campaigns").await.is_empty());
    assert_eq!(
        app.list("/api/v1/campaigns?include_archived=true", "campaigns")
            .await
            .len(),
        1
    );
    let res = app.patch(&path, &json!({"archived": false})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["archived"], false);
}

#[actix_web::test]
async fn refused_campaign_changes_are_json_errors_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.create_campaign(json!({"name": "Taken", "utm_campaign": "taken"}))
        .await;
    let campaign = app
        .create_campaign(
            json!({"name": "Spring", "starts_on": "2026-03-10", "ends_on": "2026-03-20"}),
        )
        .await;
    let path = format!("/api/v1/campaigns/{}", campaign["id"]);
    let long = "a".repeat(101);
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!({"name": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_name",
        ),
        (
            json!({"utm_campaign": long}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_utm_campaign",
        ),
        (
            json!({"utm_campaign": "a\nb"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_utm_campaign",
        ),
        (
            json!({"name": "!!!", "utm_campaign": null}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_utm_campaign",
        ),
        (
            json!({"starts_on": "2026-02-30"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_date",
        ),
        (
            json!({"ends_on": "March"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_date",
        ),
        (
            json!({"starts_on": "2026-04-01", "ends_on": "2026-03-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_date_range",
        ),
        // Checked against the stored start (2026-03-10).
        (
            json!({"ends_on": "2026-03-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_date_range",
        ),
        (
            json!({"starts_on": "2026-03-21"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_date_range",
        ),
        (
            json!({"goal": "x".repeat(300)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_goal",
        ),
        (
            json!({"utm_source": long}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_utm_source",
        ),
        (
            json!({"utm_medium": "a\tb"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_utm_medium",
        ),
        (
            json!({"utm_campaign": "taken"}),
            StatusCode::CONFLICT,
            "utm_campaign_taken",
        ),
        (
            json!({"utm_overwrite": "yes"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"colour": "red"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
    ];
    for (body, status, code) in cases {
        let res = app.patch(&path, &body).await;
        assert_eq!(error_code(res, status).await, code, "{body}");
    }
    let unchanged = show(&app, &path).await;
    assert_eq!(unchanged["name"], "Spring");
    assert_eq!(unchanged["utm_campaign"], "spring");
    assert_eq!(unchanged["ends_on"], "2026-03-20");

    let res = app
        .patch("/api/v1/campaigns/9999", &json!({"name": "X"}))
        .await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
}

/// The migration as an upgrade of an install with content runs it: existing items come
/// out unpinned with no network texts, and keep working.
#[actix_web::test]
async fn the_migration_upgrades_an_install_with_content() {
    use diesel::connection::SimpleConnection;
    let mut app = TestApp::spawn().await;
    let c = item(&app).await;
    app.patch(
        &format!("/api/v1/content/{}", c["id"]),
        &json!({"pinned": true, "suggested_texts": {"x": "For X"}}),
    )
    .await;
    let (down, up) = crate::common::migration_sql("_content_manage");
    app.db()
        .run_sync(|conn| {
            conn.batch_execute(&down)?;
            conn.batch_execute(&up)?;
            Ok(())
        })
        .unwrap();
    app.restart().await;
    let after = show(&app, &format!("/api/v1/content/{}", c["id"])).await;
    assert_eq!(after["pinned"], false);
    assert_eq!(after["suggested_texts"], json!({}));
    assert_eq!(after["title"], c["title"]);
    let res = app
        .patch(
            &format!("/api/v1/content/{}", c["id"]),
            &json!({"pinned": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}
