//! The dashboard (`/admin`) and the leaderboards page (`/admin/leaderboards`): every figure
//! they show equals what the API answers for the same period and filters, the CSV link
//! gives exactly the rows shown, bad filters are reported beside their field; and, in
//! headless Chromium, both pages on an empty database and after `chorus demo`, nothing
//! wider than the window at 1 366 and 390 px, screenshots saved.

use std::process::{Command, Stdio};

use chorus::config::RawSettings;
use chorus::domain::conversion::format_money;
use chorus::i18n::{format, Locale};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::browser_support::Browser;
use crate::common::{binary, page, TestApp};

const PASSWORD: &str = "correct horse battery";
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/// The KPI cards of the dashboard, by API name.
const CARDS: &[&str] = &[
    "clicks",
    "unique_clicks",
    "engagement_rate",
    "total_employee_reach",
    "impressions",
    "conversions",
    "conversion_rate",
    "revenue_cents",
    "earned_media_value_cents",
    "share_of_voice",
    "support_rate",
    "brand_attribute_recognition",
    "response_time_median_s",
];

const BOARDS: &[&str] = &[
    "top-shares",
    "popular-content",
    "most-shared-content",
    "engagement-shares",
    "employees-clicks",
    "employees-shares",
    "employees-posts",
    "employees-engagement",
    "employees-reach",
    "employees-conversions",
    "employees-revenue",
    "supporters",
];

/// A click on a short link from `ip`; the click id the redirect carries.
async fn click(app: &TestApp, slug: &str, ip: &str) -> String {
    let res = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", CHROME)
        .header("X-Forwarded-For", ip)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    location
        .query_pairs()
        .find(|(k, _)| k == "chorus_click")
        .map(|(_, v)| v.into_owned())
        .expect("click id")
}

