//! The content drill-down (`/admin/content/{id}/stats`): its figures equal the API's for
//! the same period (`/api/v1/kpis?campaign_id=` for a content item alone in its campaign,
//! `/api/v1/breakdowns/network?share_id=` per share, `/api/v1/leaderboards/employees-clicks`
//! and `popular-content` filtered by the campaign), employees are named under the privacy
//! mode as on the leaderboards, unknown ids are 404, employees are refused, the Korean page
//! keeps no English, the pages link to it, and it fits 1 366 and 390 px.

use chorus::config::RawSettings;
use chorus::domain::conversion::format_money;
use chorus::i18n::{format, Locale};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/// A human click on `slug` from `ip`; its click id.
async fn click(app: &TestApp, slug: &Value, ip: &str) -> String {
    let res = crate::common::client()
        .get(app.url(&format!("/{}", slug.as_str().unwrap())))
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

async fn json_of(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

/// The text inside the element whose `id` is given (up to its first tag).
fn text_of<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
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

struct World {
    app: TestApp,
    admin: reqwest::Client,
    campaign_id: i64,
    content_id: i64,
    shares: Vec<i64>,
}

/// Two sharers of one content item (alone in its campaign): five human clicks on its
/// two shares, a sale and a lead on them; another content item with a click and a sale
/// that must not count.
async fn world() -> World {
    let app = TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        repeat_click_seconds: Some(0),
        ..RawSettings::default()
    })
    .await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let ann = app.create_user("ann@example.com", "employee", PASSWORD);
    let bob = app.create_user("bob@example.com", "employee", PASSWORD);
    let campaign = app.create_campaign(json!({"name": "Spring"})).await;
    let content = app
        .create_content(json!({
            "title": "Launch",
            "url": "https://example.com/launch",
            "campaign_id": campaign["id"],
        }))
        .await;
    let other = app
        .create_content(json!({"title": "Other", "url": "https://example.com/other"}))
        .await;
    let first = app
        .create_share(&json!(ann), &content["id"], "linkedin")
        .await;
    let second = app.create_share(&json!(bob), &content["id"], "x").await;
    let elsewhere = app.create_share(&json!(ann), &other["id"], "x").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(click(&app, &first["slug"], &format!("81.2.69.{}", 10 + i)).await);
    }
    for i in 0..2 {
        ids.push(click(&app, &second["slug"], &format!("81.2.69.{}", 20 + i)).await);
    }
    let stray = click(&app, &elsewhere["slug"], "81.2.69.30").await;
    for body in [
        json!({"click_id": ids[0], "kind": "sale", "value_cents": 12500}),
        json!({"click_id": ids[3], "kind": "lead"}),
        json!({"click_id": stray, "kind": "sale", "value_cents": 999}),
    ] {
        let res = app.post("/api/v1/conversions", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{body}");
    }
    let admin = app.login("boss@example.com", PASSWORD).await;
    World {
        campaign_id: campaign["id"].as_i64().unwrap(),
        content_id: content["id"].as_i64().unwrap(),
        shares: vec![
            first["id"].as_i64().unwrap(),
            second["id"].as_i64().unwrap(),
        ],
        app,
        admin,
    }
}

