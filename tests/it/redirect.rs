//! The redirect and the click pipeline, driven as visitors and crawlers would.

use std::collections::HashSet;

use chorus::config::RawSettings;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::TestApp;

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const IPHONE_LINKEDIN: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.30.2144";
const LINKEDIN_BOT: &str =
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)";
const SLACK: &str = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";

/// An app that believes X-Forwarded-For from loopback, so tests can play many visitors.
async fn app_with(extra: RawSettings) -> TestApp {
    TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        ..extra
    })
    .await
}

async fn app() -> TestApp {
    app_with(RawSettings::default()).await
}

/// A share of a fresh content item by a fresh employee; returns the share JSON.
async fn share(app: &TestApp, network: &str, url: &str) -> Value {
    let n = nanoid::nanoid!(6, &"abcdefghijklmnopqrstuvwxyz".chars().collect::<Vec<_>>());
    let employee = app
        .create_employee(&format!("{n}@example.com"), &format!("Person {n}"), None)
        .await;
    share_for(app, employee["id"].as_i64().unwrap(), network, url).await
}

async fn share_for(app: &TestApp, employee_id: i64, network: &str, url: &str) -> Value {
    let content = app
        .post(
            "/api/v1/content",
            &json!({"title": "Launch post", "url": url}),
        )
        .await;
    assert_eq!(content.status(), StatusCode::CREATED);
    let content: Value = content.json().await.unwrap();
    let res = app
        .post(
            "/api/v1/shares",
            &json!({"employee_id": employee_id, "content_id": content["id"], "network": network}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn visit(app: &TestApp, slug: &str, ua: Option<&str>, ip: &str) -> reqwest::Response {
    let mut req = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("X-Forwarded-For", ip);
    if let Some(ua) = ua {
        req = req.header("User-Agent", ua);
    }
    req.send().await.unwrap()
}

async fn stats(app: &TestApp, share: &Value) -> Value {
    let res = app.get(&format!("/api/v1/shares/{}", share["id"])).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["stats"].clone()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

fn click_id_of(location: &str) -> String {
    let url = url::Url::parse(location).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "chorus_click")
        .map(|(_, v)| v.into_owned())
        .expect("click id in Location")
}

#[actix_web::test]
async fn location_carries_the_utms_and_a_fresh_click_id_per_click() {
    let app = app().await;
    let s = share(&app, "linkedin", "https://example.com/post?ref=news#top").await;
    let slug = s["slug"].as_str().unwrap();
    assert_eq!(s["short_url"], format!("{}/{slug}", app.address));

    let first = visit(&app, slug, Some(CHROME), "81.2.69.142").await;
    assert_eq!(first.status(), StatusCode::FOUND);
    assert_eq!(first.headers()["cache-control"], "private, no-store");
    let second = visit(&app, slug, Some(CHROME), "89.160.20.128").await;
    let (a, b) = (location(&first), location(&second));
    for loc in [&a, &b] {
        let url = url::Url::parse(loc).unwrap();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            get("ref"),
            Some("news"),
            "the destination's own query is kept"
        );
        assert_eq!(get("utm_source"), Some("linkedin"));
        assert_eq!(get("utm_medium"), Some("social"));
        assert_eq!(get("utm_source_platform"), Some("employee_advocacy"));
        assert_eq!(url.fragment(), Some("top"), "the fragment stays last");
        assert!(loc.starts_with(
            s["destination"]
                .as_str()
                .unwrap()
                .split('#')
                .next()
                .unwrap()
        ));
    }
    assert_ne!(
        click_id_of(&a),
        click_id_of(&b),
        "every click gets its own id"
    );
}

#[actix_web::test]
async fn human_unique_bot_and_preview_counts_are_exact() {
    // Repeat window 0: the same visitor's second click counts, to tell clicks from uniques.
    let app = app_with(RawSettings {
        repeat_click_seconds: Some(0),
        ..RawSettings::default()
    })
    .await;
    let s = share(&app, "linkedin", "https://example.com/a").await;
    let slug = s["slug"].as_str().unwrap();
    let fresh = stats(&app, &s).await;
    for key in [
        "clicks",
        "unique_clicks",
        "raw_clicks",
        "bot_clicks",
        "preview_clicks",
    ] {
        assert_eq!(fresh[key], 0, "{key} of a new share");
    }

    assert_eq!(
        visit(&app, slug, Some(CHROME), "81.2.69.142")
            .await
            .status(),
        StatusCode::FOUND
    );
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(
        visit(&app, slug, Some(CHROME), "81.2.69.142")
            .await
            .status(),
        StatusCode::FOUND
    );
    assert_eq!(
        visit(&app, slug, Some(IPHONE_LINKEDIN), "89.160.20.128")
            .await
            .status(),
        StatusCode::FOUND
    );
    assert_eq!(
        visit(&app, slug, Some(LINKEDIN_BOT), "108.174.2.200")
            .await
            .status(),
        StatusCode::FOUND
    );
    assert_eq!(
        visit(&app, slug, Some(SLACK), "54.1.1.1").await.status(),
        StatusCode::FOUND
    );
    assert_eq!(
        visit(&app, slug, Some("curl/8.5.0"), "203.0.113.9")
            .await
            .status(),
        StatusCode::FOUND
    );
    assert_eq!(
        visit(&app, slug, None, "203.0.113.10").await.status(),
        StatusCode::FOUND
    );

    let st = stats(&app, &s).await;
    assert_eq!(st["clicks"], 3, "{st}");
    assert_eq!(st["unique_clicks"], 2, "{st}");
    assert_eq!(st["preview_clicks"], 2, "{st}");
    assert_eq!(st["bot_clicks"], 2, "{st}");
    assert_eq!(st["raw_clicks"], 7, "{st}");
}

#[actix_web::test]
async fn head_is_answered_but_not_a_human_click() {
    let app = app().await;
    let s = share(&app, "x", "https://example.com/b").await;
    let res = app
        .client
        .head(app.url(&format!("/{}", s["slug"].as_str().unwrap())))
        .header("User-Agent", CHROME)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(
        location(&res).contains("utm_source=twitter"),
        "X is `twitter` to GA4"
    );
    let st = stats(&app, &s).await;
    assert_eq!(
        (st["clicks"].as_i64(), st["raw_clicks"].as_i64()),
        (Some(0), Some(1)),
        "{st}"
    );
}

#[actix_web::test]
async fn quick_repeats_and_scanner_bursts_are_flagged_not_counted() {
    let app = app().await;
    let a = share(&app, "linkedin", "https://example.com/1").await;
    let b = share(&app, "linkedin", "https://example.com/2").await;
    let c = share(&app, "linkedin", "https://example.com/3").await;
    let d = share(&app, "linkedin", "https://example.com/4").await;

    // A person double-taps: one click counts.
    visit(
        &app,
        a["slug"].as_str().unwrap(),
        Some(CHROME),
        "81.2.69.142",
    )
    .await;
    visit(
        &app,
        a["slug"].as_str().unwrap(),
        Some(CHROME),
        "81.2.69.142",
    )
    .await;
    let st = stats(&app, &a).await;
    assert_eq!(
        (st["clicks"].as_i64(), st["raw_clicks"].as_i64()),
        (Some(1), Some(2)),
        "{st}"
    );

    // A mail scanner opens three links at once: none of them counts.
    for s in [&b, &c, &d] {
        visit(
            &app,
            s["slug"].as_str().unwrap(),
            Some(CHROME),
            "198.51.100.77",
        )
        .await;
    }
    for s in [&b, &c, &d] {
        let st = stats(&app, s).await;
        assert_eq!(
            (
                st["clicks"].as_i64(),
                st["unique_clicks"].as_i64(),
                st["raw_clicks"].as_i64()
            ),
            (Some(0), Some(0), Some(1)),
            "{st}"
        );
    }
}

/// A visitor seen before a restart is still the same unique visitor after it: on SQLite the
/// writer rebuilds the day's visitors from the stored clicks, on PostgreSQL they are in a
/// table.
#[actix_web::test]
async fn unique_visitors_are_remembered_across_a_restart() {
    let mut app = app_with(RawSettings {
        repeat_click_seconds: Some(0),
        ..Default::default()
    })
    .await;
    let s = share(&app, "linkedin", "https://example.com/restart").await;
    let slug = s["slug"].as_str().unwrap().to_string();
    visit(&app, &slug, Some(CHROME), "203.0.113.41").await;
    visit(&app, &slug, Some(CHROME), "203.0.113.41").await;
    let st = stats(&app, &s).await;
    assert_eq!(
        (st["clicks"].as_i64(), st["unique_clicks"].as_i64()),
        (Some(2), Some(1)),
        "{st}"
    );

    app.restart().await;
    visit(&app, &slug, Some(CHROME), "203.0.113.41").await;
    let st = stats(&app, &s).await;
    assert_eq!(
        (st["clicks"].as_i64(), st["unique_clicks"].as_i64()),
        (Some(3), Some(1)),
        "the same visitor again: {st}"
    );
    visit(&app, &slug, Some(CHROME), "203.0.113.42").await;
    let st = stats(&app, &s).await;
    assert_eq!(
        (st["clicks"].as_i64(), st["unique_clicks"].as_i64()),
        (Some(4), Some(2)),
        "a new visitor: {st}"
    );
}

/// The burst is recognised only at its third click, after the first two are committed and
/// counted: they are demoted in the database, rollups and unique visitors included.
#[actix_web::test]
async fn a_burst_demotes_clicks_already_in_the_database() {
    let app = app().await;
    let shares = [
        share(&app, "linkedin", "https://example.com/b1").await,
        share(&app, "linkedin", "https://example.com/b2").await,
        share(&app, "linkedin", "https://example.com/b3").await,
    ];
    for (i, s) in shares.iter().enumerate() {
        visit(
            &app,
            s["slug"].as_str().unwrap(),
            Some(CHROME),
            "198.51.100.78",
        )
        .await;
        if i < 2 {
            let st = stats(&app, s).await; // waits until the click is committed
            assert_eq!(
                (st["clicks"].as_i64(), st["unique_clicks"].as_i64()),
                (Some(1), Some(1)),
                "{st}"
            );
        }
    }
    for s in &shares {
        let st = stats(&app, s).await;
        assert_eq!(
            (
                st["clicks"].as_i64(),
                st["unique_clicks"].as_i64(),
                st["raw_clicks"].as_i64()
            ),
            (Some(0), Some(0), Some(1)),
            "{st}"
        );
    }
}

#[actix_web::test]
async fn the_sharers_own_click_is_flagged() {
    let app = app().await;
    let id = app.create_user("sharer@example.com", "employee", "correct horse battery");
    let s = share_for(&app, id, "linkedin", "https://example.com/own").await;
    let browser = app
        .login("sharer@example.com", "correct horse battery")
        .await;
    let res = browser
        .get(app.url(&format!("/{}", s["slug"].as_str().unwrap())))
        .header("User-Agent", CHROME)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let st = stats(&app, &s).await;
    assert_eq!(
        (st["clicks"].as_i64(), st["raw_clicks"].as_i64()),
        (Some(0), Some(1)),
        "{st}"
    );
}

#[actix_web::test]
async fn unknown_slugs_get_a_friendly_404_and_switched_off_links_410() {
    let app = app().await;
    let res = visit(&app, "nosuchlink", Some(CHROME), "81.2.69.142").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Link not found"));

    let s = share(&app, "linkedin", "https://example.com/c").await;
    let slug = s["slug"].as_str().unwrap();
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/shares/{}", s["id"])))
        .bearer_auth(&app.api_key)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = visit(&app, slug, Some(CHROME), "81.2.69.142").await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(res.text().await.unwrap().contains("no longer available"));

    let e = share(&app, "linkedin", "https://example.com/d").await;
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/shares/{}", e["id"])))
        .bearer_auth(&app.api_key)
        .json(&json!({"expires_at": "2020-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        visit(
            &app,
            e["slug"].as_str().unwrap(),
            Some(CHROME),
            "81.2.69.142"
        )
        .await
        .status(),
        StatusCode::GONE
    );
    assert_eq!(
        stats(&app, &s).await["raw_clicks"],
        0,
        "refused visits are not clicks"
    );
}

#[actix_web::test]
async fn clicks_are_located_and_no_address_is_stored() {
    let geo = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/geoip/GeoIP2-City-Test.mmdb"
    );
    let app = app_with(RawSettings {
        geoip_path: Some(geo.into()),
        ..RawSettings::default()
    })
    .await;
    let s = share(&app, "linkedin", "https://example.com/geo").await;
    let slug = s["slug"].as_str().unwrap();
    visit(&app, slug, Some(CHROME), "81.2.69.142").await;
    visit(&app, slug, Some(IPHONE_LINKEDIN), "2001:218::1").await;
    let res = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", CHROME)
        .header("X-Forwarded-For", "89.160.20.128")
        .header("Referer", "https://www.linkedin.com/feed/")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);

    let clicks = app.clicks_of(s["id"].as_i64().unwrap()).await;
    let places: Vec<(Option<&str>, Option<&str>)> = clicks
        .iter()
        .map(|c| (c.country.as_deref(), c.city.as_deref()))
        .collect();
    assert_eq!(
        places,
        [
            (Some("GB"), Some("London")),
            (Some("JP"), None),
            (Some("SE"), Some("Linköping"))
        ]
    );
    assert_eq!(clicks[1].browser.as_deref(), Some("LinkedIn"));
    assert_eq!(clicks[1].device.as_deref(), Some("mobile"));
    assert_eq!(clicks[2].referrer_host.as_deref(), Some("linkedin.com"));
    let visitors: HashSet<&str> = clicks.iter().map(|c| c.visitor.as_str()).collect();
    assert_eq!(visitors.len(), 3);

    for click in &clicks {
        let row = format!("{click:?}");
        for ip in ["81.2.69.142", "2001:218::1", "89.160.20.128"] {
            assert!(!row.contains(ip), "{row}");
        }
    }
    if !crate::common::is_postgres() {
        // The database file itself, WAL included, holds no address in any form we wrote.
        let mut bytes = Vec::new();
        for suffix in ["", "-wal"] {
            if let Ok(b) = std::fs::read(app.dir.path().join(format!("chorus.db{suffix}"))) {
                bytes.extend(b);
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("Linköping") || text.contains("London"),
            "the file is readable as text"
        );
        for ip in ["81.2.69.142", "2001:218::1", "89.160.20.128"] {
            assert!(!text.contains(ip), "{ip} found in the database file");
        }
    }
}

#[actix_web::test]
async fn qr_codes_come_as_svg_and_png() {
    let app = app().await;
    let s = share(&app, "linkedin", "https://example.com/qr").await;
    let slug = s["slug"].as_str().unwrap();
    let svg = app
        .client
        .get(app.url(&format!("/qr/{slug}.svg")))
        .send()
        .await
        .unwrap();
    assert_eq!(svg.status(), StatusCode::OK);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
    let png = app
        .client
        .get(app.url(&format!("/qr/{slug}.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert_eq!(&png.bytes().await.unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        app.client
            .get(app.url("/qr/nosuchlink.svg"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stats(&app, &s).await["raw_clicks"],
        0,
        "rendering a QR code is not a click"
    );
}

#[actix_web::test]
async fn metrics_expose_the_writer_counters() {
    let app = app().await;
    let s = share(&app, "linkedin", "https://example.com/m").await;
    for ip in ["81.2.69.142", "89.160.20.128"] {
        visit(&app, s["slug"].as_str().unwrap(), Some(CHROME), ip).await;
    }
    app.clicks.settle().await;
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(
        text.lines().any(|l| l == "chorus_clicks_committed_total 2"),
        "{text}"
    );
    assert!(text.contains("chorus_clicks_spooled_total 0"), "{text}");
    assert!(text.contains("# EOF"));
}