/// Two teams, two networks, a campaign, clicks, engagement, followers, conversions (one
/// unattributed), brand mentions and support cases, all of today.
async fn world() -> TestApp {
    let app = TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1".into()),
        repeat_click_seconds: Some(0),
        emv_rates: Some("linkedin=12.00/2.50, x=6.50/0.80".into()),
        ..RawSettings::default()
    })
    .await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let id = |v: &Value| v["id"].as_i64().unwrap();
    let ana = id(&app
        .create_employee("ana@example.com", "Ana Kim", Some("Sales"))
        .await);
    let ben = id(&app
        .create_employee("ben@example.com", "Ben <b>Lee</b>", Some("Marketing"))
        .await);
    let campaign = id(&app.create_campaign(json!({"name": "Spring launch"})).await);
    let launch = app
        .create_content(json!({"title": "Launch & news", "url": "https://example.com/launch", "campaign_id": campaign}))
        .await;
    let blog = app
        .create_content(json!({"title": "Blog", "url": "https://example.com/blog"}))
        .await;
    let mut slugs = Vec::new();
    for (who, content, network) in [
        (ana, &launch, "linkedin"),
        (ana, &blog, "x"),
        (ben, &launch, "linkedin"),
    ] {
        let share = app.create_share(&json!(who), &content["id"], network).await;
        let res = app
            .post(
                &format!("/api/v1/shares/{}/metrics", share["id"]),
                &json!({"likes": 10 + who, "comments": 3, "reshares": 1, "impressions": 900 + who * 7}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        slugs.push(share["slug"].as_str().unwrap().to_string());
    }
    for (who, followers) in [(ana, 1234), (ben, 560)] {
        let res = app
            .post(
                &format!("/api/v1/employees/{who}/followers"),
                &json!({"network": "linkedin", "followers": followers}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let mut ids = Vec::new();
    for (i, slug) in [0, 0, 0, 1, 2, 2].iter().map(|i| &slugs[*i]).enumerate() {
        ids.push(click(&app, slug, &format!("81.2.69.{}", i + 1)).await);
    }
    for body in [
        json!({"click_id": ids[0], "kind": "sale", "value_cents": 12_345, "external_id": "s1"}),
        json!({"click_id": ids[4], "kind": "lead", "external_id": "l1"}),
        json!({"kind": "lead", "external_id": "l2"}),
    ] {
        let res = app.post("/api/v1/conversions", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{body}");
    }
    app.brands_acme_and_globex().await;
    let now = chrono::Utc::now().to_rfc3339();
    let mention = |brand: &str, author: &str, text: &str, sentiment: &str| {
        json!({"brand": brand, "channel": "linkedin", "author": author, "text": text,
               "sentiment": sentiment, "occurred_at": now})
    };
    let res = app
        .post_mentions(vec![
            mention("Acme", "ann", "Acme is reliable", "positive"),
            mention("Acme", "bob", "Acme was slow", "negative"),
            mention("Globex", "cy", "Globex is fine", "neutral"),
        ])
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let opened = (chrono::Utc::now() - chrono::Duration::minutes(50)).to_rfc3339();
    let answered = (chrono::Utc::now() - chrono::Duration::minutes(20)).to_rfc3339();
    let res = app
        .post(
            "/api/v1/support-cases",
            &json!({"channel": "x", "opened_at": opened, "first_response_at": answered}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app
}

/// The last 7 local days (UTC in tests): the page's custom dates and the API's period.
fn week() -> (String, String, String) {
    let today = chrono::Utc::now().date_naive();
    let first = today - chrono::Duration::days(6);
    let next = today + chrono::Duration::days(1);
    (first.to_string(), today.to_string(), next.to_string())
}

/// The text of the element with `id` (up to its first tag), entities of `&` undone.
fn text_of(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[start..];
    let open = rest.find('>')? + 1;
    let close = rest[open..].find('<')? + open;
    Some(
        rest[open..close]
            .replace("&#38;", "&")
            .replace("&#39;", "'")
            .trim()
            .to_string(),
    )
}

/// An API figure as the English page writes it.
fn shown(name: &str, value: &Value, currency: &str) -> String {
    if value.is_null() {
        return "No data".to_string();
    }
    let l = Locale::En;
    match name {
        "revenue_cents" | "earned_media_value_cents" => {
            format_money(value.as_i64().unwrap(), currency)
        }
        "response_time_median_s" => {
            chorus::domain::support::format_duration(value.as_f64().unwrap().round() as i64)
        }
        "engagement_rate"
        | "conversion_rate"
        | "share_of_voice"
        | "support_rate"
        | "brand_attribute_recognition" => format::percent(l, value.as_f64().unwrap()),
        _ => format::integer(l, value.as_i64().unwrap()),
    }
}

async fn api_json(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

/// Every card of the dashboard shows the API's figure for the same period and filters.
async fn assert_cards_match(app: &TestApp, browser: &reqwest::Client, filters: &str) {
    let (from, last, to) = week();
    let res = browser
        .get(app.url(&format!(
            "/admin?range=custom&from={from}&to={last}{filters}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{filters}");
    let html = res.text().await.unwrap();
    let api = api_json(app, &format!("/api/v1/kpis?from={from}&to={to}{filters}")).await;
    let currency = api["currency"].as_str().unwrap().to_string();
    for name in CARDS {
        let expected = shown(name, &api["totals"][name], &currency);
        let on_page = text_of(&html, &format!("kpi-{name}-value"))
            .unwrap_or_else(|| panic!("no card {name} on the page"));
        assert_eq!(
            on_page, expected,
            "{name} with {filters:?}: {}",
            api["totals"]
        );
    }
}

#[actix_web::test]
async fn the_dashboard_shows_the_apis_kpis_for_the_same_period_and_filters() {
    let app = world().await;
    let browser = app.login("boss@example.com", PASSWORD).await;
    // Unfiltered, by network, by team, by campaign (its id from the API).
    let campaign = api_json(&app, "/api/v1/campaigns").await["campaigns"][0]["id"].clone();
    for filters in [
        String::new(),
        "&network=linkedin".to_string(),
        "&team=Sales".to_string(),
        format!("&campaign_id={campaign}&network=linkedin"),
    ] {
        assert_cards_match(&app, &browser, &filters).await;
    }
    let (from, last, to) = week();
    let html = page(
        &browser,
        app.url(&format!("/admin?range=custom&from={from}&to={last}")),
    )
    .await;
    let api = api_json(&app, &format!("/api/v1/kpis?from={from}&to={to}")).await;
    // Real figures, not zeros: 6 verified clicks, a sale, a lead, an unattributed lead.
    assert_eq!(api["totals"]["clicks"], 6);
    assert_eq!(text_of(&html, "kpi-clicks-value").unwrap(), "6");
    assert_eq!(
        text_of(&html, "kpi-revenue_cents-value").unwrap(),
        "123.45 USD"
    );
    // EMV beside revenue, inside the same card.
    let revenue = html.find("id=\"kpi-revenue_cents\"").unwrap();
    let emv = html.find("id=\"kpi-earned_media_value_cents\"").unwrap();
    let next_card = html[revenue + 1..]
        .find("<article")
        .map(|i| i + revenue + 1);
    assert!(
        emv > revenue && next_card.is_none_or(|n| emv < n),
        "EMV in the revenue card"
    );
    // Each card's formula comes from the metric dictionary.
    let (_, formula) = chorus::i18n::metric_label(Locale::En, "conversion_rate").unwrap();
    assert!(html.contains(&formula), "{formula}");
    // The previous week had nothing: no comparison for ratios, "new" for counts.
    assert!(
        html.contains("No comparison") && html.contains(">new<"),
        "changes shown"
    );
    // The charts, accessible, with their numbers behind them (the newer charts are
    // checked in pages_dashboard_charts); the top boards.
    for chart in ["chart-clicks", "chart-funnel", "chart-networks"] {
        assert!(html.contains(&format!("aria-labelledby=\"{chart}-title {chart}-desc\"")));
    }
    assert_eq!(html.matches("<svg class=\"chart").count(), 9);
    assert!(!html.contains(" style="), "no inline style (CSP)");
    assert!(html.contains("Ben &#60;b&#62;Lee") && !html.contains("<b>Lee"));
    let top = api_json(
        &app,
        &format!("/api/v1/leaderboards/employees-clicks?from={from}&to={to}&limit=5"),
    )
    .await;
    let first = &top["rows"][0];
    assert!(html.contains(&format!(
        "<a href=\"/admin/employees/{}\">{}</a>",
        first["id"],
        first["label"].as_str().unwrap()
    )));

    // A day without any data: ratios read "No data", never 0 %.
    let html = page(
        &browser,
        app.url("/admin?range=custom&from=2020-01-01&to=2020-01-02"),
    )
    .await;
    for name in [
        "conversion_rate",
        "engagement_rate",
        "share_of_voice",
        "support_rate",
    ] {
        assert_eq!(
            text_of(&html, &format!("kpi-{name}-value")).unwrap(),
            "No data",
            "{name}"
        );
    }
    assert!(!html.contains(">0.0%<"));
}

/// The rows (ids, in order) of a board's card on the leaderboards page.
fn page_rows(html: &str, board: &str) -> Vec<i64> {
    let start = html
        .find(&format!("id=\"board-{board}\""))
        .unwrap_or_else(|| panic!("no board {board}"));
    let end = html[start..].find("</section>").unwrap() + start;
    html[start..end]
        .split("<tr data-id=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect()
}

fn csv_href(html: &str, board: &str) -> String {
    let start = html.find(&format!("id=\"board-{board}\"")).unwrap();
    let rest = &html[start..];
    let at =
        rest.find("class=\"small csv\" href=\"").unwrap() + "class=\"small csv\" href=\"".len();
    rest[at..at + rest[at..].find('"').unwrap()].replace("&#38;", "&")
}

#[actix_web::test]
async fn the_leaderboards_page_shows_the_apis_rows_and_its_csv_gives_them() {
    let app = world().await;
    let browser = app.login("boss@example.com", PASSWORD).await;
    let (from, last, to) = week();
    for (page_query, api_query) in [
        ("", ""),
        ("&network=linkedin", "&network=linkedin"),
        (
            "&count=unique&model=linear&revenue=influenced",
            "&unique=true&model=linear&revenue=influenced",
        ),
    ] {
        let res = browser
            .get(app.url(&format!(
                "/admin/leaderboards?range=custom&from={from}&to={last}{page_query}"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let html = res.text().await.unwrap();
        for board in BOARDS {
            let api = api_json(
                &app,
                &format!("/api/v1/leaderboards/{board}?from={from}&to={to}&limit=10{api_query}"),
            )
            .await;
            let expected: Vec<i64> = api["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect();
            assert_eq!(page_rows(&html, board), expected, "{board} {page_query}");
            // The CSV link: exactly the API's export of the same board and query.
            let href = csv_href(&html, board);
            let csv = browser.get(app.url(&href)).send().await.unwrap();
            assert_eq!(csv.status(), StatusCode::OK, "{href}");
            assert!(csv.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv"));
            let csv = csv.text().await.unwrap();
            let export = app
                .get(&format!(
                    "/api/v1/export/leaderboards/{board}.csv?from={from}&to={to}&limit=10{api_query}"
                ))
                .await
                .text()
                .await
                .unwrap();
            assert_eq!(csv, export, "{board} {page_query}");
            assert_eq!(csv.lines().count(), 1 + expected.len());
        }
    }
    let html = page(
        &browser,
        app.url(&format!(
            "/admin/leaderboards?range=custom&from={from}&to={last}"
        )),
    )
    .await;
    assert!(html.contains("/admin/shares/") && html.contains("/admin/content/"));
    assert!(!html.contains(" style="));

    // "Show more": one row, then a link to more that keeps the period.
    let html = page(
        &browser,
        app.url(&format!(
            "/admin/leaderboards?range=custom&from={from}&to={last}&show=employees-clicks&limit=1"
        )),
    )
    .await;
    assert_eq!(page_rows(&html, "employees-clicks").len(), 1);
    assert_eq!(
        page_rows(&html, "top-shares").len(),
        3,
        "other boards keep ten"
    );
    let start = html.find("id=\"board-employees-clicks\"").unwrap();
    let more = &html[start..];
    let more = &more[more.find("class=\"small more\" href=\"").unwrap()..];
    assert!(more.contains("limit=50") && more.contains(&format!("from={from}")));
    let href = csv_href(&html, "employees-clicks");
    let csv = browser
        .get(app.url(&href))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv.lines().count(),
        2,
        "the CSV has the one row shown: {csv}"
    );
    // On Korean pages people read the column names in Korean, and Excel needs the
    // byte-order mark to read the file as UTF-8; the rows are the same.
    let korean = browser
        .get(app.url(&href))
        .header("accept-language", "ko-KR,ko;q=0.9")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(korean.starts_with("\u{feff}".as_bytes()), "{korean:?}");
    let korean = String::from_utf8(korean[3..].to_vec()).unwrap();
    assert_eq!(korean.lines().next(), Some("순위,ID,이름,값"));
    assert_eq!(korean.lines().nth(1), csv.lines().nth(1));

    // The dashboard's CSV route needs the admin session.
    let res = app
        .client
        .get(app.url("/admin/leaderboards/top-shares.csv"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "to the login page");
    let res = browser
        .get(app.url("/admin/leaderboards/no-such-board.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn bad_filters_are_reported_beside_their_field() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = app.login("boss@example.com", PASSWORD).await;
    for path in ["/admin", "/admin/leaderboards"] {
        for (query, fields) in [
            (
                "range=custom&from=yesterday&to=2026-13-01",
                &["from", "to"][..],
            ),
            ("range=custom&from=2026-03-10&to=2026-03-01", &["to"][..]),
            ("range=custom&from=2000-01-01&to=2026-03-01", &["to"][..]),
            ("range=custom", &["from", "to"][..]),
            ("range=fortnight", &["range"][..]),
            (
                "network=myspace&team=Nobody&campaign_id=x",
                &["network", "team", "campaign"][..],
            ),
        ] {
            let res = browser
                .get(app.url(&format!("{path}?{query}")))
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}?{query}"
            );
            let html = res.text().await.unwrap();
            for field in fields {
                assert!(
                    html.contains(&format!("id=\"f-{field}-error\"")),
                    "{path}?{query}: {field}"
                );
            }
            assert!(html.contains("Correct the highlighted fields"));
            // What was typed is kept.
            if query.contains("yesterday") {
                assert!(html.contains("value=\"yesterday\""));
            }
        }
    }
    let res = browser
        .get(app.url("/admin/leaderboards/top-shares.csv?range=custom&from=x"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "a bad CSV query is no 500");
    // An empty database: the pages render with "No data" and empty boards.
    for path in ["/admin", "/admin/leaderboards"] {
        let res = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
}

/// Opens `path`, checks that nothing is wider than the window at 1 366 and 390 px, and
/// saves `target/screenshots/<name>-<width>.png`.
async fn screenshots(browser: &Browser, url: &str, name: &str) {
    browser.goto(url).await;
    browser.wait_for("document.readyState === 'complete'").await;
    for width in [1366u32, 390] {
        browser
            .client
            .set_window_size(width, 900)
            .await
            .expect("resize the window");
        let overflow = browser
            .js("return document.documentElement.scrollWidth - window.innerWidth;")
            .await;
        assert!(
            overflow.as_f64().unwrap() <= 0.0,
            "{name} at {width}px is {overflow}px wider than the window"
        );
        // Whole page: make the window as tall as the document.
        let height = browser
            .js("return document.documentElement.scrollHeight;")
            .await
            .as_u64()
            .unwrap_or(900)
            .clamp(600, 6000) as u32;
        browser
            .client
            .set_window_size(width, height + 120)
            .await
            .expect("resize the window");
        let png = browser.client.screenshot().await.expect("screenshot");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        std::fs::write(dir.join(format!("{name}-{width}.png")), &png).expect("write screenshot");
        assert!(png.len() > 1000);
    }
}

/// Signs the admin in through the login form.
async fn sign_in(browser: &Browser, app: &TestApp) {
    browser.goto(&app.url("/login")).await;
    browser
        .js(
            r#"document.getElementById("email").value = "boss@example.com";
               document.getElementById("password").value = "correct horse battery";
               return true;"#,
        )
        .await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for("location.pathname === '/admin'").await;
}

#[actix_web::test]
async fn the_dashboard_and_leaderboards_fit_the_window_empty_and_after_the_demo() {
    let empty = TestApp::spawn().await;
    empty.create_user("boss@example.com", "admin", PASSWORD);
    // The demo loads only into a database without data: its own app, admin made after.
    let mut demo = TestApp::spawn().await;
    let out = Command::new(binary())
        .args(["demo", "--today", "2026-03-01"])
        .current_dir(demo.dir.path())
        .env("CHORUS_DATABASE_URL", &demo.database_url)
        .stdin(Stdio::null())
        .output()
        .expect("run chorus demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    demo.restart().await;
    demo.create_user("boss@example.com", "admin", PASSWORD);

    let browser = Browser::start().await;
    sign_in(&browser, &empty).await;
    screenshots(&browser, &empty.url("/admin"), "dashboard-empty").await;
    let text = browser.js("return document.body.innerText").await;
    assert!(text.as_str().unwrap_or_default().contains("No data"));
    screenshots(
        &browser,
        &empty.url("/admin/leaderboards"),
        "leaderboards-empty",
    )
    .await;
    browser.close().await;

    let browser = Browser::start().await;
    sign_in(&browser, &demo).await;
    let query = "range=custom&from=2026-01-31&to=2026-03-01";
    screenshots(
        &browser,
        &demo.url(&format!("/admin?{query}")),
        "dashboard-demo",
    )
    .await;
    let text = browser.js("return document.body.innerText").await;
    let text = text.as_str().unwrap_or_default();
    assert!(
        !text.contains("No data"),
        "the demo fills every card: {text}"
    );
    screenshots(
        &browser,
        &demo.url(&format!("/admin/leaderboards?{query}")),
        "leaderboards-demo",
    )
    .await;
    let rows = browser
        .js("return document.querySelectorAll('table.board tbody tr').length")
        .await;
    assert!(
        rows.as_u64().unwrap() >= 12 * 5,
        "every board has rows: {rows}"
    );
    browser.close().await;
}
