//! Hierarchical rollups: a click board or facet breakdown over a period sums whole months
//! from the monthly rows and only the edge days from the daily ones. Each answer over a
//! period across month and year ends must equal the sum of the one-day answers of its days
//! (which read daily rows only), for every filter, in UTC and in a time zone ahead of it;
//! and the migration's backfill must give the rows the click writer keeps.

use std::collections::BTreeMap;

use chorus::config::RawSettings;
use chorus::store::clicks::{insert_batch, ClickKind, Delivery, NewClick, Visitors};
use chrono::{Duration, NaiveDate};
use diesel::connection::SimpleConnection;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::TestApp;

const BOARDS: [&str; 6] = [
    "top-shares",
    "popular-content",
    "employees-clicks",
    "top-shares?unique=true",
    "popular-content?unique=true",
    "employees-clicks?unique=true",
];
const DIMENSIONS: [&str; 5] = ["network", "country", "device", "browser", "referrer"];

struct World {
    app: TestApp,
    filters: Vec<String>,
    /// Every local day with clicks.
    days: Vec<NaiveDate>,
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Three employees in two teams, two content items (one in a campaign), four shares on
/// three networks, and human clicks (some by the same visitor on the same day, one bot)
/// on days around the ends of December 2025 to April 2026, written by the click writer's
/// store call.
async fn world(timezone: &str) -> World {
    let app = TestApp::spawn_with(RawSettings {
        timezone: Some(timezone.into()),
        ..RawSettings::default()
    })
    .await;
    let id = |v: &Value| v["id"].as_i64().unwrap();
    let ana = app
        .create_employee("ana@example.com", "Ana", Some("Sales"))
        .await;
    let ben = app
        .create_employee("ben@example.com", "Ben", Some("Engineering"))
        .await;
    let cho = app
        .create_employee("cho@example.com", "Cho", Some("Sales"))
        .await;
    let campaign = id(&app.create_campaign(json!({"name": "Spring launch"})).await);
    let launch = app
        .create_content(json!({"title": "Launch", "url": "https://example.com/launch", "campaign_id": campaign}))
        .await;
    let blog = app
        .create_content(json!({"title": "Blog", "url": "https://example.com/blog"}))
        .await;
    let mut shares = Vec::new();
    for (who, what, network) in [
        (&ana, &launch, "linkedin"),
        (&ana, &blog, "x"),
        (&ben, &launch, "linkedin"),
        (&cho, &blog, "facebook"),
    ] {
        shares.push(id(&app
            .create_share(&who["id"], &what["id"], network)
            .await));
    }
    let days: Vec<NaiveDate> = [
        "2025-12-30",
        "2025-12-31",
        "2026-01-01",
        "2026-01-15",
        "2026-01-31",
        "2026-02-01",
        "2026-02-28",
        "2026-03-01",
        "2026-03-31",
        "2026-04-01",
    ]
    .iter()
    .map(|s| d(s))
    .collect();
    let browsers = ["Chrome", "Firefox", "Safari"];
    let countries = ["KR", "US"];
    let mut batch = Vec::new();
    let mut n = 0;
    for (i, day) in days.iter().enumerate() {
        for (j, share_id) in shares.iter().enumerate() {
            // A different number of clicks per share and day; every third by a visitor
            // already seen that day on that share (a click, not a new unique visitor).
            for k in 0..((i + j) % 4 + 1) {
                n += 1;
                let visitor = if k % 3 == 2 { n - 1 } else { n };
                batch.push(NewClick {
                    click_id: format!("{n:0>16}"),
                    share_id: *share_id,
                    occurred_at: day.and_hms_opt(12, 0, 0).unwrap(),
                    day: *day,
                    visitor: format!("{visitor:0>32}"),
                    kind: if n % 7 == 0 {
                        ClickKind::Bot
                    } else {
                        ClickKind::Human
                    },
                    flag_reason: None,
                    country: (n % 5 != 0).then(|| countries[n % 2].to_string()),
                    region: None,
                    city: None,
                    referrer_host: (n % 3 == 0).then(|| "news.example".to_string()),
                    browser: Some(browsers[(n + i) % 3].into()),
                    os: None,
                    device: Some(if n % 2 == 0 { "mobile" } else { "desktop" }.into()),
                });
            }
        }
    }
    app.clicks.settle().await;
    // Two batches, so a later batch adds to the rows of an earlier one.
    let (first, second) = batch.split_at(batch.len() / 2);
    for part in [first.to_vec(), second.to_vec()] {
        app.db()
            .run_sync(move |conn| {
                let mut visitors = Visitors::for_connection(conn);
                insert_batch(conn, &mut visitors, &part, &[], Delivery::First)
            })
            .unwrap();
    }
    let filters = vec![
        String::new(),
        "team=Sales".to_string(),
        format!("campaign_id={campaign}"),
        "network=linkedin".to_string(),
        "network=linkedin&team=Sales".to_string(),
    ];
    World { app, filters, days }
}

/// Value per row id (boards) or value (breakdowns) of one answer.
async fn answer(app: &TestApp, path: &str) -> BTreeMap<String, i64> {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let body: Value = res.json().await.unwrap();
    let mut out = BTreeMap::new();
    for row in body["rows"].as_array().unwrap() {
        let (key, value) = if path.contains("/leaderboards/") {
            (row["id"].to_string(), row["value"].as_i64().unwrap())
        } else {
            (row["value"].to_string(), row["clicks"].as_i64().unwrap())
        };
        out.insert(key, value);
    }
    out
}

/// Every report path (without the period) the test compares.
fn reports(w: &World) -> Vec<String> {
    let mut out = Vec::new();
    for filter in &w.filters {
        for board in BOARDS {
            let sep = if board.contains('?') { '&' } else { '?' };
            out.push(format!("/api/v1/leaderboards/{board}{sep}{filter}"));
        }
        for dim in DIMENSIONS {
            out.push(format!("/api/v1/breakdowns/{dim}?limit=1000&{filter}"));
        }
    }
    out
}

fn with_period(path: &str, from: &str, to: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}from={from}&to={to}")
}

