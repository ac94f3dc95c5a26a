//! `/api/v1/campaigns`, `/api/v1/content` and `/api/v1/shares`, and the store functions the
//! redirect relies on.

use std::collections::BTreeSet;

use chorus::config::RawSettings;
use chorus::db::schema::{click_rollups, conversions, metrics_snapshots, topics};
use chorus::domain::network::Network;
use chorus::domain::slug::Slug;
use chorus::store::shares::{self as share_store, NewShare, ShareRefused};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, TestApp};

/// The query parameters of a URL, in order, decoded.
fn params(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param(url: &str, name: &str) -> Option<String> {
    params(url)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

async fn employee(app: &TestApp) -> Value {
    app.create_employee("ana.kim@example.com", "Ana Kim", Some("Sales"))
        .await
}

// ---------------------------------------------------------------------------------------
// Campaigns
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn campaigns_are_created_and_listed_newest_first() {
    let app = TestApp::spawn().await;
    let spring = app
        .create_campaign(json!({"name": "Spring Launch 2026"}))
        .await;
    assert!(spring["id"].as_i64().unwrap() > 0);
    assert_eq!(spring["name"], "Spring Launch 2026");
    assert_eq!(
        spring["utm_campaign"], "spring-launch-2026",
        "derived from the name"
    );
    assert_eq!(spring["starts_on"], Value::Null);
    assert_eq!(spring["ends_on"], Value::Null);
    assert_eq!(spring["utm_source"], Value::Null);
    assert_eq!(spring["utm_medium"], Value::Null);
    assert_eq!(spring["utm_overwrite"], false);
    assert!(spring["created_at"].as_str().unwrap().ends_with('Z'));

    let korean = app
        .create_campaign(json!({"name": "봄 캠페인 & 할인"}))
        .await;
    assert_eq!(korean["utm_campaign"], "봄-캠페인-할인");
    let folded = app
        .create_campaign(json!({"name": "Café Überraschung"}))
        .await;
    assert_eq!(folded["utm_campaign"], "cafe-uberraschung");

    let explicit = app
        .create_campaign(json!({
            "name": "Q3",
            "utm_campaign": "Q3_Launch",
            "starts_on": "2026-07-01",
            "ends_on": "2026-09-30",
            "goal": "Leads",
            "utm_source": "acme",
            "utm_medium": "social",
            "utm_overwrite": true,
        }))
        .await;
    assert_eq!(
        explicit["utm_campaign"], "Q3_Launch",
        "explicit values are kept"
    );
    assert_eq!(explicit["starts_on"], "2026-07-01");
    assert_eq!(explicit["ends_on"], "2026-09-30");
    assert_eq!(explicit["goal"], "Leads");
    assert_eq!(explicit["utm_source"], "acme");
    assert_eq!(explicit["utm_medium"], "social");
    assert_eq!(explicit["utm_overwrite"], true);

    let one_day = app
        .create_campaign(
            json!({"name": "Launch day", "starts_on": "2026-05-05", "ends_on": "2026-05-05"}),
        )
        .await;

    let all = app.list("/api/v1/campaigns", "campaigns").await;
    assert_eq!(all, vec![one_day, explicit.clone(), folded, korean, spring]);
    let one: Value = app
        .get(&format!("/api/v1/campaigns/{}", explicit["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one, explicit);
    let res = app.get("/api/v1/campaigns/999999").await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
}

#[actix_web::test]
async fn duplicate_utm_campaign_is_409_and_adds_nothing() {
    let app = TestApp::spawn().await;
    app.create_campaign(json!({"name": "Spring Launch"})).await;
    for body in [
        json!({"name": "Spring launch!"}),
        json!({"name": "Other", "utm_campaign": "spring-launch"}),
    ] {
        let res = app.post("/api/v1/campaigns", &body).await;
        assert_eq!(
            error_code(res, StatusCode::CONFLICT).await,
            "utm_campaign_taken",
            "{body}"
        );
    }
    // The same name with its own value is fine.
    app.create_campaign(json!({"name": "Spring Launch", "utm_campaign": "spring-launch-2"}))
        .await;
    assert_eq!(app.list("/api/v1/campaigns", "campaigns").await.len(), 2);
}

#[actix_web::test]
async fn campaign_rule_violations_are_422_and_wrong_types_400() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"name": "X", "starts_on": "2026-03-02", "ends_on": "2026-03-01"}),
            "invalid_date_range",
        ),
        (
            json!({"name": "X", "starts_on": "2026-02-30"}),
            "invalid_date",
        ),
        (json!({"name": "X", "ends_on": "March 1st"}), "invalid_date"),
        (json!({"name": "   "}), "invalid_name"),
        (json!({"name": "!!!"}), "invalid_utm_campaign"),
        (
            json!({"name": "X", "utm_campaign": "a".repeat(101)}),
            "invalid_utm_campaign",
        ),
        (
            json!({"name": "X", "utm_medium": "a\nb"}),
            "invalid_utm_medium",
        ),
    ];
    for (body, expected) in cases {
        let res = app.post("/api/v1/campaigns", &body).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            expected,
            "{body}"
        );
    }
    for body in [
        json!({"name": 5}),
        json!({"utm_campaign": "x"}),
        json!({"name": "X", "utm_overwrite": "yes"}),
        json!({"name": "X", "starts_on": 20260301}),
    ] {
        let res = app.post("/api/v1/campaigns", &body).await;
        assert_eq!(
            error_code(res, StatusCode::BAD_REQUEST).await,
            "invalid_body",
            "{body}"
        );
    }
    assert!(app.list("/api/v1/campaigns", "campaigns").await.is_empty());
}