#[actix_web::test]
async fn the_content_page_shows_what_the_api_answers() {
    let w = world().await;
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Duration::days(6);
    let to = today + chrono::Duration::days(1);
    let html = page(
        &w.admin,
        w.app.url(&format!(
            "/admin/content/{}/stats?range=custom&from={from}&to={today}",
            w.content_id
        )),
    )
    .await;
    let int = |n: i64| format::integer(Locale::En, n);

    // The KPIs of its campaign (it is the campaign's only content item).
    let kpis = json_of(
        &w.app,
        &format!(
            "/api/v1/kpis?from={from}&to={to}&campaign_id={}",
            w.campaign_id
        ),
    )
    .await;
    let totals = &kpis["totals"];
    assert_eq!(totals["clicks"], 5, "{kpis}");
    assert_eq!(text_of(&html, "stat-clicks-value"), int(5));
    assert_eq!(totals["conversions"], 2, "{kpis}");
    assert_eq!(
        text_of(&html, "stat-conversions-value"),
        int(totals["conversions"].as_i64().unwrap())
    );
    assert_eq!(
        text_of(&html, "stat-revenue-value"),
        format_money(
            totals["revenue_cents"].as_i64().unwrap(),
            kpis["currency"].as_str().unwrap()
        )
    );
    assert_eq!(totals["revenue_cents"], 12500);

    // Each share with its clicks: the API's breakdown of that share.
    let shares = section(&html, "content-shares");
    for id in &w.shares {
        let api = json_of(
            &w.app,
            &format!("/api/v1/breakdowns/network?from={from}&to={to}&share_id={id}"),
        )
        .await;
        let start = shares.find(&format!("data-share=\"{id}\"")).expect("row");
        let row = &shares[start..start + shares[start..].find("</tr>").unwrap()];
        assert!(
            row.contains(&format!("href=\"/admin/shares/{id}\"")),
            "{row}"
        );
        assert!(
            row.contains(&format!(
                "<td class=\"num\" data-label=\"Human clicks\">{}</td>",
                api["total"]
            )),
            "{row} {api}"
        );
    }
    assert_eq!(shares.matches("data-share=").count(), 2, "only its shares");

    // By network: the campaign's network breakdown.
    let network = json_of(
        &w.app,
        &format!(
            "/api/v1/breakdowns/network?from={from}&to={to}&campaign_id={}",
            w.campaign_id
        ),
    )
    .await;
    let card = section(&html, "split-network");
    assert!(
        card.contains(&format!("({} in all)", network["total"])),
        "{card}"
    );
    for (label, row) in ["LinkedIn", "X"]
        .iter()
        .zip(network["rows"].as_array().unwrap())
    {
        assert!(
            card.contains(&format!(
                "{label}</td><td class=\"num\" data-label=\"Human clicks\">{}</td>",
                row["clicks"]
            )),
            "{row} in {card}"
        );
    }

    // By employee: the clicks board filtered by the campaign, names as it gives them.
    let board = json_of(
        &w.app,
        &format!(
            "/api/v1/leaderboards/employees-clicks?from={from}&to={to}&campaign_id={}",
            w.campaign_id
        ),
    )
    .await;
    let card = section(&html, "split-employee");
    let rows = board["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{board}");
    for row in rows {
        assert!(
            card.contains(&format!(
                "<td data-label=\"Value\">{}</td><td class=\"num\" data-label=\"Human clicks\">{}</td>",
                row["label"].as_str().unwrap(),
                row["value"].as_f64().unwrap() as i64
            )),
            "{row} in {card}"
        );
    }
    // The popular-content board gives the same total, and links here.
    let popular = json_of(
        &w.app,
        &format!(
            "/api/v1/leaderboards/popular-content?from={from}&to={to}&campaign_id={}",
            w.campaign_id
        ),
    )
    .await;
    let mine = popular["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == w.content_id)
        .expect("on the board");
    assert_eq!(mine["value"].as_f64().unwrap() as i64, 5);
    let boards = page(
        &w.admin,
        w.app.url(&format!(
            "/admin/leaderboards?range=custom&from={from}&to={today}"
        )),
    )
    .await;
    assert!(boards.contains(&format!("href=\"/admin/content/{}/stats\"", w.content_id)));

    // The chart: the day's clicks.
    let chart = section(&html, "chart-share-clicks-card");
    assert!(chart.contains("<svg") && chart.contains("5 human clicks in the period."));

    // The content list and edit page link to it.
    let stats_href = format!("href=\"/admin/content/{}/stats\"", w.content_id);
    let list = page(&w.admin, w.app.url("/admin/content")).await;
    assert!(list.contains(&stats_href));
    let edit = page(
        &w.admin,
        w.app.url(&format!("/admin/content/{}", w.content_id)),
    )
    .await;
    assert!(edit.contains(&stats_href));
}

#[actix_web::test]
async fn names_follow_the_privacy_mode_unknown_is_404_and_employees_are_refused() {
    let w = world().await;
    let path = format!("/admin/content/{}/stats", w.content_id);
    let html = page(&w.admin, w.app.url(&path)).await;
    assert!(html.contains("User ann@example.com"), "named by default");

    let res = w
        .app
        .put("/api/v1/settings", &json!({"privacy_mode": "opt_in"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = page(&w.admin, w.app.url(&path)).await;
    assert!(!html.contains("User ann@example.com"), "nobody opted in");
    assert!(section(&html, "split-employee").contains("Anonymous employee"));
    assert!(section(&html, "content-shares").contains("Anonymous employee"));

    let res = w
        .admin
        .get(w.app.url("/admin/content/999999/stats"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let employee = w.app.login("ann@example.com", PASSWORD).await;
    let res = employee.get(w.app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = w
        .admin
        .get(w.app.url(&format!("{path}?range=custom&from=nope")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn the_korean_page_has_no_english() {
    let w = world().await;
    let html = page(&w.admin, w.app.url("/admin")).await;
    let res = w
        .admin
        .post(w.app.url("/me/locale"))
        .header("referer", w.app.url("/admin"))
        .form(&[
            ("locale", "ko"),
            ("csrf", hidden_field(&html, "csrf").as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(
        &w.admin,
        w.app.url(&format!("/admin/content/{}/stats", w.content_id)),
    )
    .await;
    assert!(html.contains("<html lang=\"ko\">"));
    let english: Vec<_> = crate::browser_korean::english_texts()
        .into_iter()
        .filter(|(_, run)| html.contains(run.as_str()))
        .collect();
    assert!(
        english.is_empty(),
        "English on the Korean page: {english:?}"
    );
    assert!(html.contains("네트워크별 클릭") && html.contains("직원별 클릭"));
}

#[actix_web::test]
async fn the_content_page_fits_the_window() {
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
    crate::pages_drilldown::screenshots(
        &browser,
        &w.app.url(&format!("/admin/content/{}/stats", w.content_id)),
        "content-stats",
    )
    .await;
    browser.close().await;
}