/// Each period `[from, to)` (bare dates: local days) against the sum of the one-day answers
/// of its days with clicks (`first_day..=last_day` as local days).
async fn compare(w: &World, periods: &[(&str, &str, NaiveDate, NaiveDate)]) {
    let paths = reports(w);
    let mut one_day: BTreeMap<(NaiveDate, usize), BTreeMap<String, i64>> = BTreeMap::new();
    for day in &w.days {
        let next = *day + Duration::days(1);
        for (i, path) in paths.iter().enumerate() {
            let got = answer(
                &w.app,
                &with_period(path, &day.to_string(), &next.to_string()),
            )
            .await;
            one_day.insert((*day, i), got);
        }
    }
    let mut compared = 0;
    for (from, to, first, last) in periods {
        for (i, path) in paths.iter().enumerate() {
            let mut expected: BTreeMap<String, i64> = BTreeMap::new();
            for day in w.days.iter().filter(|d| *d >= first && *d <= last) {
                for (key, value) in &one_day[&(*day, i)] {
                    *expected.entry(key.clone()).or_default() += value;
                }
            }
            let got = answer(&w.app, &with_period(path, from, to)).await;
            assert_eq!(got, expected, "{path} from {from} to {to}");
            compared += usize::from(!expected.is_empty());
        }
    }
    assert!(compared > paths.len(), "the periods hold clicks");
}

/// Periods with edge days on both sides of whole months, whole months only, a year end,
/// February of a common year, and no whole month at all.
fn periods() -> Vec<(&'static str, &'static str, NaiveDate, NaiveDate)> {
    vec![
        ("2025-12-15", "2026-04-02", d("2025-12-15"), d("2026-04-01")),
        ("2025-12-31", "2026-04-01", d("2025-12-31"), d("2026-03-31")),
        ("2026-01-01", "2026-03-01", d("2026-01-01"), d("2026-02-28")),
        ("2026-02-01", "2026-03-01", d("2026-02-01"), d("2026-02-28")),
        ("2026-01-31", "2026-02-02", d("2026-01-31"), d("2026-02-01")),
        ("2026-02-01", "2026-02-28", d("2026-02-01"), d("2026-02-27")),
        ("2025-12-01", "2026-05-01", d("2025-12-01"), d("2026-04-30")),
    ]
}

#[actix_web::test]
async fn monthly_sums_equal_the_daily_answer_across_month_ends() {
    let w = world("UTC").await;
    compare(&w, &periods()).await;
}