// ---------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn content_is_created_and_listed_newest_first() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let campaign = app.create_campaign(json!({"name": "Spring"})).await;

    let curated = app
        .create_content(json!({
            "title": "  Our spring release ",
            "url": "HTTPS://Example.com/blog/spring?ref=1#top",
            "campaign_id": campaign["id"],
            "topics": ["Cloud", "AI", "cloud", "클라우드"],
            "suggested_text": "Have a look!",
        }))
        .await;
    assert!(curated["id"].as_i64().unwrap() > 0);
    assert_eq!(curated["title"], "Our spring release");
    assert_eq!(curated["url"], "https://example.com/blog/spring?ref=1#top");
    assert_eq!(curated["campaign_id"], campaign["id"]);
    assert_eq!(curated["topics"], json!(["AI", "Cloud", "클라우드"]));
    assert_eq!(curated["origin"], "curated");
    assert_eq!(curated["author_employee_id"], Value::Null);
    assert_eq!(curated["suggested_text"], "Have a look!");
    assert_eq!(curated["click_param"], true);

    let own = app
        .create_content(json!({
            "title": "My talk",
            "url": "https://talks.example.org/ana",
            "origin": "employee",
            "author_employee_id": ana["id"],
            "topics": ["ai"],
            "click_param": false,
        }))
        .await;
    assert_eq!(own["origin"], "employee");
    assert_eq!(own["author_employee_id"], ana["id"]);
    assert_eq!(own["campaign_id"], Value::Null);
    assert_eq!(own["topics"], json!(["AI"]), "an existing topic is reused");
    assert_eq!(own["suggested_text"], Value::Null);
    assert_eq!(own["click_param"], false);

    let all = app.list("/api/v1/content", "content").await;
    assert_eq!(all, vec![own.clone(), curated]);
    let one: Value = app
        .get(&format!("/api/v1/content/{}", own["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one, own);

    // Topics were created once each, with their name as keyword.
    let db = app.db();
    let rows: Vec<(String, String)> = db
        .run_sync(|conn| {
            Ok(topics::table
                .select((topics::name, topics::keywords))
                .order(topics::id.asc())
                .load(conn)?)
        })
        .unwrap();
    assert_eq!(
        rows,
        [
            ("Cloud".to_string(), "Cloud".to_string()),
            ("AI".to_string(), "AI".to_string()),
            ("클라우드".to_string(), "클라우드".to_string()),
        ]
    );
}

#[actix_web::test]
async fn content_with_a_bad_url_is_422_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let cases = [
        ("javascript:alert(1)", "url_scheme_not_allowed"),
        (
            "JavaScript:alert(document.cookie)",
            "url_scheme_not_allowed",
        ),
        ("ftp://example.com/file", "url_scheme_not_allowed"),
        ("data:text/html,hi", "url_scheme_not_allowed"),
        ("example.com/post", "url_not_absolute"),
        ("https://user:pw@example.com/", "url_userinfo_not_allowed"),
        ("   ", "url_empty"),
    ];
    for (url, expected) in cases {
        let res = app
            .post(
                "/api/v1/content",
                &json!({"title": "T", "url": url, "topics": ["Leaked topic"]}),
            )
            .await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            expected,
            "{url}"
        );
    }
    assert!(app.list("/api/v1/content", "content").await.is_empty());
    let topic_count: i64 = app
        .db()
        .run_sync(|conn| Ok(topics::table.count().get_result(conn)?))
        .unwrap();
    assert_eq!(topic_count, 0);
}

