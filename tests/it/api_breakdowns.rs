//! `/api/v1/breakdowns/{dimension}` and its CSV: verified human clicks sent through the
//! real redirect (with GeoIP, user agents and referrers), split by network, country,
//! device, browser and referrer host, read from the rollups the click writer keeps.

use chorus::config::RawSettings;
use chorus::db::schema::click_breakdowns;
use chorus::domain::api_key::Scope;
use chorus::store::clicks::{insert_batch, ClickKind, Delivery, NewClick, Visitors};
use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, TestApp};

const GEOIP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/geoip/GeoIP2-City-Test.mmdb"
);
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";
const IPHONE_LINKEDIN: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.30.2144";
const IPAD_SAFARI: &str = "Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";
const LINKEDIN_BOT: &str =
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)";
const SLACK: &str = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";

struct Share {
    id: i64,
    slug: String,
}

struct World {
    app: TestApp,
    campaign: i64,
    /// Ana (team Sales), campaign content, LinkedIn.
    ana_li: Share,
    /// Ben (team Engineering), other content, X.
    ben_x: Share,
    /// Cho (team Sales), campaign content, Facebook.
    cho_fb: Share,
}

async fn share(app: &TestApp, employee: &Value, content: &Value, network: &str) -> Share {
    let s = app
        .create_share(&employee["id"], &content["id"], network)
        .await;
    Share {
        id: s["id"].as_i64().unwrap(),
        slug: s["slug"].as_str().unwrap().to_string(),
    }
}

async fn visit(app: &TestApp, slug: &str, user_agent: &str, ip: &str, referer: Option<&str>) {
    let mut req = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", user_agent)
        .header("X-Forwarded-For", ip);
    if let Some(referer) = referer {
        req = req.header("Referer", referer);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "/{slug} from {ip}");
}

/// An app with the GeoIP test database that believes X-Forwarded-For from loopback. The
/// repeat and burst windows are wide, so that what the tests call a repeat or a burst is
/// one however slowly the machine runs (each other visitor opens a single link).
async fn app() -> TestApp {
    TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        geoip_path: Some(GEOIP.into()),
        repeat_click_seconds: Some(600),
        scanner_burst_ms: Some(600_000),
        ..RawSettings::default()
    })
    .await
}

/// Six verified human clicks, and three recorded clicks that must not count:
///
/// | share  | user agent      | address (country)    | referrer                 |
/// |--------|-----------------|----------------------|--------------------------|
/// | ana_li | Chrome desktop  | 81.2.69.142 (GB)     | www.linkedin.com         |
/// | ana_li | LinkedIn iPhone | 2001:218::1 (JP)     | lnkd.in                  |
/// | ana_li | Safari iPad     | 89.160.20.128 (SE)   | —                        |
/// | ben_x  | Chrome desktop  | 216.160.83.56 (US)   | t.co                     |
/// | ben_x  | Chrome Android  | 81.2.69.142 (GB)     | t.co                     |
/// | cho_fb | Chrome desktop  | 198.51.100.20 (none) | www.facebook.com         |
///
/// plus LinkedInBot on ana_li (bot), Slackbot on ben_x (preview) and the first visitor
/// opening ana_li again (a repeat).
async fn world() -> World {
    let app = app().await;
    let ana = app
        .create_employee("ana@example.com", "Ana", Some("Sales"))
        .await;
    let ben = app
        .create_employee("ben@example.com", "Ben", Some("Engineering"))
        .await;
    let cho = app
        .create_employee("cho@example.com", "Cho", Some("Sales"))
        .await;
    let campaign = app.create_campaign(json!({"name": "Spring launch"})).await;
    let launch = app
        .create_content(json!({"title": "Launch", "url": "https://example.com/launch", "campaign_id": campaign["id"]}))
        .await;
    let blog = app.content_for("https://example.com/blog").await;
    let w = World {
        campaign: campaign["id"].as_i64().unwrap(),
        ana_li: share(&app, &ana, &launch, "linkedin").await,
        ben_x: share(&app, &ben, &blog, "x").await,
        cho_fb: share(&app, &cho, &launch, "facebook").await,
        app,
    };
    let (app, ana_li, ben_x, cho_fb) = (&w.app, &w.ana_li.slug, &w.ben_x.slug, &w.cho_fb.slug);
    visit(
        app,
        ana_li,
        CHROME,
        "81.2.69.142",
        Some("https://www.linkedin.com/feed/"),
    )
    .await;
    visit(
        app,
        ana_li,
        CHROME,
        "81.2.69.142",
        Some("https://www.linkedin.com/feed/"),
    )
    .await;
    visit(
        app,
        ana_li,
        IPHONE_LINKEDIN,
        "2001:218::1",
        Some("https://lnkd.in/e7Xq"),
    )
    .await;
    visit(app, ana_li, IPAD_SAFARI, "89.160.20.128", None).await;
    visit(app, ana_li, LINKEDIN_BOT, "108.174.2.200", None).await;
    visit(
        app,
        ben_x,
        CHROME,
        "216.160.83.56",
        Some("https://t.co/abc"),
    )
    .await;
    visit(
        app,
        ben_x,
        ANDROID_CHROME,
        "81.2.69.142",
        Some("https://t.co/def"),
    )
    .await;
    visit(app, ben_x, SLACK, "54.1.1.1", None).await;
    visit(
        app,
        cho_fb,
        CHROME,
        "198.51.100.20",
        Some("https://www.facebook.com/"),
    )
    .await;
    w
}