#[actix_web::test]
async fn monthly_sums_equal_the_daily_answer_in_a_time_zone_ahead_of_utc() {
    let w = world("Asia/Seoul").await;
    let mut periods = periods();
    // RFC 3339 instants: local midnights in Seoul (UTC+9), so whole local months.
    periods.push((
        "2026-01-31T15:00:00Z",
        "2026-02-28T15:00:00Z",
        d("2026-02-01"),
        d("2026-02-28"),
    ));
    periods.push((
        "2025-12-31T15:00:00Z",
        "2026-03-31T15:00:00Z",
        d("2026-01-01"),
        d("2026-03-31"),
    ));
    // Noon in Seoul to noon: the first and last local days are partial, still counted.
    periods.push((
        "2026-01-31T03:00:00Z",
        "2026-03-01T03:00:00Z",
        d("2026-01-31"),
        d("2026-03-01"),
    ));
    compare(&w, &periods).await;
}

#[actix_web::test]
async fn the_migration_backfills_the_rows_the_writer_keeps() {
    let mut w = world("UTC").await;
    let paths = reports(&w);
    let (from, to) = ("2025-12-15", "2026-04-02");
    let mut before = Vec::new();
    for path in &paths {
        before.push(answer(&w.app, &with_period(path, from, to)).await);
    }
    // Every row of the rollups above click_rollups (the migration rebuilds three of them).
    let written = w.app.db().run_sync(rollups_above).unwrap();
    for table in [
        "click_share_months",
        "click_owner_spans",
        "click_facet_spans",
    ] {
        assert!(
            written.iter().any(|r| r.starts_with(table)),
            "{table} has rows"
        );
    }

    let (down, up) = crate::common::migration_sql("_click_months");
    w.app
        .db()
        .run_sync(|conn| {
            conn.batch_execute(&down)?;
            conn.batch_execute(&up)?;
            Ok(())
        })
        .unwrap();
    w.app.restart().await;
    let rebuilt = w.app.db().run_sync(rollups_above).unwrap();
    assert_eq!(rebuilt, written, "rows and sums as the writer kept them");
    for (path, before) in paths.iter().zip(&before) {
        let after = answer(&w.app, &with_period(path, from, to)).await;
        assert_eq!(&after, before, "{path}");
    }
}

/// Every row of the rollups above `click_rollups` with a non-zero count, as text, sorted
/// (rows that came back to zero, after a demoted click, may stay: they add nothing).
fn rollups_above(
    conn: &mut chorus::db::DbConnection,
) -> Result<Vec<String>, chorus::store::StoreError> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        row: String,
    }
    let mut out = Vec::new();
    for (table, columns) in [
        ("click_days", "day, network, human, unique_visitors"),
        (
            "click_share_months",
            "month, share_id, human, unique_visitors",
        ),
        (
            "click_owner_spans",
            "owner, span, start, owner_id, human, unique_visitors",
        ),
        ("click_breakdowns", "dimension, day, share_id, value, human"),
        (
            "click_facet_spans",
            "dimension, span, start, network, value, human",
        ),
    ] {
        let row: Vec<String> = columns
            .split(", ")
            .map(|c| format!("CAST({c} AS TEXT)"))
            .collect();
        let sql = format!(
            "SELECT {} AS row FROM {table} WHERE human <> 0",
            row.join(" || ' ' || ")
        );
        let mut rows: Vec<String> = diesel::sql_query(sql)
            .load::<Row>(conn)?
            .into_iter()
            .map(|r| format!("{table} {}", r.row))
            .collect();
        rows.sort();
        out.extend(rows);
    }
    Ok(out)
}

/// More clicks on the world's shares: two days in two months, new and repeat visitors.
fn later_clicks(shares: &[i64]) -> Vec<NewClick> {
    let mut batch = Vec::new();
    for (i, day) in ["2026-03-31", "2026-04-01"].iter().enumerate() {
        for (j, share_id) in shares.iter().enumerate() {
            for k in 0..(i + j + 1) {
                let n = 10_000 + i * 100 + j * 10 + k;
                batch.push(NewClick {
                    click_id: format!("{n:0>16}"),
                    share_id: *share_id,
                    occurred_at: d(day).and_hms_opt(9, 30, 0).unwrap(),
                    day: d(day),
                    visitor: format!("{:0>32}", if k == 2 { n - 1 } else { n }),
                    kind: ClickKind::Human,
                    flag_reason: None,
                    country: Some(["KR", "JP"][k % 2].into()),
                    region: None,
                    city: None,
                    referrer_host: (k == 1).then(|| "later.example".to_string()),
                    browser: Some("Edge".into()),
                    os: None,
                    device: Some("tablet".into()),
                });
            }
        }
    }
    batch
}

