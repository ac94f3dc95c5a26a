//! `chorus demo` and `chorus seed`, run as a user would, then read back through the API.

use std::collections::BTreeMap;
use std::process::{Command, Output, Stdio};

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{binary, TestApp};

/// The demo's last day, and its 60-day period as a report asks for it.
const TODAY: &str = "2026-03-01";
const FROM: &str = "2026-01-01";
const TO: &str = "2026-03-02";

fn chorus(app: &TestApp, args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(app.dir.path())
        .env("CHORUS_DATABASE_URL", &app.database_url)
        .stdin(Stdio::null())
        .output()
        .expect("run chorus")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn json(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

async fn kpi_totals(app: &TestApp) -> BTreeMap<String, Value> {
    let body = json(
        app,
        &format!("/api/v1/kpis?from={FROM}&to={TO}&interval=week"),
    )
    .await;
    body["totals"]
        .as_object()
        .expect("totals")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

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

#[actix_web::test]
async fn the_demo_fills_every_board_and_kpi_and_a_second_run_is_refused() {
    let mut app = TestApp::spawn().await;
    let out = chorus(&app, &["demo", "--today", TODAY]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("40 employees") && stdout.contains("12,000 clicks"),
        "{stdout}"
    );
    assert!(
        stdout.contains("admin create"),
        "says how to sign in: {stdout}"
    );
    // A fresh server on the demo's database (nothing of the first one's state carries over).
    app.restart().await;

    let totals = kpi_totals(&app).await;
    // Every total must be a number other than 0 (earned media value too: the demo stores
    // example rates).
    let mut empty = Vec::new();
    for (name, value) in &totals {
        let filled = value.as_f64().is_some_and(|v| v != 0.0);
        if !filled {
            empty.push(format!("{name} = {value}"));
        }
    }
    assert!(
        empty.is_empty(),
        "KPIs without data: {empty:?} in {totals:?}"
    );
    for name in [
        "clicks",
        "unique_clicks",
        "conversions",
        "unattributed_conversions",
        "conversion_rate",
        "leads",
        "revenue_cents",
        "engagement",
        "impressions",
        "engagement_rate",
        "total_employee_reach",
        "follower_growth",
        "awareness",
        "share_of_voice",
        "support_rate",
        "brand_attribute_recognition",
        "response_time_median_s",
        "issues_resolved",
    ] {
        assert!(totals.contains_key(name), "{name} in {totals:?}");
    }
    // Bots, previews, the sharers' own clicks, repeats and the scanner burst are recorded
    // but not counted: fewer verified clicks than clicks made.
    let clicks = totals["clicks"].as_i64().unwrap();
    assert!((5_000..12_000).contains(&clicks), "{clicks}");

    for board in BOARDS {
        let body = json(
            &app,
            &format!("/api/v1/leaderboards/{board}?from={FROM}&to={TO}&limit=5"),
        )
        .await;
        let rows = body["rows"].as_array().expect("rows");
        assert!(!rows.is_empty(), "{board} has rows: {body}");
    }

    let employees = json(&app, "/api/v1/employees").await;
    let employees = employees["employees"].as_array().unwrap().clone();
    assert_eq!(employees.len(), 40);
    assert!(
        employees.iter().any(|e| e["name"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('가'..='힣').contains(&c))),
        "Korean names too"
    );

    // Again: refused with status 2, and nothing changed.
    let again = chorus(&app, &["demo", "--today", TODAY]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("already holds"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(
        json(&app, "/api/v1/employees").await["employees"]
            .as_array()
            .unwrap()
            .len(),
        40
    );
    assert_eq!(
        kpi_totals(&app).await,
        totals,
        "a refused run changes nothing"
    );
}

#[actix_web::test]
async fn seed_makes_exactly_the_asked_numbers() {
    let app = TestApp::spawn().await;
    let out = chorus(
        &app,
        &[
            "seed",
            "--employees",
            "7",
            "--shares",
            "40",
            "--clicks",
            "900",
            "--days",
            "5",
            "--today",
            TODAY,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let employees = json(&app, "/api/v1/employees").await;
    assert_eq!(employees["employees"].as_array().unwrap().len(), 7);
    let shares = json(&app, "/api/v1/shares").await;
    assert_eq!(shares["shares"].as_array().unwrap().len(), 40);
    // Every recorded click, whatever its kind, is a row of the export.
    let res = app
        .get("/api/v1/export/clicks.csv?from=2026-02-25&to=2026-03-02")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().count(), 1 + 900, "header and 900 clicks");

    // Shapes that cannot be made are usage errors, and change nothing.
    let bad = chorus(
        &app,
        &["seed", "--employees", "0", "--shares", "3", "--clicks", "0"],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
}
