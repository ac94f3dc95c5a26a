//! The dashboard's charts beyond the KPI cards: human clicks by network, country, device
//! and referrer host, share of voice by brand and by channel, and mentions by brand and
//! sentiment. Every number in each chart's table equals what the API answers for the same
//! period and filters (`/api/v1/breakdowns/{dimension}`, `/api/v1/kpis` and its
//! `brand=NAME` view), on clicks sent through the real redirect (GeoIP, user agents,
//! referrers) and mentions posted through the API.

use chorus::config::RawSettings;
use chorus::i18n::{format, Locale};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::TestApp;

const PASSWORD: &str = "correct horse battery";
const GEOIP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/geoip/GeoIP2-City-Test.mmdb"
);
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";
const IPAD_SAFARI: &str = "Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";

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

/// Two employees on two networks with clicks from four countries (one unknown), three
/// device classes and three referrer hosts (one none); the own brand Acme and the
/// competitor Globex mentioned on two channels with every sentiment.
async fn world() -> TestApp {
    let app = TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        geoip_path: Some(GEOIP.into()),
        repeat_click_seconds: Some(0),
        ..RawSettings::default()
    })
    .await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let ana = app
        .create_employee("ana@example.com", "Ana", Some("Sales"))
        .await;
    let ben = app
        .create_employee("ben@example.com", "Ben", Some("Engineering"))
        .await;
    let content = app
        .create_content(json!({"title": "Launch", "url": "https://example.com/launch"}))
        .await;
    let li = app
        .create_share(&ana["id"], &content["id"], "linkedin")
        .await;
    let x = app.create_share(&ben["id"], &content["id"], "x").await;
    let (li, x) = (li["slug"].as_str().unwrap(), x["slug"].as_str().unwrap());
    for (slug, agent, ip, referer) in [
        (
            li,
            CHROME,
            "81.2.69.142",
            Some("https://www.linkedin.com/feed/"),
        ),
        (
            li,
            ANDROID_CHROME,
            "81.2.69.143",
            Some("https://lnkd.in/e7Xq"),
        ),
        (li, IPAD_SAFARI, "89.160.20.128", None),
        (x, CHROME, "216.160.83.56", Some("https://t.co/abc")),
        (x, ANDROID_CHROME, "81.2.69.144", Some("https://t.co/def")),
        (x, CHROME, "198.51.100.20", Some("https://t.co/ghi")),
    ] {
        visit(&app, slug, agent, ip, referer).await;
    }
    app.brands_acme_and_globex().await;
    let now = chrono::Utc::now().to_rfc3339();
    let mention = |brand: &str, channel: &str, author: &str, sentiment: &str, n: usize| {
        json!({"brand": brand, "channel": channel, "author": author, "text": format!("{brand} #{n}"),
               "sentiment": sentiment, "occurred_at": now, "external_id": format!("m{n}")})
    };
    let res = app
        .post_mentions(vec![
            mention("Acme", "x", "ann", "positive", 1),
            mention("Acme", "x", "bob", "positive", 2),
            mention("Acme", "x", "cy", "negative", 3),
            mention("Acme", "reddit", "dee", "neutral", 4),
            mention("Globex", "x", "eve", "neutral", 5),
            mention("Globex", "reddit", "fay", "negative", 6),
            mention("Globex", "reddit", "gus", "positive", 7),
        ])
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app
}

/// The last 7 local days (UTC in tests): the page's dates and the API's `to` (exclusive).
fn week() -> (String, String, String) {
    let today = chrono::Utc::now().date_naive();
    let first = today - chrono::Duration::days(6);
    let next = today + chrono::Duration::days(1);
    (first.to_string(), today.to_string(), next.to_string())
}

async fn api_json(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

/// The rows of a chart's table (`id="{chart}-table"`): each row's cells as text.
fn table(html: &str, chart: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("id=\"{chart}-table\""))
        .unwrap_or_else(|| panic!("no table of {chart}"));
    let end = html[start..].find("</table>").unwrap() + start;
    html[start..end]
        .split("<tr>")
        .skip(1)
        .filter(|row| row.starts_with("<td"))
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let open = cell.find('>').unwrap() + 1;
                    let close = cell.find("</td>").unwrap();
                    cell[open..close].replace("&#38;", "&").trim().to_string()
                })
                .collect()
        })
        .collect()
}

