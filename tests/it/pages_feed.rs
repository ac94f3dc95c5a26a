//! The employee feed: content cards, search and campaign filter, and the share buttons that
//! create (or reuse) the employee's share and send the browser to the network's compose
//! window.

use chorus::db::schema::content;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

/// The card ids in page order.
fn card_ids(html: &str) -> Vec<i64> {
    html.split("data-content=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}

fn set_column(app: &TestApp, id: i64, image: Option<&str>, archived: bool) {
    let image = image.map(str::to_owned);
    app.db()
        .run_sync(move |conn| {
            diesel::update(content::table.find(id))
                .set(content::preview_image_url.eq(image))
                .execute(conn)?;
            if archived {
                diesel::update(content::table.find(id))
                    .set(content::archived_at.eq(Some(chorus::store::now())))
                    .execute(conn)?;
            }
            Ok(())
        })
        .expect("update content");
}

async fn tap(
    app: &TestApp,
    browser: &reqwest::Client,
    content_id: &Value,
    target: &str,
    csrf: &str,
) -> reqwest::Response {
    browser
        .post(app.url(&format!("/feed/{content_id}/share/{target}")))
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn the_feed_lists_live_content_newest_first_with_search_and_campaign_filter() {
    let app = TestApp::spawn().await;
    app.create_user("emp@example.com", "employee", PASSWORD);
    let spring = app.create_campaign(json!({"name": "Spring Launch"})).await;
    let old = app
        .create_content(
            json!({"title": "Old news", "url": "https://example.com/old",
            "topics": ["Cloud"], "suggested_text": "Still worth a read"}),
        )
        .await;
    let launch = app
        .create_content(
            json!({"title": "Our new product", "url": "https://shop.example.com/new?x=1",
            "campaign_id": spring["id"], "topics": ["AI", "데이터"],
            "suggested_text": "We launched <b>today</b> & more"}),
        )
        .await;
    let gone = app
        .create_content(json!({"title": "Withdrawn post", "url": "https://example.com/gone"}))
        .await;
    set_column(&app, gone["id"].as_i64().unwrap(), None, true);
    set_column(
        &app,
        launch["id"].as_i64().unwrap(),
        Some("https://cdn.example.com/og.png"),
        false,
    );
    set_column(
        &app,
        old["id"].as_i64().unwrap(),
        Some("http://cdn.example.com/plain.png"),
        false,
    );

    let browser = app.login("emp@example.com", PASSWORD).await;
    let res = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/feed",
        "employees land on the feed"
    );

    let html = page(&browser, app.url("/feed")).await;
    assert_eq!(
        card_ids(&html),
        vec![launch["id"].as_i64().unwrap(), old["id"].as_i64().unwrap()],
        "newest first, archived hidden"
    );
    assert!(!html.contains("Withdrawn post"));
    assert!(html.contains("shop.example.com"), "the destination host");
    assert!(html.contains("Spring Launch") && html.contains("#데이터"));
    assert!(
        html.contains("We launched &#60;b&#62;today&#60;/b&#62; &#38; more"),
        "suggested text, escaped"
    );
    // Preview images are fetched by the server and served by Chorus, never hot-linked
    // (this one's host does not resolve here: no image at all; tests/it/preview_images.rs).
    assert!(
        !html.contains("https://cdn.example.com/og.png"),
        "never hot-linked"
    );
    assert!(
        !html.contains("http://cdn.example.com/plain.png"),
        "no image that is not https"
    );
    assert!(html.contains("href=\"/me\""), "My links stays in reach");
    for target in [
        "linkedin", "x", "facebook", "threads", "bluesky", "xing", "whatsapp", "email",
    ] {
        assert!(
            html.contains(&format!("/feed/{}/share/{target}\"", launch["id"])),
            "{target} button"
        );
    }

    let html = page(&browser, app.url("/feed?q=%EB%8D%B0%EC%9D%B4%ED%84%B0")).await;
    assert_eq!(
        card_ids(&html),
        vec![launch["id"].as_i64().unwrap()],
        "topic search"
    );
    let html = page(&browser, app.url("/feed?q=OLD+news")).await;
    assert_eq!(
        card_ids(&html),
        vec![old["id"].as_i64().unwrap()],
        "title search, any case"
    );
    let html = page(
        &browser,
        app.url(&format!("/feed?campaign={}", spring["id"])),
    )
    .await;
    assert_eq!(
        card_ids(&html),
        vec![launch["id"].as_i64().unwrap()],
        "campaign filter"
    );
    assert!(html.contains(&format!("<option value=\"{}\" selected>", spring["id"])));
    let html = page(&browser, app.url("/feed?q=nothing-like-this")).await;
    assert!(card_ids(&html).is_empty() && html.contains("No content matches"));
}

#[actix_web::test]
async fn a_share_button_makes_the_share_once_and_opens_the_compose_window() {
    let app = TestApp::spawn().await;
    let me = app.create_user("emp@example.com", "employee", PASSWORD);
    let item = app
        .create_content(
            json!({"title": "Q3 report", "url": "https://example.com/q3",
            "suggested_text": "Record quarter & more #growth 🎉"}),
        )
        .await;
    let browser = app.login("emp@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/feed")).await;
    let csrf = hidden_field(&html, "csrf");

    let res = tap(&app, &browser, &item["id"], "x", &csrf).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let first = res.headers()["location"].to_str().unwrap().to_string();
    let shares = app
        .list(&format!("/api/v1/shares?employee_id={me}"), "shares")
        .await;
    assert_eq!(shares.len(), 1, "{shares:?}");
    assert_eq!(shares[0]["network"], "x");
    let short = shares[0]["short_url"].as_str().unwrap();
    let intent = url::Url::parse(&first).unwrap();
    assert_eq!(intent.host_str(), Some("x.com"));
    assert_eq!(intent.path(), "/intent/post");
    let pairs: Vec<(String, String)> = intent.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        vec![
            ("text".into(), "Record quarter & more #growth 🎉".into()),
            ("url".into(), short.to_string()),
        ]
    );

    // A second tap reuses the share: same link, still one share.
    let res = tap(&app, &browser, &item["id"], "x", &csrf).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"].to_str().unwrap(), first);
    let again = app
        .list(&format!("/api/v1/shares?employee_id={me}"), "shares")
        .await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["slug"], shares[0]["slug"]);

    // The API finds the same share: 200, not 201.
    let res = app
        .post(
            "/api/v1/shares",
            &json!({"employee_id": me, "content_id": item["id"], "network": "x"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["slug"], shares[0]["slug"]);

    // LinkedIn's compose box gets the suggested text, a space and the short link (issue
    // 13); WhatsApp's share is recorded as `other`.
    let res = tap(&app, &browser, &item["id"], "linkedin", &csrf).await;
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let linkedin = url::Url::parse(&location).unwrap();
    assert_eq!(
        (linkedin.host_str(), linkedin.path()),
        (Some("www.linkedin.com"), "/feed/"),
        "{location}"
    );
    let pairs: Vec<(String, String)> = linkedin.query_pairs().into_owned().collect();
    let shared = app
        .list(
            &format!("/api/v1/shares?employee_id={me}&network=linkedin"),
            "shares",
        )
        .await;
    assert_eq!(shared.len(), 1, "{shared:?}");
    assert_eq!(
        pairs,
        vec![
            ("shareActive".into(), "true".into()),
            (
                "text".into(),
                format!(
                    "Record quarter & more #growth 🎉 {}",
                    shared[0]["short_url"].as_str().unwrap()
                )
            ),
        ],
        "{location}"
    );
    let res = tap(&app, &browser, &item["id"], "whatsapp", &csrf).await;
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("https://wa.me/?text=Record%20quarter"),
        "{location}"
    );
    let res = tap(&app, &browser, &item["id"], "email", &csrf).await;
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("mailto:?subject=Q3%20report&body="),
        "{location}"
    );
    let all = app
        .list(&format!("/api/v1/shares?employee_id={me}"), "shares")
        .await;
    let mut networks: Vec<&str> = all.iter().map(|s| s["network"].as_str().unwrap()).collect();
    networks.sort();
    assert_eq!(networks, ["email", "linkedin", "other", "x"]);

    // The card now shows the links, the copy field and the QR code.
    let html = page(&browser, app.url("/feed")).await;
    let other = all.iter().find(|s| s["network"] == "other").unwrap();
    assert!(html.contains(&format!(
        "value=\"{}\" readonly",
        other["short_url"].as_str().unwrap()
    )));
    assert!(html.contains(&format!("/qr/{}.svg", other["slug"].as_str().unwrap())));
    assert!(html.contains(&format!("/qr/{}.svg", shares[0]["slug"].as_str().unwrap())));
}

