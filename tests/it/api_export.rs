//! `GET /api/v1/export/{clicks,conversions,shares,mentions}.csv`: header rows, cells,
//! the period filter, defused formulas, an export longer than one page arriving whole and
//! in order, and the key requirement.

use chorus::store::clicks::{insert_batch, ClickKind, Delivery, NewClick, Visitors};
use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::api_mentions::mention;
use crate::common::{client, error_code, TestApp};

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const EVIL: &str = "=HYPERLINK(\"http://evil\")";

/// `GET /api/v1/export/{path}`: asserts a 200 CSV and returns the header row and rows.
async fn export(app: &TestApp, path: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let res = app.get(&format!("/api/v1/export/{path}")).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader.records().map(Result::unwrap).collect();
    (header, rows)
}

/// Follows a short link with `ua`; asserts the redirect.
async fn visit(app: &TestApp, slug: &str, ua: &str) {
    let res = client()
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", ua)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "GET /{slug} as {ua}");
}

fn slug(share: &Value) -> &str {
    share["slug"].as_str().unwrap()
}

#[actix_web::test]
async fn exports_need_a_full_key() {
    let app = TestApp::spawn().await;
    for file in ["clicks", "conversions", "shares", "mentions"] {
        let res = client()
            .get(app.url(&format!("/api/v1/export/{file}.csv")))
            .send()
            .await
            .unwrap();
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        assert_eq!(
            error_code(res, StatusCode::UNAUTHORIZED).await,
            "unauthorized",
            "{file}"
        );
    }
}

#[actix_web::test]
async fn the_clicks_export_lists_clicks_without_visitors() {
    let app = TestApp::spawn().await;
    let share = app.share_by_new_employee("clicker", "linkedin").await;
    visit(&app, slug(&share), CHROME).await;
    visit(&app, slug(&share), GOOGLEBOT).await;

    let (header, rows) = export(&app, "clicks.csv").await;
    assert_eq!(
        header,
        [
            "click_id",
            "occurred_at",
            "day",
            "share_id",
            "slug",
            "employee_id",
            "network",
            "kind",
            "flag_reason",
            "country",
            "region",
            "city",
            "referrer_host",
            "browser",
            "os",
            "device"
        ]
    );
    assert_eq!(rows.len(), 2);
    let kinds: Vec<&str> = rows.iter().map(|r| &r[7]).collect();
    assert_eq!(kinds, ["human", "bot"]);
    for r in &rows {
        assert_eq!(r[0].len(), 16, "a click id");
        assert!(r[1].ends_with('Z'), "RFC 3339 UTC: {}", &r[1]);
        assert_eq!(&r[3], share["id"].to_string());
        assert_eq!(&r[4], slug(&share));
        assert_eq!(&r[5], share["employee_id"].to_string());
        assert_eq!(&r[6], "linkedin");
    }
    assert_eq!(&rows[0][13], "Chrome");

    // Clicks happen now: a period in the past leaves them out.
    let (_, old) = export(&app, "clicks.csv?from=2020-01-01&to=2020-02-01").await;
    assert!(old.is_empty());
}

