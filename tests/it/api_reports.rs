//! Leaderboards and KPIs over real clicks.

use chorus::config::RawSettings;
use chorus::db::schema::follower_snapshots;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, TestApp};

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

struct World {
    app: TestApp,
    ana: i64,
    ben: i64,
    cho: i64,
    campaign: i64,
    /// (share id, slug) by name.
    ana_li: (i64, String),
    ana_x: (i64, String),
    ben_li: (i64, String),
    cho_li: (i64, String),
}

async fn share(app: &TestApp, employee: i64, content: &Value, network: &str) -> (i64, String) {
    let s = app
        .create_share(&json!(employee), &content["id"], network)
        .await;
    (
        s["id"].as_i64().unwrap(),
        s["slug"].as_str().unwrap().to_string(),
    )
}

async fn click(app: &TestApp, slug: &str, ip: &str) {
    let res = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", CHROME)
        .header("X-Forwarded-For", ip)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
}

/// Ana: 3 clicks on LinkedIn (2 visitors) + 1 on X; Ben: 2 (2 visitors); Cho: 2 (2 visitors).
async fn world() -> World {
    world_with(RawSettings::default()).await
}

async fn world_with(extra: RawSettings) -> World {
    let app = TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1".into()),
        repeat_click_seconds: Some(0),
        ..extra
    })
    .await;
    let id = |v: Value| v["id"].as_i64().unwrap();
    let ana = id(app
        .create_employee("ana@example.com", "Ana", Some("Sales"))
        .await);
    let ben = id(app
        .create_employee("ben@example.com", "Ben", Some("Engineering"))
        .await);
    let cho = id(app
        .create_employee("cho@example.com", "Cho", Some("Sales"))
        .await);
    let campaign = id(app.create_campaign(json!({"name": "Spring launch"})).await);
    let launch = app.create_content(json!({"title": "Launch", "url": "https://example.com/launch", "campaign_id": campaign})).await;
    let blog = app
        .create_content(json!({"title": "Blog", "url": "https://example.com/blog"}))
        .await;
    let w = World {
        ana_li: share(&app, ana, &launch, "linkedin").await,
        ana_x: share(&app, ana, &blog, "x").await,
        ben_li: share(&app, ben, &launch, "linkedin").await,
        cho_li: share(&app, cho, &blog, "linkedin").await,
        app,
        ana,
        ben,
        cho,
        campaign,
    };
    click(&w.app, &w.ana_li.1, "81.2.69.1").await;
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    click(&w.app, &w.ana_li.1, "81.2.69.1").await;
    click(&w.app, &w.ana_li.1, "81.2.69.2").await;
    click(&w.app, &w.ana_x.1, "81.2.69.3").await;
    click(&w.app, &w.ben_li.1, "81.2.69.4").await;
    click(&w.app, &w.ben_li.1, "81.2.69.5").await;
    click(&w.app, &w.cho_li.1, "81.2.69.6").await;
    click(&w.app, &w.cho_li.1, "81.2.69.7").await;
    w
}