#[actix_web::test]
async fn the_copy_link_button_works_with_and_without_script() {
    let app = TestApp::spawn().await;
    let me = app.create_user("emp@example.com", "employee", PASSWORD);
    let item = app.content_for("https://example.com/copy").await;
    let browser = app.login("emp@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/feed?q=post")).await;
    let csrf = hidden_field(&html, "csrf");
    let res = browser
        .post(app.url(&format!("/feed/{}/link", item["id"])))
        .form(&[("csrf", csrf.as_str()), ("q", "post"), ("campaign", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        format!("/feed?q=post#content-{}", item["id"]).as_str()
    );
    let res = browser
        .post(app.url(&format!("/feed/{}/link", item["id"])))
        .header("Accept", "application/json")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let shares = app
        .list(&format!("/api/v1/shares?employee_id={me}"), "shares")
        .await;
    assert_eq!(shares.len(), 1, "one share for both taps");
    assert_eq!(body["short_url"], shares[0]["short_url"]);
    assert_eq!(
        body["qr"],
        format!("/qr/{}.svg", shares[0]["slug"].as_str().unwrap())
    );
}

#[actix_web::test]
async fn forged_unknown_and_archived_requests_are_refused() {
    let app = TestApp::spawn().await;
    let me = app.create_user("emp@example.com", "employee", PASSWORD);
    let item = app.content_for("https://example.com/a").await;
    let archived = app.content_for("https://example.com/b").await;
    set_column(&app, archived["id"].as_i64().unwrap(), None, true);
    let browser = app.login("emp@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/feed")).await;
    let csrf = hidden_field(&html, "csrf");

    let res = browser
        .post(app.url(&format!("/feed/{}/share/linkedin", item["id"])))
        .form(&[("nothing", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "no CSRF token");
    let res = tap(&app, &browser, &item["id"], "linkedin", "forged").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a wrong CSRF token");
    let res = browser
        .post(app.url(&format!("/feed/{}/link", item["id"])))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    for target in ["instagram", "other", "twitter", "LinkedIn"] {
        let res = tap(&app, &browser, &item["id"], target, &csrf).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{target}");
    }
    let res = tap(&app, &browser, &archived["id"], "linkedin", &csrf).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "archived content");
    let res = tap(&app, &browser, &json!(999_999), "linkedin", &csrf).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "missing content");
    let shares = app
        .list(&format!("/api/v1/shares?employee_id={me}"), "shares")
        .await;
    assert!(shares.is_empty(), "nothing was created: {shares:?}");

    // Signed out: to the login page, nothing created.
    let res = crate::common::client()
        .post(app.url(&format!("/feed/{}/share/linkedin", item["id"])))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        res.status() == StatusCode::SEE_OTHER || res.status() == StatusCode::UNAUTHORIZED,
        "{}",
        res.status()
    );
    let res = crate::common::client()
        .get(app.url("/feed"))
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn the_feed_is_translated() {
    let app = TestApp::spawn().await;
    app.create_user("emp@example.com", "employee", PASSWORD);
    app.create_content(json!({"title": "A post", "url": "https://example.com/ko",
        "suggested_text": "좋은 글"}))
        .await;
    let browser = app.login("emp@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/feed")).await;
    let res = browser
        .post(app.url("/me/locale"))
        .form(&[
            ("locale", "ko"),
            ("csrf", hidden_field(&html, "csrf").as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(&browser, app.url("/feed")).await;
    for korean in [
        "회사 콘텐츠 공유하기",
        "공유할 곳",
        "링크 복사",
        "모든 캠페인",
    ] {
        assert!(html.contains(korean), "{korean}");
    }
    for english in [
        "Share on",
        "Copy link",
        "All campaigns",
        "Share company content",
    ] {
        assert!(!html.contains(english), "{english}");
    }
}