fn int(v: &Value) -> String {
    format::integer(Locale::En, v.as_i64().unwrap())
}

fn pct(v: &Value) -> String {
    match v.as_f64() {
        Some(x) => format::percent(Locale::En, x),
        None => "No data".to_string(),
    }
}

/// Every breakdown chart shows the API's rows for the same period and filters.
async fn assert_breakdowns_match(app: &TestApp, html: &str, filters: &str) {
    let (from, _, to) = week();
    for (chart, dimension, limit) in [
        ("chart-networks", "network", 10),
        ("chart-countries", "country", 10),
        ("chart-devices", "device", 10),
        ("chart-referrers", "referrer", 10),
    ] {
        let api = api_json(
            app,
            &format!("/api/v1/breakdowns/{dimension}?from={from}&to={to}&limit={limit}{filters}"),
        )
        .await;
        let rows = table(html, chart);
        let expected: Vec<(Option<String>, String, String)> = api["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["value"].as_str().map(str::to_string),
                    int(&r["clicks"]),
                    pct(&r["share"]),
                )
            })
            .collect();
        assert!(!expected.is_empty(), "{dimension} {filters}: {api}");
        assert_eq!(
            rows.len(),
            expected.len(),
            "{dimension} {filters}: {rows:?}"
        );
        for (row, (value, clicks, share)) in rows.iter().zip(&expected) {
            assert_eq!(&row[1..], &[clicks.clone(), share.clone()], "{dimension}");
            match (dimension, value) {
                (_, None) => assert_eq!(row[0], "Unknown"),
                // The page names networks in words.
                ("network", Some(v)) => assert_eq!(
                    row[0],
                    chorus::domain::network::Network::parse(v)
                        .unwrap()
                        .display_name(),
                    "{dimension}"
                ),
                (_, Some(v)) => assert_eq!(&row[0], v, "{dimension}"),
            }
        }
    }
}