#[actix_web::test]
async fn a_clicks_export_longer_than_a_page_arrives_whole_and_in_order() {
    let app = TestApp::spawn().await;
    let share = app.share_by_new_employee("many", "x").await;
    let share_id = share["id"].as_i64().unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let batch: Vec<NewClick> = (0..2_500)
        .map(|i| {
            let at = start + Duration::seconds(i);
            NewClick {
                click_id: format!("{i:016}"),
                share_id,
                occurred_at: at,
                day: at.date(),
                visitor: format!("{:0>32}", i % 7),
                kind: ClickKind::Human,
                flag_reason: None,
                country: None,
                region: None,
                city: None,
                referrer_host: None,
                browser: Some("Firefox".into()),
                os: None,
                device: Some("desktop".into()),
            }
        })
        .collect();
    app.db()
        .run_sync(|conn| {
            let mut visitors = Visitors::for_connection(conn);
            insert_batch(conn, &mut visitors, &batch, &[], Delivery::First)
        })
        .unwrap();
    // One click outside the period, made now.
    visit(&app, slug(&share), CHROME).await;

    // Streamed: the length is not known up front, so none is announced.
    let res = app.get("/api/v1/export/clicks.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.content_length(), None, "a streamed body");

    let (_, rows) = export(&app, "clicks.csv?from=2026-01-01&to=2026-01-02").await;
    let ids: Vec<String> = rows.iter().map(|r| r[0].to_owned()).collect();
    let expected: Vec<String> = (0..2_500).map(|i| format!("{i:016}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(&rows[0][1], "2026-01-01T00:00:00Z");
    assert_eq!(&rows[2_499][1], "2026-01-01T00:41:39Z");

    let (_, all) = export(&app, "clicks.csv").await;
    assert_eq!(all.len(), 2_501);
}

#[actix_web::test]
async fn the_shares_export_names_and_counts_and_defuses_titles() {
    let app = TestApp::spawn().await;
    let plain = app.share_by_new_employee("plain", "linkedin").await;
    let employee = app
        .create_employee("evil@example.com", "Eve Vil", None)
        .await;
    let content = app
        .create_content(json!({"title": EVIL, "url": "https://example.com/evil"}))
        .await;
    let evil = app.create_share(&employee["id"], &content["id"], "x").await;
    visit(&app, slug(&plain), CHROME).await;
    visit(&app, slug(&plain), GOOGLEBOT).await;

    let (header, rows) = export(&app, "shares.csv").await;
    assert_eq!(
        header,
        [
            "id",
            "created_at",
            "slug",
            "short_url",
            "employee_id",
            "employee_name",
            "content_id",
            "content_title",
            "network",
            "campaign_id",
            "raw_clicks",
            "human_clicks"
        ]
    );
    assert_eq!(rows.len(), 2);
    let p = &rows[0];
    assert_eq!(&p[0], plain["id"].to_string());
    assert!(p[1].ends_with('Z'), "{}", &p[1]);
    assert_eq!(&p[2], slug(&plain));
    assert!(p[3].ends_with(&format!("/{}", slug(&plain))), "{}", &p[3]);
    assert_eq!(&p[5], "Person plain");
    assert_eq!(&p[7], "A post");
    assert_eq!((&p[8], &p[9], &p[10], &p[11]), ("linkedin", "", "2", "1"));
    let e = &rows[1];
    assert_eq!(&e[0], evil["id"].to_string());
    assert_eq!(&e[7], format!("'{EVIL}"), "formulas are defused");
    assert_eq!((&e[10], &e[11]), ("0", "0"));

    let (_, none) = export(&app, "shares.csv?to=2020-01-01").await;
    assert!(none.is_empty());
    let (_, both) = export(&app, "shares.csv?from=2020-01-01").await;
    assert_eq!(both.len(), 2);
}

#[actix_web::test]
async fn the_mentions_export_lists_the_period_with_brands() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    let mut items = vec![mention("Acme", 1), mention("Globex", 2), mention("Acme", 3)];
    items[1]["text"] = json!(EVIL);
    items[1]["url"] = json!("https://x.example/2");
    items[2]["occurred_at"] = json!("2025-06-01T08:30:00Z");
    let res = app.post_mentions(items).await;
    assert!(res.status().is_success(), "{}", res.status());

    let (header, rows) = export(&app, "mentions.csv?from=2026-03-01&to=2026-04-01").await;
    assert_eq!(
        header,
        [
            "id",
            "occurred_at",
            "brand",
            "own",
            "channel",
            "kind",
            "author",
            "author_reach",
            "sentiment",
            "url",
            "text"
        ]
    );
    assert_eq!(rows.len(), 2, "the 2025 mention is outside the period");
    let a = &rows[0];
    // A handle starts with `@`, which spreadsheets also run as a formula: defused too.
    assert_eq!(
        (&a[1], &a[2], &a[3], &a[4], &a[6]),
        ("2026-03-02T10:00:00Z", "Acme", "true", "x", "'@author1")
    );
    assert_eq!(&a[10], "Post number 1 about Acme");
    let g = &rows[1];
    assert_eq!((&g[2], &g[3]), ("Globex", "false"));
    assert_eq!(&g[9], "https://x.example/2");
    assert_eq!(&g[10], format!("'{EVIL}"), "formulas are defused");

    let (_, all) = export(&app, "mentions.csv").await;
    assert_eq!(all.len(), 3);
}

#[actix_web::test]
async fn the_conversions_export_is_served_from_the_export_routes() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "lead", "customer_id": EVIL, "occurred_at": "2026-02-03T04:05:06Z"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let lead: Value = res.json().await.unwrap();

    let (header, rows) = export(&app, "conversions.csv?from=2026-02-01&to=2026-03-01").await;
    assert_eq!(header.len(), 14);
    assert_eq!((&header[0][..], &header[13][..]), ("id", "campaign"));
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], lead["id"].to_string());
    assert_eq!(&rows[0][1], "2026-02-03T04:05:06Z");
    assert_eq!(&rows[0][5], format!("'{EVIL}"));

    let (header, none) = export(&app, "conversions.csv?from=2026-03-01").await;
    assert_eq!(header.len(), 14, "an empty export still has its header");
    assert!(none.is_empty());
}
