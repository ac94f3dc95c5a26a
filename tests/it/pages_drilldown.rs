//! The share drill-down (`/admin/shares/{id}`) and the unattributed reasons: the page's
//! figures equal the API's for the same share and period (`GET /api/v1/shares/{id}`,
//! `GET /api/v1/breakdowns/{dimension}?share_id=`), every reason a conversion is left
//! unattributed is stored (API JSON) and shown (conversions page, share page), rows
//! recorded before the reason existed read "not recorded", and a bad period is reported
//! beside its field.

use chorus::config::RawSettings;
use chorus::i18n::{format, Locale};
use diesel::connection::SimpleConnection;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{page, TestApp};

const PASSWORD: &str = "correct horse battery";
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const LINKEDIN_BOT: &str =
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)";
const SLACK: &str = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";

/// A click on `slug` with this client, agent, address and referrer; its click id.
async fn click(
    app: &TestApp,
    client: &reqwest::Client,
    slug: &str,
    ua: &str,
    ip: &str,
    referer: Option<&str>,
) -> String {
    let mut req = client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", ua)
        .header("X-Forwarded-For", ip);
    if let Some(r) = referer {
        req = req.header("Referer", r);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    location
        .query_pairs()
        .find(|(k, _)| k == "chorus_click")
        .map(|(_, v)| v.into_owned())
        .expect("click id")
}

async fn convert(app: &TestApp, body: Value) -> Value {
    let res = app.post("/api/v1/conversions", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{body}");
    res.json().await.unwrap()
}

/// The text inside the element whose `id` is given (up to its first tag).
fn text_of<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in page"));
    let rest = &html[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find('<').unwrap();
    rest[open..open + close].trim()
}

/// The HTML of the element with `id` up to the next `</section>`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in page"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

/// The `<tr data-conversion="id">` row of a page.
fn conversion_row(html: &str, id: i64) -> &str {
    let start = html
        .find(&format!("data-conversion=\"{id}\""))
        .unwrap_or_else(|| panic!("no row of conversion {id}"));
    let end = html[start..].find("</tr>").unwrap() + start;
    &html[start..end]
}

struct World {
    app: TestApp,
    admin: reqwest::Client,
    share_id: i64,
    other_share_id: i64,
    /// Conversion id → the reason the API gave (None: attributed).
    conversions: Vec<(i64, Option<String>)>,
}

/// A sharer with two shares; human clicks from several referrers, a bot, a link preview
/// and the sharer's own click; a conversion for each way of (not) being attributed.
async fn world() -> World {
    let app = TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        repeat_click_seconds: Some(0),
        attribution_window_days: Some(1),
        ..RawSettings::default()
    })
    .await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let sharer = app.create_user("sharer@example.com", "employee", PASSWORD);
    let content = app
        .create_content(json!({"title": "Launch & news", "url": "https://example.com/launch"}))
        .await;
    let share = app
        .create_share(&json!(sharer), &content["id"], "linkedin")
        .await;
    let other = app.create_share(&json!(sharer), &content["id"], "x").await;
    let slug = share["slug"].as_str().unwrap().to_string();
    let res = app
        .post(
            &format!("/api/v1/shares/{}/metrics", share["id"]),
            &json!({"likes": 12, "comments": 3, "reshares": 2, "impressions": 4200}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let anon = crate::common::client();
    let mut human = Vec::new();
    for (i, referer) in [
        Some("https://www.linkedin.com/feed/"),
        Some("https://www.linkedin.com/feed/"),
        Some("https://news.example.org/a"),
        None,
    ]
    .into_iter()
    .enumerate()
    {
        human.push(
            click(
                &app,
                &anon,
                &slug,
                CHROME,
                &format!("81.2.69.{}", 140 + i),
                referer,
            )
            .await,
        );
    }
    click(
        &app,
        &anon,
        other["slug"].as_str().unwrap(),
        CHROME,
        "89.160.20.128",
        None,
    )
    .await;
    let bot = click(&app, &anon, &slug, LINKEDIN_BOT, "108.174.2.200", None).await;
    let preview = click(&app, &anon, &slug, SLACK, "54.1.1.1", None).await;
    let own_browser = app.login("sharer@example.com", PASSWORD).await;
    let own = click(&app, &own_browser, &slug, CHROME, "81.2.69.200", None).await;

    let later = (chrono::Utc::now() + chrono::Duration::days(3))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let cases: Vec<(Value, Option<&str>)> = vec![
        (
            json!({"click_id": human[0], "kind": "sale", "value_cents": 12500, "currency": "EUR"}),
            None,
        ),
        (
            json!({"click_id": bot, "kind": "lead"}),
            Some("not_creditable"),
        ),
        (
            json!({"click_id": preview, "kind": "lead"}),
            Some("not_creditable"),
        ),
        (
            json!({"click_id": own, "kind": "lead"}),
            Some("not_creditable"),
        ),
        (
            json!({"click_id": "no-such-click", "kind": "lead"}),
            Some("unknown_click"),
        ),
        (json!({"kind": "lead"}), Some("no_click_id")),
        (
            json!({"kind": "signup", "customer_id": "c-1"}),
            Some("new_customer"),
        ),
        (
            json!({"kind": "sale", "customer_id": "c-1", "value_cents": 100}),
            Some("customer_not_acquired"),
        ),
        (
            json!({"click_id": human[1], "kind": "lead", "occurred_at": later}),
            Some("outside_window"),
        ),
    ];
    let mut conversions = Vec::new();
    for (body, reason) in cases {
        let c = convert(&app, body.clone()).await;
        assert_eq!(c["attributed"], reason.is_none(), "{body}: {c}");
        assert_eq!(
            c["unattributed_reason"].as_str(),
            reason,
            "the API says why: {body}"
        );
        conversions.push((c["id"].as_i64().unwrap(), reason.map(str::to_string)));
    }
    let admin = app.login("boss@example.com", PASSWORD).await;
    World {
        share_id: share["id"].as_i64().unwrap(),
        other_share_id: other["id"].as_i64().unwrap(),
        app,
        admin,
        conversions,
    }
}

fn reason_text(reason: Option<&str>) -> &'static str {
    match reason {
        Some("no_click_id") => "no click id",
        Some("new_customer") => "customer seen for the first time",
        Some("customer_not_acquired") => "customer not acquired through a share",
        Some("unknown_click") => "unknown click id",
        Some("not_creditable") => "bot, preview or self-click",
        Some("outside_window") => "click outside the attribution window",
        _ => "reason not recorded",
    }
}

#[actix_web::test]
async fn every_unattributed_reason_is_stored_and_shown() {
    let w = world().await;
    // The API's list and detail carry the same reason.
    let listed: Value = w
        .app
        .get("/api/v1/conversions?limit=100")
        .await
        .json()
        .await
        .unwrap();
    for (id, reason) in &w.conversions {
        let row = listed["conversions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == *id)
            .expect("listed");
        assert_eq!(row["unattributed_reason"].as_str(), reason.as_deref());
        let detail: Value = w
            .app
            .get(&format!("/api/v1/conversions/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(detail["unattributed_reason"].as_str(), reason.as_deref());
    }

    // The conversions page: the reason translated, and share, content and network.
    let html = page(&w.admin, w.app.url("/admin/conversions")).await;
    for (id, reason) in &w.conversions {
        let row = conversion_row(&html, *id);
        match reason {
            None => {
                assert!(!row.contains("class=\"small muted reason\""), "{row}");
                assert!(
                    row.contains(&format!("href=\"/admin/shares/{}\"", w.share_id)),
                    "{row}"
                );
                assert!(row.contains("Launch &#38; news"), "{row}");
                assert!(row.contains("LinkedIn"), "{row}");
            }
            Some(r) => assert!(row.contains(reason_text(Some(r))), "{r}: {row}"),
        }
    }
    // In Korean too.
    let ko = w
        .admin
        .get(w.app.url("/admin/conversions"))
        .header("Accept-Language", "ko")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (bot_id, _) = w.conversions[1];
    assert!(
        conversion_row(&ko, bot_id).contains("봇, 미리보기 또는 본인 클릭"),
        "{}",
        conversion_row(&ko, bot_id)
    );

    // The share page lists the conversions that came with its clicks, with the reason;
    // the one outside the window happened after today, outside the period.
    let html = page(
        &w.admin,
        w.app.url(&format!("/admin/shares/{}", w.share_id)),
    )
    .await;
    let on_share = section(&html, "share-conversions");
    for (id, reason) in &w.conversions[..4] {
        let row = conversion_row(on_share, *id);
        assert!(
            row.contains(reason_text(reason.as_deref())) || reason.is_none(),
            "{row}"
        );
    }
    for (id, _) in &w.conversions[4..] {
        assert!(
            !on_share.contains(&format!("data-conversion=\"{id}\"")),
            "conversion {id} has nothing to do with this share"
        );
    }

    // Rows recorded before the column existed: NULL, read as "not recorded".
    let (down, up) = crate::common::migration_sql("_unattributed_reason");
    let db = w.app.db();
    db.run_sync(|conn| {
        conn.batch_execute(&down)?;
        conn.batch_execute(&up)?;
        Ok(())
    })
    .unwrap();
    let mut app = w.app;
    app.restart().await;
    let admin = app.login("boss@example.com", PASSWORD).await;
    let (id, _) = w.conversions[4];
    let c: Value = app
        .get(&format!("/api/v1/conversions/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["attributed"], false);
    assert_eq!(c["unattributed_reason"], Value::Null);
    let html = page(&admin, app.url("/admin/conversions")).await;
    assert!(conversion_row(&html, id).contains("reason not recorded"));
}

#[actix_web::test]
async fn the_share_page_shows_what_the_api_answers() {
    let w = world().await;
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today - chrono::Duration::days(6), today);
    let html = page(
        &w.admin,
        w.app.url(&format!(
            "/admin/shares/{}?range=custom&from={from}&to={to}",
            w.share_id
        )),
    )
    .await;
    let int = |n: &Value| format::integer(Locale::En, n.as_i64().unwrap());

    // The share itself, its whole short link.
    let share: Value = w
        .app
        .get(&format!("/api/v1/shares/{}", w.share_id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        text_of(&html, "share-short-url"),
        share["short_url"].as_str().unwrap()
    );
    assert!(text_of(&html, "share-network").starts_with("LinkedIn"));
    assert!(section(&html, "share-facts").contains("Launch &#38; news"));

    // All-time figures: the API's stats.
    let stats = &share["stats"];
    for (id, key) in [
        ("clicks", "clicks"),
        ("unique-clicks", "unique_clicks"),
        ("raw-clicks", "raw_clicks"),
        ("bot-clicks", "bot_clicks"),
        ("preview-clicks", "preview_clicks"),
        ("engagement", "engagement"),
        ("impressions", "impressions"),
        ("conversions", "conversions"),
    ] {
        let value = text_of(&html, &format!("stat-{id}-value"));
        assert_eq!(value, int(&stats[key]), "{id}");
    }
    assert_eq!(stats["clicks"], 4);
    assert_eq!(
        stats["bot_clicks"].as_i64().unwrap() + stats["preview_clicks"].as_i64().unwrap(),
        2,
        "the crawler and the preview fetcher: {stats}"
    );

    // Clicks by country, device and referrer: the API's breakdowns with the share filter.
    let period = format!("from={from}&to={}", to + chrono::Duration::days(1));
    for dimension in ["country", "device", "referrer"] {
        let api: Value = w
            .app
            .get(&format!(
                "/api/v1/breakdowns/{dimension}?{period}&share_id={}&limit=50",
                w.share_id
            ))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(api["total"], 4, "{dimension}: {api}");
        let card = section(&html, &format!("split-{dimension}"));
        assert!(
            card.contains(&format!("({} in all)", int(&api["total"]))),
            "{card}"
        );
        for row in api["rows"].as_array().unwrap() {
            let value = row["value"].as_str().unwrap_or("Unknown");
            assert!(
                card.contains(&format!(
                    "<td>{value}</td><td class=\"num\" data-label=\"Human clicks\">{}</td>",
                    int(&row["clicks"])
                )),
                "{dimension} {row} in {card}"
            );
        }
    }
    let referrers: Value = w
        .app
        .get(&format!(
            "/api/v1/breakdowns/referrer?{period}&share_id={}",
            w.share_id
        ))
        .await
        .json()
        .await
        .unwrap();
    let clicks_from = |host: &str| {
        referrers["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["value"] == host)
            .map(|r| r["clicks"].clone())
    };
    assert_eq!(clicks_from("linkedin.com"), Some(json!(2)), "{referrers}");

    // The chart: its table sums to the period's clicks, today's row included.
    let chart = section(&html, "chart-share-clicks-card");
    assert!(chart.contains("<svg"), "a server-side chart");
    assert!(chart.contains("4 human clicks in the period."), "{chart}");
    // Snapshots: the one reported.
    let snaps = section(&html, "share-snapshots");
    assert!(snaps.contains("4,200") && snaps.contains(">17<"), "{snaps}");
}

#[actix_web::test]
async fn the_share_filter_narrows_breakdowns_and_leaves_the_rest_as_before() {
    let w = world().await;
    let get = |q: String| {
        let app = &w.app;
        async move {
            let res = app.get(&q).await;
            let status = res.status();
            (status, res.json::<Value>().await.unwrap())
        }
    };
    for dimension in ["network", "country", "device", "browser", "referrer"] {
        let (s, all) = get(format!("/api/v1/breakdowns/{dimension}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(all["total"], 5, "both shares without the filter");
        let (_, one) = get(format!(
            "/api/v1/breakdowns/{dimension}?share_id={}",
            w.share_id
        ))
        .await;
        let (_, other) = get(format!(
            "/api/v1/breakdowns/{dimension}?share_id={}",
            w.other_share_id
        ))
        .await;
        assert_eq!(
            (one["total"].clone(), other["total"].clone()),
            (json!(4), json!(1))
        );
    }
    let (_, net) = get(format!(
        "/api/v1/breakdowns/network?share_id={}",
        w.share_id
    ))
    .await;
    assert_eq!(
        net["rows"],
        json!([{"value": "linkedin", "clicks": 4, "share": 1.0}])
    );
    // An unknown share is a 404, a malformed id a 400, both as JSON errors.
    let res = w
        .app
        .get("/api/v1/breakdowns/country?share_id=999999")
        .await;
    assert_eq!(
        crate::common::error_code(res, StatusCode::NOT_FOUND).await,
        "not_found"
    );
    let res = w.app.get("/api/v1/breakdowns/country?share_id=abc").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"]["code"].is_string(), "{body}");
    // An unknown share page is a 404 page.
    let res = w
        .admin
        .get(w.app.url("/admin/shares/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_bad_period_is_reported_beside_its_field() {
    let w = world().await;
    let url = |q: &str| w.app.url(&format!("/admin/shares/{}?{q}", w.share_id));
    let cases = [
        ("range=fortnight", "f-range-error"),
        ("range=custom&from=2026-13-01&to=2026-03-01", "f-from-error"),
        ("range=custom&from=2026-03-01&to=", "f-to-error"),
    ];
    for (q, field) in cases {
        let res = w.admin.get(url(q)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        let html = res.text().await.unwrap();
        assert!(html.contains(&format!("id=\"{field}\"")), "{q}: no {field}");
        assert!(
            !html.contains("id=\"split-country\""),
            "{q}: no figures for a bad period"
        );
        // The share is still named.
        assert!(html.contains("id=\"share-short-url\""));
    }
    // What was typed is kept.
    let html = page(&w.admin, url("range=custom&from=2026-13-01&to=2026-03-01")).await;
    assert!(html.contains("value=\"2026-13-01\""));
    // From after to.
    let res = w
        .admin
        .get(url("range=custom&from=2026-03-05&to=2026-03-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Employees may not see it.
    let sharer = w.app.login("sharer@example.com", PASSWORD).await;
    let res = sharer
        .get(w.app.url(&format!("/admin/shares/{}", w.share_id)))
        .send()
        .await
        .unwrap();
    assert!(
        matches!(res.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        res.status()
    );
}

/// Opens `url`, checks that nothing is wider than the window at 1 366 and 390 px, and
/// saves `target/screenshots/<name>-<width>.png` (the whole page).
pub(crate) async fn screenshots(browser: &crate::browser_support::Browser, url: &str, name: &str) {
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

#[actix_web::test]
async fn the_share_page_fits_the_window() {
    let w = world().await;
    let browser = crate::browser_support::Browser::start().await;
    browser.goto(&w.app.url("/login")).await;
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
    screenshots(
        &browser,
        &w.app.url(&format!("/admin/shares/{}", w.share_id)),
        "share",
    )
    .await;
    let text = browser.js("return document.body.innerText").await;
    assert!(
        text.as_str()
            .unwrap_or_default()
            .contains("bot, preview or self-click"),
        "the reason is on the page"
    );
    screenshots(&browser, &w.app.url("/admin/conversions"), "conversions").await;
    browser.close().await;
}

#[actix_web::test]
async fn the_employee_page_shows_their_boards_shares_and_conversions_as_the_api() {
    let w = world().await;
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Duration::days(6);
    let to = today + chrono::Duration::days(1);
    let share: Value = w
        .app
        .get(&format!("/api/v1/shares/{}", w.share_id))
        .await
        .json()
        .await
        .unwrap();
    let employee = share["employee_id"].as_i64().unwrap();
    // The edit page links to it.
    let edit = page(&w.admin, w.app.url(&format!("/admin/employees/{employee}"))).await;
    assert!(edit.contains(&format!("href=\"/admin/employees/{employee}/stats\"")));
    let html = page(
        &w.admin,
        w.app.url(&format!(
            "/admin/employees/{employee}/stats?range=custom&from={from}&to={today}"
        )),
    )
    .await;
    // Their value and rank on each board: the API's leaderboards.
    for board in [
        "employees-clicks",
        "employees-shares",
        "employees-engagement",
        "employees-conversions",
    ] {
        let api: Value = w
            .app
            .get(&format!("/api/v1/leaderboards/{board}?from={from}&to={to}"))
            .await
            .json()
            .await
            .unwrap();
        let rows = api["rows"].as_array().unwrap();
        let mine = rows.iter().find(|r| r["id"] == employee).expect(board);
        let value = mine["value"].as_f64().unwrap();
        assert_eq!(
            text_of(&html, &format!("rank-{board}-value")),
            format::integer(Locale::En, value as i64),
            "{board}"
        );
        assert_eq!(
            text_of(&html, &format!("rank-{board}-rank")),
            format!("Rank {} of {}", mine["rank"], rows.len()),
            "{board}"
        );
    }
    // Each share with its clicks of the period: the API's breakdown of that share.
    for id in [w.share_id, w.other_share_id] {
        let api: Value = w
            .app
            .get(&format!(
                "/api/v1/breakdowns/network?from={from}&to={to}&share_id={id}"
            ))
            .await
            .json()
            .await
            .unwrap();
        let shares = section(&html, "employee-shares");
        let start = shares.find(&format!("data-share=\"{id}\"")).expect("row");
        let row = &shares[start..start + shares[start..].find("</tr>").unwrap()];
        assert!(
            row.contains(&format!(
                "<td class=\"num\" data-label=\"Human clicks\">{}</td>",
                api["total"]
            )),
            "{row} {api}"
        );
    }
    // The conversion attributed to them, and none of the unattributed ones.
    let conversions = section(&html, "employee-conversions");
    let (attributed, _) = w.conversions[0];
    assert!(conversions.contains(&format!("data-conversion=\"{attributed}\"")));
    assert_eq!(conversions.matches("data-conversion=").count(), 1);
    // A bad period: reported beside the field, 422.
    let res = w
        .admin
        .get(w.app.url(&format!(
            "/admin/employees/{employee}/stats?range=custom&from=nope&to={today}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("id=\"f-from-error\""));
    // Unknown employee.
    let res = w
        .admin
        .get(w.app.url("/admin/employees/999999/stats"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