#[actix_web::test]
async fn the_dashboards_charts_show_the_apis_figures_for_the_same_period_and_filters() {
    let app = world().await;
    let browser = app.login("boss@example.com", PASSWORD).await;
    let (from, last, to) = week();
    for filters in ["", "&network=linkedin", "&team=Engineering"] {
        let res = browser
            .get(app.url(&format!(
                "/admin?range=custom&from={from}&to={last}{filters}"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let html = res.text().await.unwrap();
        assert_breakdowns_match(&app, &html, filters).await;

        // Share of voice by brand: `by_brand`, each equal to `/kpis?brand=NAME`.
        let kpis = api_json(&app, &format!("/api/v1/kpis?from={from}&to={to}{filters}")).await;
        let brands = kpis["by_brand"].as_array().unwrap();
        assert_eq!(brands.len(), 2, "{kpis}");
        let rows = table(&html, "chart-sov-brands");
        assert_eq!(rows.len(), 2);
        for (row, b) in rows.iter().zip(brands) {
            let name = b["brand"].as_str().unwrap();
            let seen = api_json(
                &app,
                &format!("/api/v1/kpis?from={from}&to={to}&brand={name}{filters}"),
            )
            .await;
            assert_eq!(
                seen["totals"]["share_of_voice"], b["share_of_voice"],
                "{name}"
            );
            let label = if b["own"] == true {
                format!("{name} (own)")
            } else {
                name.to_string()
            };
            assert_eq!(
                row,
                &vec![label, int(&b["mentions"]), pct(&b["share_of_voice"])]
            );
        }
        // The own brand's share equals its KPI card's figure.
        assert_eq!(
            brands[0]["share_of_voice"],
            kpis["totals"]["share_of_voice"]
        );

        // Share of voice by channel: `by_channel`.
        let channels = kpis["by_channel"].as_array().unwrap();
        let rows = table(&html, "chart-sov-channels");
        assert_eq!(rows.len(), channels.len());
        assert_eq!(channels.len(), 2);
        for (row, c) in rows.iter().zip(channels) {
            assert_eq!(
                row,
                &vec![
                    c["channel"].as_str().unwrap().to_string(),
                    int(&c["own_mentions"]),
                    int(&c["all_mentions"]),
                    pct(&c["share_of_voice"]),
                ]
            );
        }

        // Mentions by brand and sentiment.
        let rows = table(&html, "chart-sentiment");
        assert_eq!(rows.len(), 2);
        for (row, b) in rows.iter().zip(brands) {
            assert_eq!(
                &row[1..],
                &[
                    int(&b["mentions"]),
                    int(&b["positive"]),
                    int(&b["neutral"]),
                    int(&b["negative"]),
                ]
            );
        }
    }

    // Real figures, not zeros: Acme 4 of 7 mentions (2 positive, 1 neutral, 1
    // negative), Globex 3; on x Acme has 3 of 4.
    let kpis = api_json(&app, &format!("/api/v1/kpis?from={from}&to={to}")).await;
    let acme = &kpis["by_brand"][0];
    assert_eq!(
        (
            acme["brand"].as_str(),
            acme["own"].as_bool(),
            acme["mentions"].as_i64(),
            acme["positive"].as_i64(),
            acme["neutral"].as_i64(),
            acme["negative"].as_i64()
        ),
        (Some("Acme"), Some(true), Some(4), Some(2), Some(1), Some(1))
    );
    assert!((acme["share_of_voice"].as_f64().unwrap() - 4.0 / 7.0).abs() < 1e-9);
    let x = kpis["by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "x")
        .unwrap();
    assert!((x["share_of_voice"].as_f64().unwrap() - 0.75).abs() < 1e-9);
    let clicks = api_json(
        &app,
        &format!("/api/v1/breakdowns/country?from={from}&to={to}"),
    )
    .await;
    assert_eq!(clicks["total"], 6, "{clicks}");

    // Every chart is an accessible image with its numbers behind it; no inline style.
    let html = crate::common::page(
        &browser,
        app.url(&format!("/admin?range=custom&from={from}&to={last}")),
    )
    .await;
    for chart in [
        "chart-countries",
        "chart-devices",
        "chart-referrers",
        "chart-sov-brands",
        "chart-sov-channels",
        "chart-sentiment",
    ] {
        assert!(
            html.contains(&format!("aria-labelledby=\"{chart}-title {chart}-desc\"")),
            "{chart}"
        );
    }
    assert!(!html.contains(" style="), "no inline style (CSP)");
    // Each stacked cell names its column for phones.
    assert!(html.contains("data-label=\"Positive\""));

    // An empty period: no bars, "No data" for shares, never 0 %.
    let html = crate::common::page(
        &browser,
        app.url("/admin?range=custom&from=2020-01-01&to=2020-01-02"),
    )
    .await;
    let rows = table(&html, "chart-sov-brands");
    assert_eq!(rows.len(), 2, "every brand is listed");
    assert!(
        rows.iter().all(|r| r[1] == "0" && r[2] == "No data"),
        "{rows:?}"
    );
    assert!(table(&html, "chart-countries").is_empty());
}

/// A day of many mentions about an outage stands out in `awareness`: the API's outlier
/// lists the words those mentions use most, brand names and stop words left out.
#[actix_web::test]
async fn a_trends_outlier_lists_the_keywords_of_its_mentions() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    let day = |d: u32| format!("2026-02-{d:02}T12:00:00Z");
    let mut items = Vec::new();
    for d in 1..=9u32 {
        items.push(
            json!({"brand": "Acme", "channel": "x", "author": format!("a{d}"),
            "text": format!("Acme pricing update number {d}"), "occurred_at": day(d),
            "external_id": format!("calm{d}")}),
        );
    }
    for n in 0..8 {
        let text = if n % 2 == 0 {
            "Acme checkout outage again, the checkout is down"
        } else {
            "아크미 결제 장애 outage 정말 너무 길어요"
        };
        items.push(
            json!({"brand": "Acme", "channel": "x", "author": format!("b{n}"),
            "text": text, "occurred_at": day(10), "external_id": format!("storm{n}")}),
        );
    }
    let res = app.post_mentions(items).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let trend = api_json(
        &app,
        "/api/v1/trends?from=2026-02-01&to=2026-02-11&interval=day&kpi=awareness&window=7",
    )
    .await;
    let outliers = trend["outliers"].as_array().unwrap();
    assert_eq!(outliers.len(), 1, "{trend}");
    let o = &outliers[0];
    assert_eq!(
        (o["period_start"].as_str(), o["direction"].as_str()),
        (Some("2026-02-10"), Some("spike"))
    );
    let keywords: Vec<(&str, i64)> = o["keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["keyword"].as_str().unwrap(),
                k["mentions"].as_i64().unwrap(),
            )
        })
        .collect();
    // Every mention says "outage"; half "checkout" (twice in one counts once), half
    // "결제" and "장애"; "Acme", "아크미", "the", "정말" never.
    assert_eq!(
        &keywords[..4],
        &[("outage", 8), ("again", 4), ("checkout", 4), ("down", 4)],
        "{o}"
    );
    assert_eq!(keywords.len(), 5);
    for gone in ["acme", "아크미", "the", "is", "정말", "너무"] {
        assert!(keywords.iter().all(|(k, _)| *k != gone), "{gone}");
    }
}

/// The dashboard's trend card lists each outlier's keywords as `/api/v1/trends` does for
/// the same period (the demo company, whose campaign launches and scanner burst stand out).
#[actix_web::test]
async fn the_dashboards_outliers_show_the_apis_keywords() {
    use std::process::{Command, Stdio};
    let mut app = TestApp::spawn().await;
    let today = chrono::Utc::now().date_naive();
    let out = Command::new(crate::common::binary())
        .args(["demo", "--today", &today.to_string()])
        .current_dir(app.dir.path())
        .env("CHORUS_DATABASE_URL", &app.database_url)
        .stdin(Stdio::null())
        .output()
        .expect("chorus demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.restart().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = app.login("boss@example.com", PASSWORD).await;
    let first = today - chrono::Duration::days(59);
    let next = today + chrono::Duration::days(1);
    let trend_path =
        format!("/api/v1/trends?from={first}&to={next}&interval=day&kpi=clicks&lags=7&window=7");
    // Mentions on each day that stood out (clicks decide which, not mentions), so that
    // every outlier has words to list.
    let before = api_json(&app, &trend_path).await;
    let days: Vec<String> = before["outliers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["period_start"].as_str().unwrap().to_string())
        .collect();
    assert!(!days.is_empty(), "{before}");
    let brand = api_json(&app, "/api/v1/brands").await["brands"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let items: Vec<Value> = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            json!({"brand": brand, "channel": "x", "author": format!("w{i}"),
                   "text": "Checkout outage: the checkout page is down",
                   "occurred_at": format!("{day}T12:00:00Z"), "external_id": format!("spike{i}")})
        })
        .collect();
    let res = app.post_mentions(items).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let html = crate::common::page(
        &browser,
        app.url(&format!("/admin?range=custom&from={first}&to={today}")),
    )
    .await
    .replace("&#39;", "'")
    .replace("&#38;", "&");
    let trend = api_json(&app, &trend_path).await;
    let outliers = trend["outliers"].as_array().unwrap();
    assert!(!outliers.is_empty(), "{trend}");
    let mut with_keywords = 0;
    for o in outliers {
        let words: Vec<&str> = o["keywords"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["keyword"].as_str().unwrap())
            .collect();
        if words.is_empty() {
            continue;
        }
        with_keywords += 1;
        let line = format!("Most used words: {}", words.join(", "));
        assert!(html.contains(&line), "{line}");
    }
    assert_eq!(with_keywords, outliers.len(), "{trend}");
    assert_eq!(
        html.matches("class=\"muted small trend-keywords\"").count(),
        with_keywords
    );
}