#[actix_web::test]
async fn content_rule_violations_are_422_and_store_nothing() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let url = "https://example.com/post";
    let cases = [
        (
            json!({"title": "T", "url": url, "campaign_id": 999}),
            "unknown_campaign",
        ),
        (
            json!({"title": "T", "url": url, "origin": "employee", "author_employee_id": 999}),
            "unknown_author",
        ),
        (
            json!({"title": "T", "url": url, "origin": "employee"}),
            "author_required",
        ),
        (
            json!({"title": "T", "url": url, "origin": "staff", "author_employee_id": ana["id"]}),
            "invalid_origin",
        ),
        (json!({"title": " ", "url": url}), "invalid_title"),
        (
            json!({"title": "T", "url": url, "topics": ["ok", ""]}),
            "invalid_topic",
        ),
        (
            json!({"title": "T", "url": url, "suggested_text": "a".repeat(5001)}),
            "invalid_suggested_text",
        ),
    ];
    for (body, expected) in cases {
        let mut body = body;
        body["topics"] = body.get("topics").cloned().unwrap_or(json!(["Leaked"]));
        let res = app.post("/api/v1/content", &body).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            expected,
            "{body}"
        );
    }
    for body in [
        json!({"title": "T"}),
        json!({"title": "T", "url": url, "topics": "AI"}),
        json!({"title": "T", "url": url, "campaign_id": "1"}),
        json!({"title": "T", "url": url, "click_param": "no"}),
    ] {
        let res = app.post("/api/v1/content", &body).await;
        assert_eq!(
            error_code(res, StatusCode::BAD_REQUEST).await,
            "invalid_body",
            "{body}"
        );
    }
    assert!(app.list("/api/v1/content", "content").await.is_empty());
    let topic_count: i64 = app
        .db()
        .run_sync(|conn| Ok(topics::table.count().get_result(conn)?))
        .unwrap();
    assert_eq!(topic_count, 0, "a refused item leaves no topic behind");
}

// ---------------------------------------------------------------------------------------
// Shares
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn shares_are_created_once_per_employee_content_and_network() {
    let app = TestApp::spawn_with(RawSettings {
        base_url: Some("https://go.example.com".into()),
        ..RawSettings::default()
    })
    .await;
    let ana = employee(&app).await;
    let post = app.content_for("https://example.com/post").await;

    let body = json!({"employee_id": ana["id"], "content_id": post["id"], "network": "linkedin"});
    let res = app.post("/api/v1/shares", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let share: Value = res.json().await.unwrap();
    let keys: BTreeSet<&str> = share
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "id",
            "slug",
            "short_url",
            "destination",
            "employee_id",
            "content_id",
            "network",
            "created_at",
            "expires_at",
            "disabled",
        ])
    );
    let slug = share["slug"].as_str().unwrap();
    assert_eq!(slug.len(), 7, "the configured default length");
    assert!(Slug::parse(slug).is_ok(), "{slug}");
    assert_eq!(share["short_url"], format!("https://go.example.com/{slug}"));
    assert_eq!(share["employee_id"], ana["id"]);
    assert_eq!(share["content_id"], post["id"]);
    assert_eq!(share["network"], "linkedin");
    assert_eq!(share["expires_at"], Value::Null);
    assert_eq!(share["disabled"], false);
    assert!(share["created_at"].as_str().unwrap().ends_with('Z'));

    // Same triple again: 200 with the very same share, even when asking for a custom slug.
    for again in [
        body.clone(),
        json!({"employee_id": ana["id"], "content_id": post["id"], "network": "linkedin", "slug": "my-own"}),
    ] {
        let res = app.post("/api/v1/shares", &again).await;
        assert_eq!(res.status(), StatusCode::OK, "{again}");
        let same: Value = res.json().await.unwrap();
        assert_eq!(same, share);
    }

    // Another network is another share, with another slug and token.
    let on_x = app.create_share(&ana["id"], &post["id"], "x").await;
    assert_ne!(on_x["id"], share["id"]);
    assert_ne!(on_x["slug"], share["slug"]);
    assert_ne!(
        param(on_x["destination"].as_str().unwrap(), "utm_content"),
        param(share["destination"].as_str().unwrap(), "utm_content")
    );

    let listed = app
        .list(
            &format!(
                "/api/v1/shares?employee_id={}&content_id={}",
                ana["id"], post["id"]
            ),
            "shares",
        )
        .await;
    assert_eq!(listed, vec![on_x.clone(), share.clone()], "newest first");
    let only_x = app.list("/api/v1/shares?network=x", "shares").await;
    assert_eq!(only_x, vec![on_x]);
    assert!(app
        .list("/api/v1/shares?employee_id=999", "shares")
        .await
        .is_empty());
    let res = app.get("/api/v1/shares?employee_id=abc").await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "invalid_query"
    );
    let res = app.get("/api/v1/shares?network=myspace").await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_network"
    );
}