/// `GET /api/v1/breakdowns/{query}`, asserting 200 and the body's shape: shares are
/// `clicks / total`, rows by clicks.
async fn breakdown(app: &TestApp, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/breakdowns/{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    let body: Value = res.json().await.unwrap();
    let total = body["total"].as_i64().expect("total");
    let rows = body["rows"].as_array().expect("rows");
    for row in rows {
        let clicks = row["clicks"].as_i64().unwrap();
        let share = row["share"].as_f64().unwrap();
        assert!((share - clicks as f64 / total as f64).abs() < 1e-9, "{row}");
    }
    let clicks: Vec<i64> = rows.iter().map(|r| r["clicks"].as_i64().unwrap()).collect();
    assert!(clicks.windows(2).all(|w| w[0] >= w[1]), "{body}");
    body
}

/// (value, clicks) of each row; `None`: unknown.
fn rows(body: &Value) -> Vec<(Option<String>, i64)> {
    body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["value"].as_str().map(str::to_string),
                r["clicks"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn expected(pairs: &[(Option<&str>, i64)]) -> Vec<(Option<String>, i64)> {
    pairs
        .iter()
        .map(|(v, n)| (v.map(str::to_string), *n))
        .collect()
}

/// The `clicks` KPI of a `/kpis` query.
async fn kpi_clicks(app: &TestApp, query: &str) -> i64 {
    let res = app.get(&format!("/api/v1/kpis?{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    let body: Value = res.json().await.unwrap();
    body["totals"]["clicks"].as_i64().expect("totals.clicks")
}

const DIMENSIONS: [&str; 5] = ["network", "country", "device", "browser", "referrer"];

#[actix_web::test]
async fn every_dimension_counts_the_verified_human_clicks() {
    let w = world().await;
    let app = &w.app;

    let network = breakdown(app, "network").await;
    assert_eq!(network["dimension"], "network");
    assert_eq!(network["total"], 6, "{network}");
    assert_eq!(
        rows(&network),
        expected(&[(Some("linkedin"), 3), (Some("x"), 2), (Some("facebook"), 1)])
    );
    assert_eq!(
        rows(&breakdown(app, "country").await),
        expected(&[
            (Some("GB"), 2),
            (Some("JP"), 1),
            (Some("SE"), 1),
            (Some("US"), 1),
            (None, 1),
        ]),
        "ties by value, unknown last"
    );
    assert_eq!(
        rows(&breakdown(app, "device").await),
        expected(&[
            (Some("desktop"), 3),
            (Some("mobile"), 2),
            (Some("tablet"), 1)
        ])
    );
    assert_eq!(
        rows(&breakdown(app, "browser").await),
        expected(&[
            (Some("Chrome"), 4),
            (Some("LinkedIn"), 1),
            (Some("Safari"), 1)
        ])
    );
    assert_eq!(
        rows(&breakdown(app, "referrer").await),
        expected(&[
            (Some("t.co"), 2),
            (Some("facebook.com"), 1),
            (Some("linkedin.com"), 1),
            (Some("lnkd.in"), 1),
            (None, 1),
        ])
    );

    // The bot, the preview and the repeat were recorded, and counted nowhere.
    let raw = |share: i64| async move {
        let res = app.get(&format!("/api/v1/shares/{share}")).await;
        let body: Value = res.json().await.unwrap();
        (
            body["stats"]["clicks"].as_i64(),
            body["stats"]["raw_clicks"].as_i64(),
        )
    };
    assert_eq!(raw(w.ana_li.id).await, (Some(3), Some(5)));
    assert_eq!(raw(w.ben_x.id).await, (Some(2), Some(3)));
    assert_eq!(raw(w.cho_fb.id).await, (Some(1), Some(1)));

    // Every dimension adds up to the `clicks` KPI of the same period.
    let clicks = kpi_clicks(app, "").await;
    assert_eq!(clicks, 6);
    for dimension in DIMENSIONS {
        let body = breakdown(app, dimension).await;
        assert_eq!(body["total"], clicks, "{dimension}");
        let sum: i64 = rows(&body).iter().map(|(_, n)| n).sum();
        assert_eq!(sum, clicks, "{dimension}");
    }
    // The default period is the last 30 days up to now.
    let to = chrono::DateTime::parse_from_rfc3339(network["to"].as_str().unwrap()).unwrap();
    let from = chrono::DateTime::parse_from_rfc3339(network["from"].as_str().unwrap()).unwrap();
    assert_eq!(to - from, chrono::Duration::days(30));
}

#[actix_web::test]
async fn filters_narrow_the_shares_as_for_the_leaderboards() {
    let w = world().await;
    let app = &w.app;

    let x = breakdown(app, "country?network=x").await;
    assert_eq!(x["total"], 2);
    assert_eq!(rows(&x), expected(&[(Some("GB"), 1), (Some("US"), 1)]));
    assert_eq!(
        rows(&breakdown(app, "network?network=x").await),
        expected(&[(Some("x"), 2)])
    );

    let sales = breakdown(app, "device?team=Sales").await;
    assert_eq!(sales["total"], 4, "Ana and Cho");
    assert_eq!(
        rows(&sales),
        expected(&[
            (Some("desktop"), 2),
            (Some("mobile"), 1),
            (Some("tablet"), 1)
        ])
    );
    assert_eq!(kpi_clicks(app, "team=Sales").await, 4);

    let campaign = breakdown(app, &format!("referrer?campaign_id={}", w.campaign)).await;
    assert_eq!(campaign["total"], 4, "the Launch shares of Ana and Cho");
    assert_eq!(
        rows(&campaign),
        expected(&[
            (Some("facebook.com"), 1),
            (Some("linkedin.com"), 1),
            (Some("lnkd.in"), 1),
            (None, 1),
        ])
    );
    let both = breakdown(
        app,
        &format!(
            "browser?campaign_id={}&team=Sales&network=facebook",
            w.campaign
        ),
    )
    .await;
    assert_eq!(rows(&both), expected(&[(Some("Chrome"), 1)]));
    assert!(
        rows(&breakdown(app, "country?team=Nobody").await).is_empty(),
        "an unknown team keeps no share"
    );
    let empty = breakdown(app, "country?campaign_id=999999").await;
    assert_eq!((empty["total"].as_i64(), rows(&empty)), (Some(0), vec![]));

    // The limit cuts rows, not the total.
    let top = breakdown(app, "country?limit=2").await;
    assert_eq!(top["total"], 6);
    assert_eq!(rows(&top), expected(&[(Some("GB"), 2), (Some("JP"), 1)]));
    assert_eq!(top["rows"][0]["share"].as_f64(), Some(2.0 / 6.0));

    for (query, code) in [
        ("country?limit=0", "invalid_limit"),
        ("country?limit=1001", "invalid_limit"),
        ("country?network=myspace", "invalid_network"),
        ("country?from=yesterday", "invalid_period"),
        ("country?from=2026-02-01&to=2026-01-01", "invalid_period"),
    ] {
        let res = app.get(&format!("/api/v1/breakdowns/{query}")).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            code,
            "{query}"
        );
    }
    let res = app.get("/api/v1/breakdowns/country?limit=many").await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "invalid_query"
    );
}

/// A click stored the way the writer stores one, on a chosen day.
fn stored_click(
    id: &str,
    share_id: i64,
    day: NaiveDate,
    kind: ClickKind,
    browser: &str,
) -> NewClick {
    NewClick {
        click_id: format!("{id:0>16}"),
        share_id,
        occurred_at: day.and_hms_opt(9, 0, 0).unwrap(),
        day,
        visitor: format!("{id:0>32}"),
        kind,
        flag_reason: None,
        country: Some("KR".into()),
        region: None,
        city: None,
        referrer_host: None,
        browser: Some(browser.into()),
        os: None,
        device: Some("desktop".into()),
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
}

/// Clicks of earlier days, written through the click writer's store call: two human clicks
/// on 10 January (one with a browser name a spreadsheet would run), a bot that day, and one
/// human click on 11 January.
async fn history(w: &World) {
    w.app.clicks.settle().await;
    let batch = vec![
        stored_click("h1", w.ana_li.id, day(10), ClickKind::Human, "=cmd()"),
        stored_click("h2", w.ben_x.id, day(10), ClickKind::Human, "Chrome"),
        stored_click("h3", w.ben_x.id, day(10), ClickKind::Bot, "Other"),
        stored_click("h4", w.cho_fb.id, day(11), ClickKind::Human, "Firefox"),
    ];
    let written = w
        .app
        .db()
        .run_sync(|conn| {
            let mut visitors = Visitors::for_connection(conn);
            insert_batch(conn, &mut visitors, &batch, &[], Delivery::First)
        })
        .unwrap();
    assert_eq!(written, 4);
}

#[actix_web::test]
async fn the_period_counts_whole_local_days_and_to_is_exclusive() {
    let w = world().await;
    history(&w).await;
    let app = &w.app;

    let tenth = breakdown(app, "browser?from=2026-01-10&to=2026-01-11").await;
    assert_eq!(tenth["from"], "2026-01-10T00:00:00Z");
    assert_eq!(tenth["to"], "2026-01-11T00:00:00Z");
    assert_eq!(
        rows(&tenth),
        expected(&[(Some("=cmd()"), 1), (Some("Chrome"), 1)]),
        "no bot, nothing of the 11th"
    );
    assert_eq!(
        rows(&breakdown(app, "browser?from=2026-01-11&to=2026-01-12").await),
        expected(&[(Some("Firefox"), 1)])
    );
    let both = breakdown(app, "country?from=2026-01-10&to=2026-01-12").await;
    assert_eq!(rows(&both), expected(&[(Some("KR"), 3)]));
    assert_eq!(
        rows(&breakdown(app, "network?from=2026-01-10&to=2026-01-12").await),
        expected(&[(Some("facebook"), 1), (Some("linkedin"), 1), (Some("x"), 1)])
    );
    assert_eq!(kpi_clicks(app, "from=2026-01-10&to=2026-01-12").await, 3);

    // Today's clicks are in a period that ends tomorrow, not in one that ends today.
    let today = chrono::Utc::now().date_naive();
    let tomorrow = today.succ_opt().unwrap();
    let now = breakdown(app, &format!("network?from={today}&to={tomorrow}")).await;
    assert_eq!(now["total"], 6);
    let before = breakdown(app, &format!("network?from=2026-01-01&to={today}")).await;
    assert_eq!(before["total"], 3, "the history, not today");
    let later = breakdown(
        app,
        &format!(
            "network?from={tomorrow}&to={}",
            tomorrow.succ_opt().unwrap()
        ),
    )
    .await;
    assert_eq!(later["total"], 0);
    assert_eq!(later["rows"], json!([]));
}

#[actix_web::test]
async fn the_csv_has_the_rows_of_the_json_with_formulas_defused() {
    let w = world().await;
    history(&w).await;
    let app = &w.app;

    let res = app
        .get("/api/v1/export/breakdowns/browser.csv?from=2026-01-10&to=2026-01-11")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("breakdown-browser.csv"));
    assert_eq!(
        res.text().await.unwrap(),
        "value,clicks,share\n'=cmd(),1,0.5\nChrome,1,0.5\n"
    );

    // Today's referrers, as the JSON shows them: unknown is an empty cell.
    let json = breakdown(app, "referrer?limit=3").await;
    let res = app
        .get("/api/v1/export/breakdowns/referrer.csv?limit=3")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("value,clicks,share"));
    let from_csv: Vec<(Option<String>, i64)> = lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (
                Some(cells[0].to_string()).filter(|v| !v.is_empty()),
                cells[1].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(from_csv, rows(&json));
    assert_eq!(
        from_csv,
        expected(&[
            (Some("t.co"), 2),
            (Some("facebook.com"), 1),
            (Some("linkedin.com"), 1)
        ])
    );
    let all = app
        .get("/api/v1/export/breakdowns/referrer.csv?limit=10")
        .await
        .text()
        .await
        .unwrap();
    assert!(all.ends_with("\n,1,0.16666666666666666\n"), "{all}");
}

#[actix_web::test]
async fn an_unknown_dimension_is_a_404_and_a_full_key_is_required() {
    let app = app().await;
    for path in [
        "/api/v1/breakdowns/os",
        "/api/v1/breakdowns/Country",
        "/api/v1/export/breakdowns/os.csv",
    ] {
        let res = app.get(path).await;
        assert_eq!(
            error_code(res, StatusCode::NOT_FOUND).await,
            "not_found",
            "{path}"
        );
    }
    // The dimension is checked before the query, as a board is.
    let res = app.get("/api/v1/breakdowns/city?limit=0").await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");

    for path in [
        "/api/v1/breakdowns/country",
        "/api/v1/export/breakdowns/country.csv",
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
        let publishable = app.create_api_key(Scope::Publishable);
        let res = app
            .client
            .get(app.url(path))
            .bearer_auth(publishable)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // A fresh install answers an empty breakdown, not an error.
    let empty = breakdown(&app, "referrer").await;
    assert_eq!((empty["total"].as_i64(), rows(&empty)), (Some(0), vec![]));
}

/// A scanner burst is recognised at its third link, after the first two clicks were
/// committed and counted: demoting them takes them out of every breakdown again, which
/// stays equal to the `clicks` KPI throughout.
#[actix_web::test]
async fn a_demoted_burst_leaves_the_breakdowns_equal_to_clicks() {
    let w = world().await;
    let app = &w.app;
    let scanner = app
        .create_employee("dan@example.com", "Dan", Some("Sales"))
        .await;
    let mut links = Vec::new();
    for n in 1..=3 {
        let content = app
            .content_for(&format!("https://example.com/news/{n}"))
            .await;
        links.push(share(app, &scanner, &content, "bluesky").await);
    }
    let consistent = |expected_clicks: i64| async move {
        let clicks = kpi_clicks(app, "").await;
        assert_eq!(clicks, expected_clicks);
        for dimension in DIMENSIONS {
            let body = breakdown(app, &format!("{dimension}?limit=1000")).await;
            assert_eq!(body["total"], clicks, "{dimension}: {body}");
            let sum: i64 = rows(&body).iter().map(|(_, n)| n).sum();
            assert_eq!(sum, clicks, "{dimension}: {body}");
        }
    };

    // China is the scanner's only country; each breakdown read settles the writer first.
    let cn = "175.16.199.1";
    visit(app, &links[0].slug, CHROME, cn, None).await;
    let country = breakdown(app, "country").await;
    assert_eq!(
        rows(&country)[..2],
        expected(&[(Some("GB"), 2), (Some("CN"), 1)]),
        "{country}"
    );
    consistent(7).await;
    visit(app, &links[1].slug, CHROME, cn, None).await;
    assert_eq!(
        rows(&breakdown(app, "country").await)[..2],
        expected(&[(Some("CN"), 2), (Some("GB"), 2)])
    );
    assert!(rows(&breakdown(app, "network").await).contains(&(Some("bluesky".into()), 2)));
    consistent(8).await;

    visit(app, &links[2].slug, CHROME, cn, None).await;
    consistent(6).await;
    let country = breakdown(app, "country").await;
    assert!(
        !rows(&country)
            .iter()
            .any(|(v, _)| v.as_deref() == Some("CN")),
        "demoted clicks leave no row behind: {country}"
    );
    assert_eq!(
        rows(&breakdown(app, "network").await),
        expected(&[(Some("linkedin"), 3), (Some("x"), 2), (Some("facebook"), 1)])
    );
    assert_eq!(
        rows(&breakdown(app, "device?team=Sales").await),
        expected(&[
            (Some("desktop"), 2),
            (Some("mobile"), 1),
            (Some("tablet"), 1)
        ]),
        "Dan's demoted clicks are out of his team's breakdown too"
    );
    for link in &links {
        let clicks = app.clicks_of(link.id).await;
        assert_eq!(clicks.len(), 1);
        assert_eq!(clicks[0].kind, "flagged");
        assert_eq!(clicks[0].flag_reason.as_deref(), Some("burst"));
    }
}

/// An install upgraded to this version sees its history: the migration fills the
/// breakdowns from the clicks stored as human (demoted ones excluded), and what it builds
/// is what the click writer builds.
#[actix_web::test]
async fn the_migration_backfills_the_history_of_an_upgraded_install() {
    let mut w = world().await;
    history(&w).await;
    // A demoted burst in the stored history too.
    let scanner = w.app.create_employee("eve@example.com", "Eve", None).await;
    for n in 1..=3 {
        let content = w
            .app
            .content_for(&format!("https://example.com/scan/{n}"))
            .await;
        let link = share(&w.app, &scanner, &content, "email").await;
        visit(&w.app, &link.slug, IPAD_SAFARI, "175.16.199.2", None).await;
    }
    let queries: Vec<String> = DIMENSIONS
        .iter()
        .flat_map(|d| {
            [
                format!("{d}?limit=1000"),
                format!("{d}?from=2026-01-01&limit=1000"),
                format!("{d}?from=2026-01-10&to=2026-01-11&team=Sales"),
            ]
        })
        .collect();
    let mut written = Vec::new();
    for q in &queries {
        written.push(breakdown(&w.app, q).await);
    }
    assert_eq!(written[0]["total"], 6, "the burst is not counted");

    // Back to before the migration, then up again as an upgrade would run it.
    let (down, up) = crate::common::migration_sql("_click_breakdowns");
    let db = w.app.db();
    db.run_sync(|conn| {
        conn.batch_execute(&down)?;
        Ok(())
    })
    .unwrap();
    let gone = db.run_sync(|conn| Ok(click_breakdowns::table.count().get_result::<i64>(conn)));
    assert!(gone.unwrap().is_err(), "no table before the migration");
    db.run_sync(|conn| {
        conn.batch_execute(&up)?;
        Ok(())
    })
    .unwrap();
    // A new server, as after an upgrade (no connection that saw the old schema).
    w.app.restart().await;
    for (q, before) in queries.iter().zip(&written) {
        // (A default period ends now, so only the counts can be compared.)
        let after = breakdown(&w.app, q).await;
        assert_eq!(
            (&after["total"], &after["rows"]),
            (&before["total"], &before["rows"]),
            "{q}"
        );
    }
}