/// The shares of a world, by id.
fn share_ids(w: &World) -> Vec<i64> {
    w.app
        .db()
        .run_sync(|conn| {
            use chorus::db::schema::shares;
            use diesel::prelude::*;
            Ok(shares::table
                .select(shares::id)
                .order(shares::id)
                .load::<i64>(conn)?)
        })
        .unwrap()
}

/// The click writer holds the changes to the rollups above `click_rollups` for a while
/// (`store::clicks::insert_batch_holding`). Written later they must equal what writing them
/// with the batch gives; lost with a crash, the days marked in the batch's transaction must
/// be rebuilt to the same rows when the writer starts again.
#[actix_web::test]
async fn held_rollups_written_later_or_rebuilt_after_a_crash_equal_the_rows_written_at_once() {
    use chorus::store::clicks::{insert_batch_holding, write_held, HeldRollups};
    let at_once = world("UTC").await;
    let later = world("UTC").await;
    let mut crashed = world("UTC").await;
    let shares = share_ids(&at_once);
    assert_eq!(shares, share_ids(&crashed), "the same world three times");
    let batch = later_clicks(&shares);

    let part = batch.clone();
    at_once
        .app
        .db()
        .run_sync(move |conn| {
            let mut visitors = Visitors::for_connection(conn);
            insert_batch(conn, &mut visitors, &part, &[], Delivery::First)
        })
        .unwrap();
    let expected = at_once.app.db().run_sync(rollups_above).unwrap();

    // Held over two batches, then written.
    let (first, second) = batch.split_at(batch.len() / 3);
    let (first, second) = (first.to_vec(), second.to_vec());
    let written = later
        .app
        .db()
        .run_sync(move |conn| {
            let mut visitors = Visitors::for_connection(conn);
            let mut held = HeldRollups::default();
            for part in [&first, &second] {
                insert_batch_holding(
                    conn,
                    &mut visitors,
                    &mut held,
                    part,
                    &[],
                    Delivery::First,
                    false,
                )?;
            }
            assert!(!held.is_empty());
            let before = rollups_above(conn)?;
            write_held(conn, &mut held)?;
            assert!(held.is_empty());
            Ok((before, rollups_above(conn)?))
        })
        .unwrap();
    assert_ne!(
        written.0, expected,
        "held changes are not written with the batch"
    );
    assert_eq!(written.1, expected, "written later");

    // Held, then lost: the days stay marked until a writer starts and rebuilds them.
    let part = batch.clone();
    let marked = crashed
        .app
        .db()
        .run_sync(move |conn| {
            use chorus::db::schema::click_rollups_pending as p;
            use diesel::prelude::*;
            let mut visitors = Visitors::for_connection(conn);
            let mut held = HeldRollups::default();
            insert_batch_holding(
                conn,
                &mut visitors,
                &mut held,
                &part,
                &[],
                Delivery::First,
                false,
            )?;
            drop(held);
            Ok(p::table
                .select(p::day)
                .order(p::day)
                .load::<NaiveDate>(conn)?)
        })
        .unwrap();
    assert_eq!(marked, vec![d("2026-03-31"), d("2026-04-01")]);
    crashed.app.restart().await;
    let rebuilt = crashed.app.db().run_sync(rollups_above).unwrap();
    assert_eq!(rebuilt, expected, "rebuilt from the marked days");
    let left = crashed
        .app
        .db()
        .run_sync(|conn| {
            use chorus::db::schema::click_rollups_pending as p;
            use diesel::prelude::*;
            Ok(p::table.count().get_result::<i64>(conn)?)
        })
        .unwrap();
    assert_eq!(left, 0, "marks cleared");
    for path in reports(&crashed) {
        let path = with_period(&path, "2026-03-01", "2026-04-30");
        assert_eq!(
            answer(&crashed.app, &path).await,
            answer(&at_once.app, &path).await,
            "{path}"
        );
    }
}