#[actix_web::test]
async fn custom_slugs_are_checked() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let post = app.content_for("https://example.com/post").await;
    let other = app.content_for("https://example.com/other").await;
    let share = |content: &Value, network: &str, slug: &str| json!({"employee_id": ana["id"], "content_id": content["id"], "network": network, "slug": slug});

    let res = app
        .post(
            "/api/v1/shares",
            &share(&post, "linkedin", "  Spring_Launch-26 "),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["slug"], "Spring_Launch-26");
    assert!(created["short_url"]
        .as_str()
        .unwrap()
        .ends_with("/Spring_Launch-26"));

    let refused = [
        ("admin", StatusCode::UNPROCESSABLE_ENTITY, "slug_reserved"),
        ("API", StatusCode::UNPROCESSABLE_ENTITY, "slug_reserved"),
        ("ab", StatusCode::UNPROCESSABLE_ENTITY, "slug_too_short"),
        ("", StatusCode::UNPROCESSABLE_ENTITY, "slug_too_short"),
        (
            "a b c",
            StatusCode::UNPROCESSABLE_ENTITY,
            "slug_bad_character",
        ),
        (
            "한국어",
            StatusCode::UNPROCESSABLE_ENTITY,
            "slug_bad_character",
        ),
        (
            &"a".repeat(65),
            StatusCode::UNPROCESSABLE_ENTITY,
            "slug_too_long",
        ),
        ("Spring_Launch-26", StatusCode::CONFLICT, "slug_taken"),
    ];
    for (slug, status, expected) in refused {
        let res = app.post("/api/v1/shares", &share(&other, "x", slug)).await;
        assert_eq!(error_code(res, status).await, expected, "{slug:?}");
    }
    // Slugs are case-sensitive: another spelling is another slug.
    let res = app
        .post("/api/v1/shares", &share(&other, "x", "spring_launch-26"))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(app.list("/api/v1/shares", "shares").await.len(), 2);
}