async fn board(app: &TestApp, query: &str) -> Vec<(i64, String, i64)> {
    let res = app.get(&format!("/api/v1/leaderboards/{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    let body: Value = res.json().await.unwrap();
    let rows = body["rows"].as_array().unwrap();
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["rank"], i + 1);
    }
    rows.iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["label"].as_str().unwrap().to_string(),
                r["value"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn click_boards_rank_verified_clicks_with_filters() {
    let w = world().await;
    let app = &w.app;
    let rows = board(app, "employees-clicks").await;
    assert_eq!(
        rows,
        [
            (w.ana, "Ana".into(), 4),
            (w.ben, "Ben".into(), 2),
            (w.cho, "Cho".into(), 2)
        ],
        "ties by label"
    );
    let rows = board(app, "employees-clicks?unique=true").await;
    assert_eq!(
        rows,
        [
            (w.ana, "Ana".into(), 3),
            (w.ben, "Ben".into(), 2),
            (w.cho, "Cho".into(), 2)
        ]
    );
    assert_eq!(
        board(app, "employees-clicks?team=Sales").await,
        [(w.ana, "Ana".into(), 4), (w.cho, "Cho".into(), 2)]
    );
    assert_eq!(
        board(app, "employees-clicks?network=x").await,
        [(w.ana, "Ana".into(), 1)]
    );
    assert_eq!(
        board(app, &format!("employees-clicks?campaign_id={}", w.campaign)).await,
        [(w.ana, "Ana".into(), 3), (w.ben, "Ben".into(), 2)]
    );
    assert_eq!(board(app, "employees-clicks?limit=1").await.len(), 1);

    let top = board(app, "top-shares").await;
    assert_eq!(top[0], (w.ana_li.0, "Launch · Ana · linkedin".into(), 3));
    let content = board(app, "popular-content").await;
    let labels: Vec<(&str, i64)> = content.iter().map(|r| (r.1.as_str(), r.2)).collect();
    assert_eq!(labels, [("Launch", 5), ("Blog", 3)]);
    let shared = board(app, "most-shared-content").await;
    let labels: Vec<(&str, i64)> = shared.iter().map(|r| (r.1.as_str(), r.2)).collect();
    assert_eq!(labels, [("Blog", 2), ("Launch", 2)]);
    assert_eq!(
        board(app, "employees-shares").await[0],
        (w.ana, "Ana".into(), 2)
    );

    // A period before anything happened is empty.
    assert!(board(app, "employees-clicks?from=2020-01-01&to=2020-02-01")
        .await
        .is_empty());
}

#[actix_web::test]
async fn engagement_and_reach_boards_use_the_latest_snapshots() {
    let w = world().await;
    let db = w.app.db();
    let now = chrono::Utc::now().naive_utc();
    let earlier = now - chrono::Duration::hours(2);
    db.run_sync(|conn| {
        // Through the store, which keeps each share's latest snapshot beside them.
        use chorus::domain::record::{Count, Source};
        use chorus::domain::snapshot::MetricsReading;
        use chorus::store::snapshots::{insert_metrics_batch, NewMetricsSnapshot};
        let c = |n: i64| Count::new(n).unwrap();
        let metrics = [
            (w.ana_li.0, (1, 1, 1), Some(100), earlier),
            (w.ana_li.0, (10, 2, 3), Some(900), now),
            (w.ben_li.0, (20, 0, 0), None, now),
        ]
        .map(
            |(share_id, (likes, comments, reshares), impressions, observed_at)| {
                NewMetricsSnapshot {
                    share_id,
                    reading: MetricsReading {
                        likes: c(likes),
                        comments: c(comments),
                        reshares: c(reshares),
                        impressions: impressions.map(c),
                        observed_at,
                    },
                }
            },
        );
        insert_metrics_batch(conn, &metrics, Source::Api).unwrap();
        let followers = vec![
            (
                follower_snapshots::employee_id.eq(w.ana),
                follower_snapshots::network.eq("linkedin"),
                follower_snapshots::followers.eq(500),
                follower_snapshots::observed_at.eq(earlier),
                follower_snapshots::source.eq("api"),
                follower_snapshots::created_at.eq(now),
            ),
            (
                follower_snapshots::employee_id.eq(w.ana),
                follower_snapshots::network.eq("x"),
                follower_snapshots::followers.eq(250),
                follower_snapshots::observed_at.eq(earlier),
                follower_snapshots::source.eq("api"),
                follower_snapshots::created_at.eq(now),
            ),
            (
                follower_snapshots::employee_id.eq(w.cho),
                follower_snapshots::network.eq("linkedin"),
                follower_snapshots::followers.eq(1200),
                follower_snapshots::observed_at.eq(earlier),
                follower_snapshots::source.eq("api"),
                follower_snapshots::created_at.eq(now),
            ),
            (
                // Observed after the period: does not count.
                follower_snapshots::employee_id.eq(w.cho),
                follower_snapshots::network.eq("linkedin"),
                follower_snapshots::followers.eq(999_999),
                follower_snapshots::observed_at.eq(now + chrono::Duration::days(3)),
                follower_snapshots::source.eq("api"),
                follower_snapshots::created_at.eq(now),
            ),
        ];
        for row in followers {
            diesel::insert_into(follower_snapshots::table)
                .values(row)
                .execute(conn)?;
        }
        Ok(())
    })
    .unwrap();
    let app = &w.app;
    assert_eq!(
        board(app, "engagement-shares").await,
        [
            (w.ben_li.0, "Launch · Ben · linkedin".into(), 20),
            (w.ana_li.0, "Launch · Ana · linkedin".into(), 15)
        ],
        "the latest snapshot counts"
    );
    assert_eq!(
        board(app, "employees-engagement").await,
        [(w.ben, "Ben".into(), 20), (w.ana, "Ana".into(), 15)]
    );
    assert_eq!(
        board(app, "employees-reach").await,
        [(w.cho, "Cho".into(), 1200), (w.ana, "Ana".into(), 750)]
    );

    let body: Value = app.get("/api/v1/kpis").await.json().await.unwrap();
    let t = &body["totals"];
    assert_eq!(t["engagement"], 35, "latest snapshots: Ana 15, Ben 20");
    assert_eq!(t["impressions"], 900);
    assert_eq!(
        t["engagement_rate"],
        15.0 / 900.0,
        "per impression, over the shares that report impressions"
    );
    assert_eq!(body["engagement_rate_basis"], "per_impression");
    assert_eq!(
        t["total_employee_reach"], 1950,
        "Cho on LinkedIn, Ana on LinkedIn and X; Ben has no follower count"
    );
    let levels = body["engagement_levels"].as_array().unwrap();
    let names: Vec<&str> = levels
        .iter()
        .map(|l| l["level"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["lurking", "casual", "active", "committed", "loyalist"]
    );
    assert_eq!(levels[0]["count"], 900);
    assert_eq!(levels[0]["from_previous"], Value::Null);
    assert_eq!(levels[1]["count"], t["clicks"]);
    assert_eq!(levels[2]["count"], 35);
    assert_eq!(levels[3]["count"], 0);
    assert_eq!(levels[4]["from_previous"], Value::Null, "no leads: no data");
}

#[actix_web::test]
async fn boards_can_leave_out_self_reported_snapshots() {
    let w = world().await;
    let app = &w.app;
    let hours_ago = |h: i64| (chrono::Utc::now() - chrono::TimeDelta::hours(h)).to_rfc3339();
    let res = app
        .post(
            &format!("/api/v1/shares/{}/metrics", w.ana_li.0),
            &json!({"likes": 1, "comments": 1, "reshares": 1, "observed_at": hours_ago(2)}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post(
            &format!("/api/v1/employees/{}/followers", w.ana),
            &json!({"network": "linkedin", "followers": 500, "observed_at": hours_ago(2)}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (ana, share, at) = (w.ana, w.ana_li.0, hours_ago(1));
    app.db()
        .run_sync(move |conn| {
            use chorus::domain::record::{RawNumber, Source};
            use chorus::domain::snapshot::{self, FollowersInput, MetricsInput};
            let now = chorus::store::now();
            let metrics = snapshot::validate_metrics(
                &MetricsInput {
                    likes: RawNumber::Number(10),
                    comments: RawNumber::Number(0),
                    reshares: RawNumber::Number(0),
                    impressions: None,
                    observed_at: Some(&at),
                },
                now,
                chrono_tz::UTC,
            )
            .unwrap();
            chorus::store::snapshots::insert_own_metrics(conn, ana, share, &metrics).unwrap();
            let followers = snapshot::validate_followers(
                &FollowersInput {
                    network: "linkedin",
                    followers: RawNumber::Number(800),
                    observed_at: Some(&at),
                },
                now,
                chrono_tz::UTC,
            )
            .unwrap();
            chorus::store::snapshots::insert_followers(conn, ana, &followers, Source::SelfReported)
                .unwrap();
            Ok(())
        })
        .unwrap();
    assert_eq!(
        board(app, "employees-engagement").await,
        [(w.ana, "Ana".into(), 10)],
        "self-reported figures count by default"
    );
    assert_eq!(
        board(app, "employees-engagement?self_reported=false").await,
        [(w.ana, "Ana".into(), 3)]
    );
    assert_eq!(
        board(app, "employees-reach").await,
        [(w.ana, "Ana".into(), 800)]
    );
    assert_eq!(
        board(app, "employees-reach?self_reported=false").await,
        [(w.ana, "Ana".into(), 500)]
    );
}

#[actix_web::test]
async fn kpis_total_and_bucket_clicks() {
    let w = world().await;
    let res = w.app.get("/api/v1/kpis?interval=day").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["totals"]["clicks"], 8);
    assert_eq!(body["totals"]["unique_clicks"], 7);
    assert_eq!(body["totals"]["conversions"], 0);
    assert_eq!(body["totals"]["conversion_rate"], 0.0);
    let clicks = body["series"]["clicks"].as_array().unwrap();
    assert!(
        clicks.len() >= 30,
        "one point per day of the default 30-day period"
    );
    assert_eq!(
        clicks
            .iter()
            .map(|p| p["value"].as_i64().unwrap())
            .sum::<i64>(),
        8
    );
    assert!(clicks[0]["start"].as_str().unwrap().ends_with('Z'));

    let res = w
        .app
        .get("/api/v1/kpis?from=2020-01-01&to=2020-03-01&interval=month")
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["totals"]["clicks"], 0);
    assert_eq!(
        body["totals"]["conversion_rate"],
        Value::Null,
        "no clicks: no data, not 0 %"
    );
    assert_eq!(body["series"]["clicks"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn bad_report_queries_are_refused() {
    let app = TestApp::spawn().await;
    assert_eq!(
        error_code(
            app.get("/api/v1/leaderboards/most-liked").await,
            StatusCode::NOT_FOUND
        )
        .await,
        "not_found"
    );
    assert_eq!(
        error_code(
            app.get("/api/v1/leaderboards/top-shares?from=yesterday")
                .await,
            StatusCode::UNPROCESSABLE_ENTITY
        )
        .await,
        "invalid_period"
    );
    assert_eq!(
        error_code(
            app.get("/api/v1/leaderboards/top-shares?from=2026-02-01&to=2026-01-01")
                .await,
            StatusCode::UNPROCESSABLE_ENTITY
        )
        .await,
        "invalid_period"
    );
    assert_eq!(
        error_code(
            app.get("/api/v1/leaderboards/top-shares?network=myspace")
                .await,
            StatusCode::UNPROCESSABLE_ENTITY
        )
        .await,
        "invalid_network"
    );
    assert_eq!(
        error_code(
            app.get("/api/v1/leaderboards/top-shares?limit=0").await,
            StatusCode::UNPROCESSABLE_ENTITY
        )
        .await,
        "invalid_limit"
    );
    assert_eq!(
        error_code(
            app.get("/api/v1/leaderboards/top-shares?limit=ten").await,
            StatusCode::BAD_REQUEST
        )
        .await,
        "invalid_query"
    );
    assert_eq!(
        error_code(
            app.get("/api/v1/kpis?interval=year").await,
            StatusCode::UNPROCESSABLE_ENTITY
        )
        .await,
        "invalid_interval"
    );
    let res = app
        .client
        .get(app.url("/api/v1/kpis"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

/// Clicks a link and returns the click id the redirect handed out.
async fn click_id(app: &TestApp, slug: &str, ip: &str) -> String {
    let res = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", CHROME)
        .header("X-Forwarded-For", ip)
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_string();
    url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "chorus_click")
        .unwrap()
        .1
        .into_owned()
}

/// Ana: an attributed lead and a 125.00 USD sale; Ben: a 50.00 sale in the default
/// currency (USD); Cho: a 90.00 EUR sale; plus one unattributed lead.
async fn sales(w: &World) {
    let app = &w.app;
    let ana_click = click_id(app, &w.ana_li.1, "81.2.70.1").await;
    let ben_click = click_id(app, &w.ben_li.1, "81.2.70.2").await;
    let cho_click = click_id(app, &w.cho_li.1, "81.2.70.3").await;
    for body in [
        json!({"kind": "lead", "click_id": ana_click, "external_id": "l-1"}),
        json!({"kind": "sale", "click_id": ana_click, "value_cents": 12500, "currency": "USD", "external_id": "s-1"}),
        json!({"kind": "sale", "click_id": ben_click, "value_cents": 5000, "external_id": "s-2"}),
        json!({"kind": "sale", "click_id": cho_click, "value_cents": 9000, "currency": "EUR", "external_id": "s-3"}),
        json!({"kind": "lead", "external_id": "l-2"}),
    ] {
        let res = app.post("/api/v1/conversions", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{body}");
    }
}

#[actix_web::test]
async fn conversion_boards_and_kpis_follow_attribution() {
    let w = world().await;
    let app = &w.app;
    sales(&w).await;
    assert_eq!(
        board(app, "employees-conversions").await,
        [
            (w.ana, "Ana".into(), 2),
            (w.ben, "Ben".into(), 1),
            (w.cho, "Cho".into(), 1)
        ]
    );
    assert_eq!(
        board(app, "employees-revenue").await,
        [(w.ana, "Ana".into(), 12500), (w.ben, "Ben".into(), 5000)],
        "revenue in the default currency (USD); Cho's EUR sale is reported apart"
    );
    assert_eq!(
        board(app, "employees-conversions?team=Engineering").await,
        [(w.ben, "Ben".into(), 1)]
    );

    let body: Value = app.get("/api/v1/kpis").await.json().await.unwrap();
    let totals = &body["totals"];
    assert_eq!(totals["clicks"], 11);
    assert_eq!(totals["conversions"], 4, "attributed conversions");
    assert_eq!(totals["unattributed_conversions"], 1);
    assert_eq!(totals["leads"], 1, "attributed leads and signups only");
    assert_eq!(
        totals["revenue_cents"], 17500,
        "USD sales; the EUR one has no rate"
    );
    assert_eq!(
        body["revenue_by_currency"],
        json!({"USD": 17500, "EUR": 9000})
    );
    assert_eq!(
        body["revenue_conversion"],
        json!({"converted": [], "unconverted": [{"currency": "EUR", "cents": 9000}]}),
        "a currency without a rate is listed, never dropped silently"
    );
    assert_eq!(
        totals["value_per_customer_cents"], 8750,
        "17 500 over the two customers of the counted (USD) sales; Cho's EUR sale has no rate"
    );
    let series = body["series"]["unattributed_conversions"]
        .as_array()
        .unwrap();
    let sum: i64 = series.iter().map(|p| p["value"].as_i64().unwrap()).sum();
    assert_eq!(sum, 1);
    let rate = totals["conversion_rate"].as_f64().unwrap();
    assert!((rate - 4.0 / 11.0).abs() < 1e-9, "{rate}");
}

#[actix_web::test]
async fn attribution_models_share_the_credit_of_touchpoints() {
    let w = world().await;
    let app = &w.app;
    let ben_click = click_id(app, &w.ben_li.1, "81.2.71.1").await;
    let ana_click = click_id(app, &w.ana_li.1, "81.2.71.1").await;
    let sale = json!({"kind": "sale", "click_id": ana_click, "touchpoints": [ben_click], "value_cents": 10000, "external_id": "multi"});
    assert_eq!(
        app.post("/api/v1/conversions", &sale).await.status(),
        StatusCode::CREATED
    );

    let values = |rows: Vec<Value>| -> Vec<(String, f64)> {
        rows.iter()
            .map(|r| {
                (
                    r["label"].as_str().unwrap().to_string(),
                    r["value"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    let get = |q: &'static str| async move {
        let body: Value = app
            .get(&format!("/api/v1/leaderboards/{q}"))
            .await
            .json()
            .await
            .unwrap();
        body["rows"].as_array().unwrap().clone()
    };
    assert_eq!(
        values(get("employees-conversions").await),
        [("Ana".to_string(), 1.0)],
        "last click by default"
    );
    assert_eq!(
        values(get("employees-conversions?model=first_click").await),
        [("Ben".to_string(), 1.0)]
    );
    assert_eq!(
        values(get("employees-conversions?model=linear").await),
        [("Ana".to_string(), 0.5), ("Ben".to_string(), 0.5)]
    );
    assert_eq!(
        values(get("employees-revenue?model=linear").await),
        [("Ana".to_string(), 5000.0), ("Ben".to_string(), 5000.0)]
    );
    assert_eq!(
        values(get("employees-revenue?revenue=influenced").await),
        [("Ana".to_string(), 10000.0), ("Ben".to_string(), 10000.0)],
        "influenced: everyone who touched the sale"
    );
    assert_eq!(
        values(get("employees-revenue?model=linear&team=Sales").await),
        [("Ana".to_string(), 5000.0)]
    );
    let res = app
        .get("/api/v1/leaderboards/employees-revenue?model=position")
        .await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_model"
    );
}

#[actix_web::test]
async fn revenue_converts_other_currencies_at_the_configured_rates() {
    let w = world_with(RawSettings {
        exchange_rates: Some("EUR=1.10".into()),
        ..RawSettings::default()
    })
    .await;
    sales(&w).await;
    let body: Value = w
        .app
        .get("/api/v1/kpis?interval=month")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["currency"], "USD");
    assert_eq!(
        body["totals"]["revenue_cents"],
        17500 + 9900,
        "90.00 EUR at 1.10 = 99.00 USD"
    );
    assert_eq!(
        body["revenue_conversion"],
        json!({
            "converted": [{"currency": "EUR", "cents": 9000, "rate": 1.1, "converted_cents": 9900}],
            "unconverted": [],
        })
    );
    let series = body["series"]["revenue_cents"].as_array().unwrap();
    let sum: i64 = series.iter().map(|p| p["value"].as_i64().unwrap()).sum();
    assert_eq!(sum, 27400, "the series converts the same way");
    assert_eq!(
        body["totals"]["value_per_customer_cents"], 9133,
        "three sales without customer ids: three customers"
    );
}

/// Acme (own, intended attribute "reliable") and Globex; six mentions and four support
/// cases in the first week of March 2026, one of each before it.
async fn brand_world() -> TestApp {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    // A topic (made by tagging content) that the mentions below are tagged with.
    app.create_content(
        json!({"title": "Uptime", "url": "https://example.com/uptime", "topics": ["reliable"]}),
    )
    .await;
    let mention =
        |brand: &str, channel: &str, author: &str, text: &str, sentiment: &str, at: &str| {
            json!({"brand": brand, "channel": channel, "author": author, "text": text,
               "sentiment": sentiment, "occurred_at": at})
        };
    let res = app
        .post_mentions(vec![
            mention(
                "Acme",
                "linkedin",
                "ann",
                "Acme is reliable",
                "positive",
                "2026-03-02T09:00:00Z",
            ),
            mention(
                "Acme",
                "linkedin",
                "bob",
                "Acme support was slow",
                "negative",
                "2026-03-02T10:00:00Z",
            ),
            mention(
                "Acme",
                "x",
                "ann",
                "acme again",
                "positive",
                "2026-03-03T09:00:00Z",
            ),
            mention(
                "Globex",
                "linkedin",
                "cy",
                "Globex is reliable",
                "positive",
                "2026-03-03T10:00:00Z",
            ),
            mention(
                "Globex",
                "x",
                "dee",
                "globex, meh",
                "neutral",
                "2026-03-05T10:00:00Z",
            ),
            mention(
                "Acme",
                "linkedin",
                "eve",
                "saw acme today",
                "neutral",
                "2026-03-05T11:00:00Z",
            ),
            mention(
                "Acme",
                "linkedin",
                "old",
                "acme is reliable",
                "positive",
                "2026-02-20T11:00:00Z",
            ),
        ])
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    for case in [
        json!({"channel": "x", "opened_at": "2026-03-02T10:00:00Z", "first_response_at": "2026-03-02T10:10:00Z", "resolved_at": "2026-03-02T12:00:00Z"}),
        json!({"channel": "x", "opened_at": "2026-03-03T10:00:00Z", "first_response_at": "2026-03-03T10:30:00Z"}),
        json!({"channel": "linkedin", "opened_at": "2026-03-04T10:00:00Z"}),
        json!({"channel": "x", "opened_at": "2026-03-06T10:00:00Z", "first_response_at": "2026-03-06T10:01:00Z", "resolved_at": "2026-03-06T11:00:00Z"}),
        json!({"channel": "x", "opened_at": "2026-02-20T10:00:00Z", "first_response_at": "2026-02-20T18:00:00Z"}),
    ] {
        let res = app.post("/api/v1/support-cases", &case).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{case}");
    }
    app
}

#[actix_web::test]
async fn brand_and_care_kpis_follow_their_definitions() {
    let app = brand_world().await;
    let body: Value = app
        .get("/api/v1/kpis?from=2026-03-01&to=2026-03-08&interval=day")
        .await
        .json()
        .await
        .unwrap();
    let t = &body["totals"];
    assert_eq!(t["awareness"], 4, "own-brand mentions of the period");
    assert_eq!(t["share_of_voice"], 4.0 / 6.0);
    // Authors: ann, bob, cy, dee, eve; positive about the own brand: ann (cy praised Globex).
    assert_eq!(t["support_rate"], 0.2);
    // Own mentions with "reliable": 1 of 4.
    assert_eq!(t["brand_attribute_recognition"], 0.25);
    // First responses 600 s, 1 800 s, 60 s; one case unanswered.
    assert_eq!(t["response_time_median_s"], 600.0);
    assert_eq!(t["response_time_p90_s"], 1800.0, "nearest rank");
    assert_eq!(t["issues_resolved"], 2);
    assert_eq!(t["issues_resolved_share"], 0.5);
    assert_eq!(t["value_per_customer_cents"], Value::Null, "no sales");
    assert_eq!(t["clicks"], 0);
    assert_eq!(
        t["conversion_rate"],
        Value::Null,
        "no clicks: no data, not 0"
    );

    let awareness = body["series"]["awareness"].as_array().unwrap();
    assert_eq!(awareness.len(), 7);
    let values: Vec<i64> = awareness
        .iter()
        .map(|p| p["value"].as_i64().unwrap())
        .collect();
    assert_eq!(values, [0, 2, 1, 0, 1, 0, 0]);
    let sov = &body["series"]["share_of_voice"];
    assert_eq!(
        sov[0]["value"],
        Value::Null,
        "a day without mentions has no data"
    );
    assert_eq!(sov[1]["value"], 1.0);
    assert_eq!(sov[2]["value"], 0.5);

    let linkedin: Value = app
        .get("/api/v1/kpis?from=2026-03-01&to=2026-03-08&channel=LinkedIn")
        .await
        .json()
        .await
        .unwrap();
    let t = &linkedin["totals"];
    assert_eq!(linkedin["channel"], "linkedin");
    assert_eq!(t["awareness"], 3);
    assert_eq!(t["share_of_voice"], 0.75);
    assert_eq!(t["support_rate"], 0.25);
    assert_eq!(t["brand_attribute_recognition"], 1.0 / 3.0);
    assert_eq!(t["issues_resolved"], 0);
    assert_eq!(t["issues_resolved_share"], 0.0);
    assert_eq!(t["response_time_median_s"], Value::Null);

    let res = app.get("/api/v1/kpis?channel=not%20a%20channel").await;
    assert_eq!(
        crate::common::error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_channel"
    );
}

#[actix_web::test]
async fn supporters_rank_by_influence_share() {
    let app = brand_world().await;
    let mention = |brand: &str, channel: &str, author: &str, sentiment: &str, reach: i64| {
        json!({"brand": brand, "channel": channel, "author": author, "text": "about acme",
               "sentiment": sentiment, "author_reach": reach, "occurred_at": "2026-03-04T12:00:00Z"})
    };
    let res = app
        .post_mentions(vec![
            mention("Acme", "linkedin", "ann", "positive", 1000),
            mention("Acme", "x", "zed", "positive", 3000),
            mention("Acme", "linkedin", "yul", "positive", 1000),
            mention("Acme", "linkedin", "hater", "negative", 99_999),
            mention("Globex", "linkedin", "fan", "positive", 5000),
        ])
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let rows = |query: &'static str| {
        let app = &app;
        async move {
            let res = app
                .get(&format!(
                    "/api/v1/leaderboards/supporters?from=2026-03-01&to=2026-03-08{query}"
                ))
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            let body: Value = res.json().await.unwrap();
            body["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["label"].as_str().unwrap().to_string(),
                        r["value"].as_f64().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    // Reach 1 000 + 3 000 + 1 000; ann's earlier mentions report none.
    assert_eq!(
        rows("").await,
        [
            ("zed".to_string(), 0.6),
            ("ann".into(), 0.2),
            ("yul".into(), 0.2)
        ],
        "ties by name; negative and competitor mentions earn nothing"
    );
    // ann: three positive Acme mentions in the week, zed and yul one each.
    assert_eq!(
        rows("&influence=mentions").await,
        [
            ("ann".to_string(), 0.6),
            ("yul".into(), 0.2),
            ("zed".into(), 0.2)
        ]
    );
    assert_eq!(rows("&channel=x").await, [("zed".to_string(), 1.0)]);
    let res = app
        .get("/api/v1/leaderboards/supporters?influence=shares")
        .await;
    assert_eq!(
        crate::common::error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_influence"
    );
}

#[actix_web::test]
async fn boards_and_the_kpi_table_download_as_csv() {
    let app = brand_world().await;
    let res = app
        .get("/api/v1/export/kpis.csv?from=2026-03-01&to=2026-03-04&interval=day")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(header[0], "period_start");
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(lines.len(), 1 + 3 + 1, "header, three days, totals");
    let cells = |line: &str| line.split(',').map(str::to_string).collect::<Vec<_>>();
    let day2 = cells(lines[2]);
    assert_eq!(day2[0], "2026-03-02");
    assert_eq!(day2[column("awareness")], "2");
    let total = cells(lines[4]);
    assert_eq!(total[0], "total");
    assert_eq!(total[column("awareness")], "3");
    assert_eq!(
        total[column("conversion_rate")],
        "",
        "no data is an empty cell"
    );

    // The board CSV holds exactly the rows the board answers.
    let res = app
        .post_mentions(vec![
            json!({"brand": "Acme", "channel": "x", "author": "=cmd()",
            "text": "acme", "sentiment": "positive", "author_reach": 10,
            "occurred_at": "2026-03-04T12:00:00Z"}),
        ])
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let query = "from=2026-03-01&to=2026-03-08&influence=mentions";
    let board: Value = app
        .get(&format!("/api/v1/leaderboards/supporters?{query}"))
        .await
        .json()
        .await
        .unwrap();
    let csv = app
        .get(&format!(
            "/api/v1/export/leaderboards/supporters.csv?{query}"
        ))
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "rank,id,label,value");
    assert_eq!(lines.len(), 1 + board["rows"].as_array().unwrap().len());
    assert_eq!(
        lines[1],
        format!(
            "1,{},ann,{}",
            board["rows"][0]["id"], board["rows"][0]["value"]
        )
    );
    assert!(
        lines.iter().any(|l| l.contains("'=cmd()")),
        "a label that a spreadsheet would run is neutralised: {csv}"
    );
    let res = app.get("/api/v1/export/leaderboards/nope.csv").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn follower_growth_starts_from_the_last_count_before_the_period() {
    let app = TestApp::spawn().await;
    let id = |v: Value| v["id"].as_i64().unwrap();
    let ada = id(app.create_employee("ada@example.com", "Ada", None).await);
    let bo = id(app.create_employee("bo@example.com", "Bo", None).await);
    let cy = id(app.create_employee("cy@example.com", "Cy", None).await);
    for (employee, network, followers, at) in [
        (ada, "linkedin", 100, "2026-02-20T12:00:00Z"),
        (ada, "linkedin", 130, "2026-03-03T12:00:00Z"),
        (ada, "linkedin", 150, "2026-03-06T12:00:00Z"),
        // First counted during the period: grows from that first count.
        (bo, "x", 40, "2026-03-02T12:00:00Z"),
        (bo, "x", 45, "2026-03-05T12:00:00Z"),
        // Unchanged, counted long before.
        (cy, "linkedin", 70, "2026-02-10T12:00:00Z"),
        // After the period: does not count.
        (ada, "linkedin", 9_999, "2026-03-20T12:00:00Z"),
    ] {
        let res = app
            .post(
                &format!("/api/v1/employees/{employee}/followers"),
                &json!({"network": network, "followers": followers, "observed_at": at}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let kpis = |query: &'static str| {
        let app = &app;
        async move {
            let body: Value = app
                .get(&format!(
                    "/api/v1/kpis?from=2026-03-01&to=2026-03-08{query}"
                ))
                .await
                .json()
                .await
                .unwrap();
            body
        }
    };
    let body = kpis("&interval=day").await;
    assert_eq!(body["totals"]["follower_growth"], 50 + 5);
    let days: Vec<i64> = body["series"]["follower_growth"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_i64().unwrap())
        .collect();
    assert_eq!(
        days,
        [0, 0, 30, 0, 5, 20, 0],
        "each day from the count before it"
    );
    assert_eq!(kpis("&network=x").await["totals"]["follower_growth"], 5);
}

#[actix_web::test]
async fn mention_kpis_by_channel_topic_and_brand() {
    let app = brand_world().await;
    let body: Value = app
        .get("/api/v1/kpis?from=2026-03-01&to=2026-03-08")
        .await
        .json()
        .await
        .unwrap();
    // LinkedIn: Acme by ann (positive), bob, eve; Globex by cy. X: Acme by ann (positive);
    // Globex by dee.
    assert_eq!(
        body["by_channel"],
        json!([
            {"channel": "linkedin", "own_mentions": 3, "all_mentions": 4, "share_of_voice": 0.75,
             "supporters": 1, "authors": 4, "support_rate": 0.25},
            {"channel": "x", "own_mentions": 1, "all_mentions": 2, "share_of_voice": 0.5,
             "supporters": 1, "authors": 2, "support_rate": 0.5},
        ])
    );
    // "reliable": Acme on March 2 and Globex on March 3 (the February one is outside).
    assert_eq!(
        body["by_topic"],
        json!([{"topic": "reliable", "own_mentions": 1, "all_mentions": 2, "share_of_voice": 0.5}])
    );

    // The same KPIs seen from the competitor.
    let globex: Value = app
        .get("/api/v1/kpis?from=2026-03-01&to=2026-03-08&brand=Globex")
        .await
        .json()
        .await
        .unwrap();
    let t = &globex["totals"];
    assert_eq!(globex["brand"], "Globex");
    assert_eq!(t["awareness"], 2);
    assert_eq!(t["share_of_voice"], 2.0 / 6.0);
    assert_eq!(t["support_rate"], 0.2, "cy of five authors");
    assert_eq!(
        t["brand_attribute_recognition"],
        Value::Null,
        "Globex has no intended attributes: its mentions cannot recognise one"
    );
    assert_eq!(
        t["issues_resolved"], 2,
        "support cases are the company's, whatever brand is looked at"
    );
    assert_eq!(globex["by_topic"][0]["share_of_voice"], 0.5);
    assert_eq!(
        globex["by_channel"][1]["support_rate"], 0.0,
        "dee was neutral"
    );

    let res = app.get("/api/v1/kpis?brand=Initech").await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "unknown_brand"
    );
}

/// Posts a metrics snapshot with impressions.
async fn impressions(app: &TestApp, share: i64, impressions: i64) {
    let res = app
        .post(
            &format!("/api/v1/shares/{share}/metrics"),
            &json!({"likes": 1, "comments": 0, "reshares": 0, "impressions": impressions}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[actix_web::test]
async fn earned_media_value_prices_impressions_and_clicks_per_network() {
    let w = world_with(RawSettings {
        emv_rates: Some("linkedin=10.00/0.50, x=/1.00".into()),
        ..RawSettings::default()
    })
    .await;
    let app = &w.app;
    impressions(app, w.ana_li.0, 1500).await;
    impressions(app, w.ana_x.0, 2000).await;
    let emv = |query: &'static str| async move {
        let body: Value = app
            .get(&format!("/api/v1/kpis?{query}"))
            .await
            .json()
            .await
            .unwrap();
        body["totals"]["earned_media_value_cents"].clone()
    };
    // LinkedIn: 1 500 impressions × 1 000 ¢ / 1 000 + 7 clicks × 50 ¢; X: 1 click × 100 ¢
    // (no CPM there, so its 2 000 impressions earn nothing).
    assert_eq!(emv("").await, 1500 + 350 + 100);
    assert_eq!(emv("network=x").await, 100);
    assert_eq!(
        emv("team=Engineering").await,
        100,
        "Ben's 2 LinkedIn clicks"
    );

    let rates: Value = app
        .get("/api/v1/settings/emv-rates")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        rates,
        json!({"currency": "USD", "origin": "config", "rates": {
            "linkedin": {"cpm_cents": 1000, "cpc_cents": 50},
            "x": {"cpm_cents": 0, "cpc_cents": 100}}})
    );
    let res = app
        .put(
            "/api/v1/settings/emv-rates",
            &json!({"rates": {"linkedin": {"cpm_cents": 2000}}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        emv("").await,
        3000,
        "the stored rates replace the configured ones at once"
    );
    for bad in [
        json!({"rates": {"fax": {"cpm_cents": 1}}}),
        json!({"rates": {"x": {"cpc_cents": -5}}}),
        json!({"rates": {"x": {"cpc": 5}}}),
    ] {
        let res = app.put("/api/v1/settings/emv-rates", &bad).await;
        assert!(res.status().is_client_error(), "{bad}: {}", res.status());
    }
    assert_eq!(emv("").await, 3000, "refused rates changed nothing");
    let res = app.delete("/api/v1/settings/emv-rates").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(emv("").await, 1950, "back to the configuration");

    let plain = world().await;
    let body: Value = plain.app.get("/api/v1/kpis").await.json().await.unwrap();
    assert_eq!(
        body["totals"]["earned_media_value_cents"],
        Value::Null,
        "no rates set: no data, not 0"
    );
}

#[actix_web::test]
async fn customer_lifetime_value_averages_customers_acquired_through_a_click() {
    let w = world().await;
    let app = &w.app;
    let ana = click_id(app, &w.ana_li.1, "81.2.72.1").await;
    let ben = click_id(app, &w.ben_li.1, "81.2.72.2").await;
    let cho = click_id(app, &w.cho_li.1, "81.2.72.3").await;
    for body in [
        // c1: acquired through Ana's link with a lead; later buys twice, once directly.
        json!({"kind": "lead", "click_id": ana, "customer_id": "c1", "external_id": "1"}),
        json!({"kind": "sale", "click_id": ben, "customer_id": "c1", "value_cents": 10000, "external_id": "2"}),
        json!({"kind": "sale", "customer_id": "c1", "value_cents": 5000, "external_id": "3"}),
        // c2: an existing customer (first seen without a click): not acquired by one.
        json!({"kind": "sale", "customer_id": "c2", "value_cents": 7000, "external_id": "4"}),
        json!({"kind": "sale", "click_id": ana, "customer_id": "c2", "value_cents": 3000, "external_id": "5"}),
        // c3: acquired through Cho's link.
        json!({"kind": "sale", "click_id": cho, "customer_id": "c3", "value_cents": 2000, "external_id": "6"}),
    ] {
        let res = app.post("/api/v1/conversions", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{body}");
    }
    let clv = |query: &'static str| async move {
        let body: Value = app
            .get(&format!("/api/v1/kpis?{query}"))
            .await
            .json()
            .await
            .unwrap();
        body["totals"]["customer_lifetime_value_cents"].clone()
    };
    assert_eq!(clv("").await, (15000 + 2000) / 2);
    assert_eq!(clv("team=Sales").await, 8500, "Ana and Cho acquired both");
    assert_eq!(
        clv("team=Engineering").await,
        Value::Null,
        "Ben's click converted c1, but did not acquire them"
    );
    assert_eq!(
        clv("from=2020-01-01&to=2020-02-01").await,
        Value::Null,
        "nobody was acquired then"
    );
}

#[actix_web::test]
async fn filters_keeping_more_shares_than_sql_parameters_allowed_still_answer() {
    let w = world().await;
    // 33 000 more shares for Ana (Sales): more than SQLite's 32 766 parameters, so a filter
    // sent as a list of share ids would fail.
    let ana = w.ana;
    w.app
        .db()
        .run_sync(move |conn| {
            diesel::sql_query(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 33000) \
                 INSERT INTO content (title, url, origin, click_param, created_at) \
                 SELECT 'bulk ' || i, 'https://example.com/bulk/' || i, 'curated', false, CURRENT_TIMESTAMP FROM n",
            )
            .execute(conn)?;
            diesel::sql_query(format!(
                "INSERT INTO shares (employee_id, content_id, network, slug, token, destination, created_at) \
                 SELECT {ana}, id, 'linkedin', 'bulk' || id, 'bulk-token-' || id, url, CURRENT_TIMESTAMP \
                 FROM content WHERE title LIKE 'bulk %'"
            ))
            .execute(conn)?;
            Ok(())
        })
        .unwrap();
    for path in [
        "/api/v1/kpis?team=Sales&network=linkedin",
        "/api/v1/leaderboards/top-shares?team=Sales",
        "/api/v1/leaderboards/employees-reach?team=Sales",
        "/api/v1/leaderboards/employees-conversions?team=Sales",
    ] {
        let res = w.app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let body: Value = w
        .app
        .get("/api/v1/kpis?team=Sales&network=linkedin")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["totals"]["clicks"], 5,
        "Ana's 3 and Cho's 2 LinkedIn clicks"
    );
    assert_eq!(
        board(&w.app, "employees-shares?team=Sales").await[0],
        (w.ana, "Ana".to_string(), 33_002)
    );
}

#[actix_web::test]
async fn the_day_rollup_equals_the_share_rollups_and_its_migration_rebuilds_it() {
    use diesel::connection::SimpleConnection;
    let mut w = world().await;
    let totals = |body: &Value| {
        (
            body["totals"]["clicks"].as_i64().unwrap(),
            body["totals"]["unique_clicks"].as_i64().unwrap(),
        )
    };
    // Unfiltered: the per-day, per-network rollup; per network: the share rollups.
    let whole: Value = w.app.get("/api/v1/kpis").await.json().await.unwrap();
    let mut summed = (0, 0);
    for network in ["linkedin", "x"] {
        let body: Value = w
            .app
            .get(&format!("/api/v1/kpis?network={network}"))
            .await
            .json()
            .await
            .unwrap();
        let (clicks, unique) = totals(&body);
        summed = (summed.0 + clicks, summed.1 + unique);
    }
    assert_eq!(totals(&whole), (8, 7));
    assert_eq!(totals(&whole), summed);

    // Down and up again, as an upgrade of an install with history runs it.
    let (down, up) = crate::common::migration_sql("_click_days");
    w.app
        .db()
        .run_sync(|conn| {
            conn.batch_execute(&down)?;
            conn.batch_execute(&up)?;
            Ok(())
        })
        .unwrap();
    w.app.restart().await;
    let rebuilt: Value = w.app.get("/api/v1/kpis").await.json().await.unwrap();
    assert_eq!(totals(&rebuilt), (8, 7));
}

/// `(label, conversions, revenue_cents)` of one group list of `/attribution`.
fn groups(body: &Value, list: &str) -> Vec<(String, f64, i64)> {
    body[list]
        .as_array()
        .unwrap_or_else(|| panic!("{list}: {body}"))
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap().to_string(),
                r["conversions"].as_f64().unwrap(),
                r["revenue_cents"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn g(label: &str, conversions: f64, revenue: i64) -> (String, f64, i64) {
    (label.to_string(), conversions, revenue)
}

/// Four conversions over the world's shares: a USD sale (Ben's click, then Ana's
/// LinkedIn click), a lead (Ana's X click, then Cho's), a EUR sale (Ana's X click) and an
/// unattributed lead.
async fn credit_world() -> World {
    let w = world().await;
    let app = &w.app;
    let ben = click_id(app, &w.ben_li.1, "81.2.71.1").await;
    let ana_li = click_id(app, &w.ana_li.1, "81.2.71.1").await;
    let ana_x = click_id(app, &w.ana_x.1, "81.2.71.2").await;
    let cho = click_id(app, &w.cho_li.1, "81.2.71.2").await;
    for conversion in [
        json!({"kind": "sale", "click_id": ana_li, "touchpoints": [ben], "value_cents": 10000, "currency": "USD"}),
        json!({"kind": "lead", "click_id": cho, "touchpoints": [ana_x]}),
        json!({"kind": "sale", "click_id": ana_x, "value_cents": 3000, "currency": "EUR"}),
        json!({"kind": "lead"}),
    ] {
        let res = app.post("/api/v1/conversions", &conversion).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    w
}

#[actix_web::test]
async fn attribution_totals_group_credit_by_employee_campaign_content_and_network() {
    let w = credit_world().await;
    let app = &w.app;
    let get = |q: String| async move {
        let res = app.get(&format!("/api/v1/attribution{q}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{q}");
        res.json::<Value>().await.unwrap()
    };

    let last = get("".into()).await;
    assert_eq!(
        (&last["model"], &last["revenue"], &last["currency"]),
        (&json!("last_click"), &json!("sourced"), &json!("USD"))
    );
    assert_eq!(
        groups(&last, "by_employee"),
        [g("Ana", 2.0, 10000), g("Cho", 1.0, 0)],
        "the EUR sale counts as a conversion, not as USD revenue"
    );
    assert_eq!(
        groups(&last, "by_campaign"),
        [g("No campaign", 2.0, 0), g("Spring launch", 1.0, 10000)]
    );
    assert_eq!(last["by_campaign"][0]["id"], Value::Null);
    assert_eq!(last["by_campaign"][1]["id"], w.campaign);
    assert_eq!(
        groups(&last, "by_content"),
        [g("Blog", 2.0, 0), g("Launch", 1.0, 10000)]
    );
    assert_eq!(
        groups(&last, "by_network"),
        [g("LinkedIn", 2.0, 10000), g("X", 1.0, 0)]
    );
    assert_eq!(last["by_network"][0]["id"], "linkedin");

    let first = get("?model=first_click".into()).await;
    assert_eq!(
        groups(&first, "by_employee"),
        [g("Ana", 2.0, 0), g("Ben", 1.0, 10000)]
    );

    let linear = get("?model=linear".into()).await;
    assert_eq!(
        groups(&linear, "by_employee"),
        [g("Ana", 2.0, 5000), g("Ben", 0.5, 5000), g("Cho", 0.5, 0)]
    );
    assert_eq!(
        groups(&linear, "by_network"),
        [g("LinkedIn", 1.5, 10000), g("X", 1.5, 0)],
        "ties on conversions go to revenue"
    );

    let influenced = get("?model=linear&revenue=influenced".into()).await;
    assert_eq!(
        groups(&influenced, "by_employee"),
        [g("Ana", 3.0, 10000), g("Ben", 1.0, 10000), g("Cho", 1.0, 0)],
        "everyone who touched a conversion gets all of it"
    );
    assert_eq!(
        groups(&influenced, "by_network"),
        [g("LinkedIn", 2.0, 10000), g("X", 2.0, 0)],
        "two LinkedIn shares on one sale: LinkedIn counts it once"
    );

    // Narrowed: by kind, by employee, by the campaign of the shares.
    assert_eq!(
        groups(&get("?model=linear&kind=sale".into()).await, "by_employee"),
        [g("Ana", 1.5, 5000), g("Ben", 0.5, 5000)]
    );
    let ben = get(format!("?model=linear&employee_id={}", w.ben)).await;
    assert_eq!(groups(&ben, "by_employee"), [g("Ben", 0.5, 5000)]);
    assert_eq!(groups(&ben, "by_campaign"), [g("Spring launch", 0.5, 5000)]);
    let spring = get(format!("?model=linear&campaign_id={}", w.campaign)).await;
    assert_eq!(
        groups(&spring, "by_employee"),
        [g("Ana", 0.5, 5000), g("Ben", 0.5, 5000)]
    );

    for (query, code) in [
        ("?model=position", "invalid_model"),
        ("?revenue=maybe", "invalid_revenue"),
        ("?kind=Not%20a%20kind", "invalid_kind"),
    ] {
        let res = app.get(&format!("/api/v1/attribution{query}")).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            code,
            "{query}"
        );
    }
}

#[actix_web::test]
async fn attribution_employee_totals_are_the_conversion_boards() {
    let w = credit_world().await;
    let app = &w.app;
    for query in [
        "",
        "model=first_click",
        "model=linear",
        "revenue=influenced",
        "model=linear&revenue=influenced",
        "model=linear&team=Sales",
    ] {
        let totals: Value = app
            .get(&format!("/api/v1/attribution?{query}"))
            .await
            .json()
            .await
            .unwrap();
        let employees = groups(&totals, "by_employee");
        for (board, revenue) in [
            ("employees-conversions", false),
            ("employees-revenue", true),
        ] {
            let body: Value = app
                .get(&format!("/api/v1/leaderboards/{board}?{query}"))
                .await
                .json()
                .await
                .unwrap();
            let mut rows: Vec<(String, f64)> = body["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["label"].as_str().unwrap().to_string(),
                        r["value"].as_f64().unwrap(),
                    )
                })
                .collect();
            rows.sort_by(|a, b| a.0.cmp(&b.0));
            let mut expected: Vec<(String, f64)> = employees
                .iter()
                .map(|(label, conversions, cents)| {
                    (
                        label.clone(),
                        if revenue { *cents as f64 } else { *conversions },
                    )
                })
                .filter(|(_, value)| *value > 0.0)
                .collect();
            expected.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(rows, expected, "{board}?{query}");
            assert!(!rows.is_empty(), "{board}?{query}");
        }
    }
}

#[actix_web::test]
async fn the_conversions_page_shows_who_earned_them_under_the_chosen_model() {
    let w = credit_world().await;
    let app = &w.app;
    app.create_user("admin@example.com", "admin", crate::privacy::PASSWORD);
    let admin = app
        .login("admin@example.com", crate::privacy::PASSWORD)
        .await;
    let html = crate::common::page(&admin, app.url("/admin/conversions?model=linear")).await;
    let table = |id: &str| -> String {
        let start = html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}"));
        let end = html[start..]
            .find("</table>")
            .map_or(html.len(), |e| start + e);
        html[start..end].to_string()
    };
    let employees = table("credit-employee");
    let ana = employees.find(">Ana<").expect("Ana");
    let ben = employees.find(">Ben<").expect("Ben");
    assert!(ana < ben, "sorted by conversions: {employees}");
    assert!(employees.contains(&format!("href=\"/admin/employees/{}/stats\"", w.ana)));
    assert!(
        employees.contains("<td class=\"num conversions\">0.50</td>"),
        "{employees}"
    );
    assert!(employees.contains(">50.00<"), "{employees}");
    assert!(table("credit-campaign").contains("No campaign"));
    assert!(table("credit-content").contains(">Launch<"));
    assert!(table("credit-network").contains("LinkedIn"));
    assert!(
        html.contains("<option value=\"linear\" selected>"),
        "the model is kept"
    );

    // A bad model is shown beside its field, nothing else.
    let res = admin
        .get(app.url("/admin/conversions?model=position"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"f-model-error\""), "{html}");
    assert!(!html.contains("id=\"credit-employee\""));
}

#[actix_web::test]
async fn a_short_board_is_the_head_of_the_long_one_ties_included() {
    let w = world().await;
    let app = &w.app;
    let full = board(app, "top-shares?limit=1000").await;
    assert_eq!(full.len(), 4, "{full:?}");
    // Ben's and Cho's shares tie at 2 clicks: the label breaks the tie for the last place
    // of a two-row board exactly as in the full one.
    assert_eq!(full[1].2, full[2].2, "{full:?}");
    for limit in 1..=4 {
        let short = board(app, &format!("top-shares?limit={limit}")).await;
        assert_eq!(short, full[..limit], "limit {limit}");
    }
}