#[actix_web::test]
async fn destinations_carry_the_utm_tags() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let campaign = app.create_campaign(json!({"name": "Spring Launch"})).await;
    let post = app
        .create_content(json!({
            "title": "Post",
            "url": "https://example.com/post?ref=1#top",
            "campaign_id": campaign["id"],
        }))
        .await;

    let linkedin = app.create_share(&ana["id"], &post["id"], "linkedin").await;
    let destination = linkedin["destination"].as_str().unwrap();
    assert!(
        destination.starts_with("https://example.com/post?ref=1&utm_source=linkedin&"),
        "{destination}"
    );
    assert!(destination.ends_with("#top"), "{destination}");
    let token = param(destination, "utm_content").unwrap();
    let campaign_id = campaign["id"].as_i64().unwrap().to_string();
    assert_eq!(
        params(destination),
        [
            ("ref", "1"),
            ("utm_source", "linkedin"),
            ("utm_medium", "social"),
            ("utm_campaign", "spring-launch"),
            ("utm_content", token.as_str()),
            ("utm_id", campaign_id.as_str()),
            ("utm_source_platform", "employee_advocacy"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    // The token is opaque: nothing of the employee in it, nor anywhere in the URL.
    assert_eq!(token.len(), 10);
    for personal in ["ana", "kim", "example.com/ana", "ana.kim@example.com"] {
        assert!(!token.to_lowercase().contains(personal), "{token}");
    }
    assert!(!destination.to_lowercase().contains("ana.kim"));
    assert!(!destination.to_lowercase().contains("ana%20kim"));

    let x = app.create_share(&ana["id"], &post["id"], "x").await;
    let x_destination = x["destination"].as_str().unwrap();
    assert_eq!(
        param(x_destination, "utm_source").as_deref(),
        Some("twitter")
    );
    assert_eq!(
        param(x_destination, "utm_medium").as_deref(),
        Some("social")
    );

    // Without a campaign: no utm_campaign or utm_id.
    let plain = app.content_for("https://example.com/plain").await;
    let share = app.create_share(&ana["id"], &plain["id"], "facebook").await;
    let d = share["destination"].as_str().unwrap();
    assert_eq!(param(d, "utm_source").as_deref(), Some("facebook"));
    assert_eq!(param(d, "utm_campaign"), None);
    assert_eq!(param(d, "utm_id"), None);
    assert_eq!(
        param(d, "utm_source_platform").as_deref(),
        Some("employee_advocacy")
    );
}

#[actix_web::test]
async fn existing_utm_parameters_are_kept_unless_the_campaign_overwrites() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let url = "https://example.com/?utm_source=newsletter&utm_medium=email&x=1";
    let keep = app.create_campaign(json!({"name": "Keep"})).await;
    let overwrite = app
        .create_campaign(json!({"name": "Overwrite", "utm_overwrite": true}))
        .await;
    let custom = app
        .create_campaign(json!({"name": "Custom", "utm_source": "acme-advocates", "utm_medium": "social-network"}))
        .await;
    let content =
        |campaign: &Value| json!({"title": "T", "url": url, "campaign_id": campaign["id"]});

    let kept = app.create_content(content(&keep)).await;
    let share = app.create_share(&ana["id"], &kept["id"], "linkedin").await;
    let d = share["destination"].as_str().unwrap();
    let all = params(d);
    assert_eq!(
        all.iter().filter(|(k, _)| k == "utm_source").count(),
        1,
        "{d}"
    );
    assert_eq!(param(d, "utm_source").as_deref(), Some("newsletter"));
    assert_eq!(param(d, "utm_medium").as_deref(), Some("email"));
    assert_eq!(param(d, "utm_campaign").as_deref(), Some("keep"));

    let replaced = app.create_content(content(&overwrite)).await;
    let share = app
        .create_share(&ana["id"], &replaced["id"], "linkedin")
        .await;
    let d = share["destination"].as_str().unwrap();
    assert!(
        d.starts_with("https://example.com/?utm_source=linkedin&utm_medium=social&x=1&"),
        "{d}"
    );

    let own = app.create_content(content(&custom)).await;
    let share = app.create_share(&ana["id"], &own["id"], "x").await;
    let d = share["destination"].as_str().unwrap();
    assert_eq!(
        param(d, "utm_source").as_deref(),
        Some("newsletter"),
        "not overwritten"
    );
    let clean = app
        .create_content(
            json!({"title": "T", "url": "https://example.com/clean", "campaign_id": custom["id"]}),
        )
        .await;
    let share = app.create_share(&ana["id"], &clean["id"], "x").await;
    let d = share["destination"].as_str().unwrap();
    assert_eq!(param(d, "utm_source").as_deref(), Some("acme-advocates"));
    assert_eq!(param(d, "utm_medium").as_deref(), Some("social-network"));
}

#[actix_web::test]
async fn refused_shares_are_422_or_400_and_store_nothing() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let post = app.content_for("https://example.com/post").await;
    let cases = [
        (
            json!({"employee_id": 999, "content_id": post["id"], "network": "linkedin"}),
            "unknown_employee",
        ),
        (
            json!({"employee_id": ana["id"], "content_id": 999, "network": "linkedin"}),
            "unknown_content",
        ),
        (
            json!({"employee_id": ana["id"], "content_id": post["id"], "network": "myspace"}),
            "invalid_network",
        ),
        (
            json!({"employee_id": ana["id"], "content_id": post["id"], "network": "LinkedIn"}),
            "invalid_network",
        ),
        (
            json!({"employee_id": 999, "content_id": post["id"], "network": "linkedin", "slug": "fine-slug"}),
            "unknown_employee",
        ),
    ];
    for (body, expected) in cases {
        let res = app.post("/api/v1/shares", &body).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            expected,
            "{body}"
        );
    }
    for body in [
        json!({"employee_id": "1", "content_id": post["id"], "network": "linkedin"}),
        json!({"employee_id": ana["id"], "content_id": post["id"]}),
        json!({"employee_id": ana["id"], "content_id": post["id"], "network": 3}),
        json!({"employee_id": ana["id"], "content_id": post["id"], "network": "x", "slug": 12345}),
    ] {
        let res = app.post("/api/v1/shares", &body).await;
        assert_eq!(
            error_code(res, StatusCode::BAD_REQUEST).await,
            "invalid_body",
            "{body}"
        );
    }
    assert!(app.list("/api/v1/shares", "shares").await.is_empty());
    // The slug of the refused request is still free.
    let res = app
        .post(
            "/api/v1/shares",
            &json!({"employee_id": ana["id"], "content_id": post["id"], "network": "linkedin", "slug": "fine-slug"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[actix_web::test]
async fn concurrent_requests_for_one_share_make_one_share() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let post = app.content_for("https://example.com/post").await;
    let body = json!({"employee_id": ana["id"], "content_id": post["id"], "network": "linkedin"});
    let requests = (0..8).map(|_| app.post("/api/v1/shares", &body));
    let responses = futures_util::future::join_all(requests).await;
    let mut created = 0;
    let mut ids = BTreeSet::new();
    for res in responses {
        match res.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}"),
        }
        let share: Value = res.json().await.unwrap();
        ids.insert(share["id"].as_i64().unwrap());
    }
    assert_eq!(created, 1);
    assert_eq!(ids.len(), 1);
    assert_eq!(app.list("/api/v1/shares", "shares").await.len(), 1);
}

#[actix_web::test]
async fn new_shares_have_zero_stats_with_every_key() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let post = app.content_for("https://example.com/post").await;
    let share = app.create_share(&ana["id"], &post["id"], "linkedin").await;
    let res = app.get(&format!("/api/v1/shares/{}", share["id"])).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut shown: Value = res.json().await.unwrap();
    let stats = shown
        .as_object_mut()
        .unwrap()
        .remove("stats")
        .expect("stats");
    assert_eq!(shown, share, "the share itself as on creation");
    assert_eq!(
        stats,
        json!({
            "clicks": 0,
            "unique_clicks": 0,
            "raw_clicks": 0,
            "bot_clicks": 0,
            "preview_clicks": 0,
            "flagged_clicks": 0,
            "engagement": 0,
            "impressions": null,
            "metrics_observed_at": null,
            "metrics_source": null,
            "conversions": 0,
            "revenue_cents": 0,
            "revenue_by_currency": {},
        })
    );
    let res = app.get("/api/v1/shares/999999").await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
}

fn at(s: &str) -> NaiveDateTime {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
}

#[actix_web::test]
async fn stats_add_up_rollups_snapshots_and_conversions() {
    let app = TestApp::spawn_with(RawSettings {
        default_currency: Some("EUR".into()),
        ..RawSettings::default()
    })
    .await;
    let ana = employee(&app).await;
    let post = app.content_for("https://example.com/post").await;
    let share = app.create_share(&ana["id"], &post["id"], "linkedin").await;
    let other = app.create_share(&ana["id"], &post["id"], "x").await;
    let id = share["id"].as_i64().unwrap();
    let other_id = other["id"].as_i64().unwrap();

    app.db()
        .run_sync(|conn| {
            let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
            // (share, day, human, unique, flagged, bot, preview)
            for (share_id, d, human, unique, flagged, bot, preview) in [
                (id, 1, 10, 7, 2, 3, 4),
                (id, 2, 5, 5, 1, 0, 1),
                (other_id, 1, 100, 100, 100, 100, 100),
            ] {
                diesel::insert_into(click_rollups::table)
                    .values((
                        click_rollups::share_id.eq(share_id),
                        click_rollups::day.eq(day(d)),
                        click_rollups::human.eq(human),
                        click_rollups::unique_visitors.eq(unique),
                        click_rollups::flagged.eq(flagged),
                        click_rollups::bot.eq(bot),
                        click_rollups::preview.eq(preview),
                    ))
                    .execute(conn)?;
            }
            // The latest observation counts, whatever the insertion order.
            for (share_id, likes, comments, reshares, impressions, observed) in [
                (id, 50, 5, 5, Some(9000_i64), "2026-03-05T00:00:00Z"),
                (id, 10, 2, 1, Some(1000), "2026-03-02T00:00:00Z"),
                (other_id, 999, 999, 999, None, "2026-03-09T00:00:00Z"),
            ] {
                diesel::insert_into(metrics_snapshots::table)
                    .values((
                        metrics_snapshots::share_id.eq(share_id),
                        metrics_snapshots::likes.eq(likes),
                        metrics_snapshots::comments.eq(comments),
                        metrics_snapshots::reshares.eq(reshares),
                        metrics_snapshots::impressions.eq(impressions),
                        metrics_snapshots::observed_at.eq(at(observed)),
                        metrics_snapshots::source.eq("api"),
                        metrics_snapshots::created_at.eq(at(observed)),
                    ))
                    .execute(conn)?;
            }
            for (share_id, kind, value, currency) in [
                (Some(id), "sale", Some(1000_i64), Some("EUR")),
                (Some(id), "sale", Some(500), Some("USD")),
                (Some(id), "sale", Some(250), None),
                (Some(id), "lead", Some(99), Some("EUR")),
                (Some(id), "signup", None, None),
                (Some(other_id), "sale", Some(7777), Some("EUR")),
                (None, "sale", Some(8888), Some("EUR")),
            ] {
                diesel::insert_into(conversions::table)
                    .values((
                        conversions::kind.eq(kind),
                        conversions::value_cents.eq(value),
                        conversions::currency.eq(currency),
                        conversions::occurred_at.eq(at("2026-03-03T10:00:00Z")),
                        conversions::day.eq(day(3)),
                        conversions::share_id.eq(share_id),
                        conversions::attributed.eq(share_id.is_some()),
                        conversions::created_at.eq(at("2026-03-03T10:00:00Z")),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })
        .unwrap();

    let shown: Value = app
        .get(&format!("/api/v1/shares/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        shown["stats"],
        json!({
            "clicks": 15,
            "unique_clicks": 12,
            "raw_clicks": 15 + 3 + 3 + 5,
            "bot_clicks": 3,
            "preview_clicks": 5,
            "flagged_clicks": 3,
            "engagement": 60,
            "impressions": 9000,
            "metrics_observed_at": "2026-03-05T00:00:00Z",
            "metrics_source": "api",
            "conversions": 5,
            "revenue_cents": 1750,
            "revenue_by_currency": {"EUR": 1250, "USD": 500},
        })
    );
    let other_shown: Value = app
        .get(&format!("/api/v1/shares/{other_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other_shown["stats"]["engagement"], 2997);
    assert_eq!(other_shown["stats"]["impressions"], Value::Null);
    assert_eq!(other_shown["stats"]["raw_clicks"], 400);
}

#[actix_web::test]
async fn shares_are_disabled_and_expired_with_patch() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let post = app
        .create_content(json!({"title": "T", "url": "https://example.com/signed?sig=abc", "click_param": false}))
        .await;
    let share = app.create_share(&ana["id"], &post["id"], "linkedin").await;
    let path = format!("/api/v1/shares/{}", share["id"]);
    let slug = share["slug"].as_str().unwrap().to_string();
    let db = app.db();
    let link = |db: &chorus::db::Db| {
        let slug = slug.clone();
        db.run_sync(move |conn| share_store::find_link_by_slug(conn, &slug))
            .unwrap()
            .expect("link")
    };

    let fresh = link(&db);
    assert_eq!(fresh.share_id, share["id"].as_i64().unwrap());
    assert_eq!(fresh.employee_id, ana["id"].as_i64().unwrap());
    assert_eq!(fresh.destination, share["destination"].as_str().unwrap());
    assert!(!fresh.click_param, "from the content item");
    assert!(!fresh.disabled);
    assert_eq!(fresh.expires_at, None);

    let res = app.patch(&path, &json!({"disabled": true})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let disabled: Value = res.json().await.unwrap();
    assert_eq!(disabled["disabled"], true);
    assert_eq!(disabled["slug"], share["slug"]);
    assert_eq!(disabled["short_url"], share["short_url"]);
    assert!(link(&db).disabled);
    let again: Value = app
        .patch(&path, &json!({"disabled": true}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, disabled, "disabling twice changes nothing");

    let res = app
        .patch(
            &path,
            &json!({"disabled": false, "expires_at": "2030-01-02T03:04:05+09:00"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let expiring: Value = res.json().await.unwrap();
    assert_eq!(expiring["disabled"], false);
    assert_eq!(expiring["expires_at"], "2030-01-01T18:04:05Z");
    let l = link(&db);
    assert!(!l.disabled);
    assert_eq!(l.expires_at, Some(at("2030-01-01T18:04:05Z")));

    // An empty patch changes nothing; other fields stay when one changes.
    let same: Value = app.patch(&path, &json!({})).await.json().await.unwrap();
    assert_eq!(same, expiring);
    let day: Value = app
        .patch(&path, &json!({"expires_at": "2031-05-01"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(day["expires_at"], "2031-05-01T00:00:00Z");
    let cleared: Value = app
        .patch(&path, &json!({"expires_at": null}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["expires_at"], Value::Null);
    assert_eq!(cleared["disabled"], false);

    let shown: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(shown["expires_at"], Value::Null);

    let res = app.patch(&path, &json!({"expires_at": "next week"})).await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_expires_at"
    );
    let res = app.patch(&path, &json!({"disabled": "yes"})).await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "invalid_body"
    );
    let res = app
        .patch("/api/v1/shares/999999", &json!({"disabled": true}))
        .await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
    let unchanged: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(unchanged["disabled"], false);
}

// ---------------------------------------------------------------------------------------
// Store functions behind the API and the redirect
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn generated_slug_collisions_are_retried_then_given_up() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let post = app.content_for("https://example.com/post").await;
    let taken = app
        .post(
            "/api/v1/shares",
            &json!({"employee_id": ana["id"], "content_id": post["id"], "network": "linkedin", "slug": "taken-slug"}),
        )
        .await;
    assert_eq!(taken.status(), StatusCode::CREATED);
    let new = |network| NewShare {
        employee_id: ana["id"].as_i64().unwrap(),
        content_id: post["id"].as_i64().unwrap(),
        network,
        slug: None,
    };
    let db = app.db();

    // Two collisions, then a free slug.
    let mut offered = vec!["fresh-slug", "taken-slug", "taken-slug"];
    let request = new(Network::X);
    let (share, created) = db
        .run_sync(|conn| {
            Ok(share_store::create(conn, &request, &mut || {
                Slug::parse(offered.pop().unwrap()).unwrap()
            }))
        })
        .unwrap()
        .unwrap();
    assert!(created);
    assert_eq!(share.slug, "fresh-slug");
    assert!(offered.is_empty());

    // Only collisions: given up after the limit, nothing stored.
    let mut tries = 0;
    let request = new(Network::Facebook);
    let outcome = db
        .run_sync(|conn| {
            Ok(share_store::create(conn, &request, &mut || {
                tries += 1;
                Slug::parse("taken-slug").unwrap()
            }))
        })
        .unwrap();
    assert!(
        matches!(outcome, Err(ShareRefused::NoFreeSlug)),
        "{outcome:?}"
    );
    assert_eq!(tries, share_store::MAX_INSERT_ATTEMPTS);
    assert_eq!(app.list("/api/v1/shares", "shares").await.len(), 2);
}

#[actix_web::test]
async fn links_are_found_by_exact_slug_and_listed() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let post = app.content_for("https://example.com/post").await;
    let a = app.create_share(&ana["id"], &post["id"], "linkedin").await;
    let b = app.create_share(&ana["id"], &post["id"], "x").await;
    let db = app.db();

    let links = db.run_sync(share_store::list_links).unwrap();
    let slugs: Vec<&str> = links.iter().map(|(slug, _)| slug.as_str()).collect();
    assert_eq!(
        slugs,
        [a["slug"].as_str().unwrap(), b["slug"].as_str().unwrap()]
    );
    assert!(links.iter().all(|(_, l)| l.click_param && !l.disabled));
    assert_eq!(links[1].1.destination, b["destination"].as_str().unwrap());

    let missing = db
        .run_sync(|conn| share_store::find_link_by_slug(conn, "no-such-slug"))
        .unwrap();
    assert_eq!(missing, None);
    let upper = a["slug"].as_str().unwrap().to_uppercase();
    if upper != a["slug"].as_str().unwrap() {
        let other_case = db
            .run_sync(move |conn| share_store::find_link_by_slug(conn, &upper))
            .unwrap();
        assert_eq!(other_case, None, "slugs are case-sensitive");
    }
}

/// Regression: on PostgreSQL, concurrent requests naming the same new team or topic raced
/// on its unique name; all must succeed with one shared record.
#[actix_web::test]
async fn concurrent_content_with_a_new_topic_all_succeed() {
    let app = TestApp::spawn().await;
    let bodies: Vec<Value> = (0..12)
        .map(|i| json!({"title": format!("Post {i}"), "url": format!("https://example.com/{i}"), "topics": ["Launch week"]}))
        .collect();
    let requests = bodies.iter().map(|body| app.post("/api/v1/content", body));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(requests)
        .await
        .iter()
        .map(|r| r.status())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    let items = app.list("/api/v1/content", "content").await;
    assert_eq!(items.len(), 12);
    assert!(items.iter().all(|c| c["topics"] == json!(["Launch week"])));
}
