//! Rollups of the KPI report kept on write: `mention_topic_days` (mentions per local day,
//! channel, topic and brand, added to with every tagged mention) must hold exactly what
//! the topic tags and their mentions say, the share of voice by topic read from it must
//! equal the one counted from the raw tags for any period and channel, and the
//! migration's backfill must give the rows the writer keeps. Likewise each mention's
//! `recognised` flag (its text holds one of its brand's intended attributes), through
//! imports and attribute edits, and brand attribute recognition counted from it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::TestApp;

/// Acme (own) and Globex, two topics, and mentions on days around a month end, on two
/// channels, some tagged with both topics, some with none, posted in two batches (the
/// second adds to rows the first wrote), one repeated (a duplicate adds nothing).
async fn world() -> TestApp {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    app.create_content(
        json!({"title": "Uptime", "url": "https://example.com/uptime",
                              "topics": ["reliable", "secure"]}),
    )
    .await;
    let mention = |brand: &str, channel: &str, author: &str, text: &str, at: &str, id: &str| {
        json!({"brand": brand, "channel": channel, "author": author, "text": text,
               "sentiment": "positive", "occurred_at": at, "external_id": id})
    };
    let first = vec![
        mention(
            "Acme",
            "linkedin",
            "ann",
            "Acme is reliable",
            "2026-02-27T09:00:00Z",
            "1",
        ),
        mention(
            "Acme",
            "linkedin",
            "bob",
            "Acme is reliable and secure",
            "2026-02-27T10:00:00Z",
            "2",
        ),
        mention(
            "Globex",
            "x",
            "cy",
            "Globex is secure",
            "2026-02-28T23:30:00Z",
            "3",
        ),
        mention(
            "Acme",
            "x",
            "dee",
            "Acme, nothing more",
            "2026-03-01T00:10:00Z",
            "4",
        ),
        mention(
            "Globex",
            "linkedin",
            "eve",
            "Globex reliable",
            "2026-03-01T08:00:00Z",
            "5",
        ),
    ];
    let second = vec![
        mention(
            "Acme",
            "linkedin",
            "fay",
            "acme reliable again",
            "2026-02-27T18:00:00Z",
            "6",
        ),
        mention(
            "Acme",
            "x",
            "gus",
            "acme secure",
            "2026-03-02T12:00:00Z",
            "7",
        ),
        mention(
            "Globex",
            "x",
            "cy",
            "Globex is secure",
            "2026-02-28T23:30:00Z",
            "3",
        ),
        mention(
            "Acme",
            "linkedin",
            "hal",
            "Acme secure, reliable",
            "2026-03-31T12:00:00Z",
            "8",
        ),
    ];
    for batch in [first, second] {
        let res = app.post_mentions(batch).await;
        assert!(res.status().is_success(), "{}", res.status());
    }
    app
}

#[derive(diesel::QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    row: String,
}

/// Every rollup row, and the same grouping counted from the tags, as text.
fn rollup_and_raw(conn: &mut chorus::db::DbConnection) -> (Vec<Row>, Vec<Row>) {
    use diesel::prelude::*;
    let rollup = diesel::sql_query(
        "SELECT CAST(day AS TEXT) || ' ' || channel || ' ' || CAST(topic_id AS TEXT) || ' ' \
         || CAST(brand_id AS TEXT) || ' ' || CAST(mentions AS TEXT) AS row \
         FROM mention_topic_days ORDER BY 1",
    )
    .load::<Row>(conn)
    .unwrap();
    let raw = diesel::sql_query(
        "SELECT CAST(m.day AS TEXT) || ' ' || m.channel || ' ' || CAST(t.topic_id AS TEXT) \
         || ' ' || CAST(m.brand_id AS TEXT) || ' ' || CAST(COUNT(*) AS TEXT) AS row \
         FROM mention_topics t JOIN mentions m ON m.id = t.mention_id \
         GROUP BY m.day, m.channel, t.topic_id, m.brand_id ORDER BY 1",
    )
    .load::<Row>(conn)
    .unwrap();
    (rollup, raw)
}

/// Share of voice by topic counted from the tagged mentions' days and channels:
/// topic → (own mentions, all mentions).
fn by_topic_from_raw(
    conn: &mut chorus::db::DbConnection,
    first: NaiveDate,
    last: NaiveDate,
    channel: Option<&str>,
) -> BTreeMap<String, (i64, i64)> {
    use diesel::prelude::*;
    #[derive(diesel::QueryableByName)]
    struct Tag {
        #[diesel(sql_type = diesel::sql_types::Text)]
        topic: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        day: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        channel: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        own: bool,
    }
    let tags = diesel::sql_query(
        "SELECT tp.name AS topic, CAST(m.day AS TEXT) AS day, m.channel AS channel, b.own AS own \
         FROM mention_topics t JOIN mentions m ON m.id = t.mention_id \
         JOIN topics tp ON tp.id = t.topic_id JOIN brands b ON b.id = m.brand_id",
    )
    .load::<Tag>(conn)
    .unwrap();
    let mut out: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for tag in tags {
        let day: NaiveDate = tag.day.parse().unwrap();
        if day < first || day > last || channel.is_some_and(|c| c != tag.channel) {
            continue;
        }
        let entry = out.entry(tag.topic).or_default();
        entry.0 += i64::from(tag.own);
        entry.1 += 1;
    }
    out
}

fn by_topic_of(body: &Value) -> BTreeMap<String, (i64, i64)> {
    body["by_topic"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["topic"].as_str().unwrap().to_string(),
                (
                    t["own_mentions"].as_i64().unwrap(),
                    t["all_mentions"].as_i64().unwrap(),
                ),
            )
        })
        .collect()
}

/// Periods across the month end, and channel filters.
const QUERIES: [(&str, &str, Option<&str>); 6] = [
    ("2026-02-01", "2026-04-01", None),
    ("2026-02-27", "2026-02-28", None),
    ("2026-02-28", "2026-03-02", None),
    ("2026-03-01", "2026-04-01", Some("linkedin")),
    ("2026-02-01", "2026-04-01", Some("x")),
    ("2026-03-03", "2026-03-30", None),
];

async fn answers(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    for (from, to, channel) in QUERIES {
        let channel = channel.map_or(String::new(), |c| format!("&channel={c}"));
        let res = app
            .get(&format!("/api/v1/kpis?from={from}&to={to}{channel}"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        out.push(res.json().await.unwrap());
    }
    out
}

#[actix_web::test]
async fn topic_rollup_equals_the_tags_and_share_of_voice_by_topic_counted_from_them() {
    let app = world().await;
    let (rollup, raw) = app.db().run_sync(|c| Ok(rollup_and_raw(c))).unwrap();
    assert!(!rollup.is_empty());
    assert_eq!(rollup, raw, "the rollup holds what the tags say");
    let bodies = answers(&app).await;
    for ((from, to, channel), body) in QUERIES.iter().zip(&bodies) {
        let first: NaiveDate = from.parse().unwrap();
        // `to` is exclusive: the period's last day is the day before.
        let last = to.parse::<NaiveDate>().unwrap().pred_opt().unwrap();
        let expected = app
            .db()
            .run_sync(|c| Ok(by_topic_from_raw(c, first, last, *channel)))
            .unwrap();
        assert_eq!(by_topic_of(body), expected, "{from}..{to} {channel:?}");
    }
    // Hand-counted: February 27 (the period's only day) has ann (reliable), bob
    // (reliable, secure) and fay (reliable), all Acme.
    assert_eq!(
        by_topic_of(&bodies[1]),
        BTreeMap::from([
            ("reliable".to_string(), (3, 3)),
            ("secure".to_string(), (1, 1)),
        ])
    );
    // February 28 to March 1: the Globex mention of the 28th, posted twice, counts once.
    assert_eq!(
        by_topic_of(&bodies[2]),
        BTreeMap::from([
            ("reliable".to_string(), (0, 1)),
            ("secure".to_string(), (0, 1)),
        ])
    );
}

#[actix_web::test]
async fn the_topic_rollup_migration_backfills_the_rows_the_writer_keeps() {
    let mut app = world().await;
    let before = answers(&app).await;
    let (written, _) = app.db().run_sync(|c| Ok(rollup_and_raw(c))).unwrap();
    let (down, up) = crate::common::migration_sql("_mention_topic_days");
    app.db()
        .run_sync(|conn| {
            conn.batch_execute(&down)?;
            conn.batch_execute(&up)?;
            Ok(())
        })
        .unwrap();
    app.restart().await;
    let (rebuilt, _) = app.db().run_sync(|c| Ok(rollup_and_raw(c))).unwrap();
    assert_eq!(rebuilt, written, "rows and sums as the writer kept them");
    assert_eq!(answers(&app).await, before);
}

/// Two employees, three shares, and metrics snapshots written every way a snapshot is:
/// one at a time through the API (one observed before a stored one, two at the same
/// instant), a batch with two readings of one share, and self-reported readings.
async fn metrics_world() -> (TestApp, Vec<i64>) {
    use chorus::domain::record::{RawNumber, Source};
    use chorus::domain::snapshot::{self, MetricsInput};
    use chorus::store::snapshots::{insert_metrics_batch, insert_own_metrics, NewMetricsSnapshot};
    let app = TestApp::spawn().await;
    let ana = app.create_employee("ana@example.com", "Ana", None).await;
    let ben = app.create_employee("ben@example.com", "Ben", None).await;
    let item = app
        .create_content(json!({"title": "Launch", "url": "https://example.com/launch"}))
        .await;
    let mut shares = Vec::new();
    for (who, network) in [(&ana, "linkedin"), (&ana, "x"), (&ben, "linkedin")] {
        let share = app.create_share(&who["id"], &item["id"], network).await;
        shares.push(share["id"].as_i64().unwrap());
    }
    let post = |share: i64, likes: i64, at: &str| {
        let app = &app;
        let body = json!({"likes": likes, "comments": 1, "reshares": 0, "impressions": likes * 10,
                          "observed_at": at});
        async move {
            let res = app
                .post(&format!("/api/v1/shares/{share}/metrics"), &body)
                .await;
            assert_eq!(res.status(), StatusCode::CREATED);
        }
    };
    post(shares[0], 5, "2026-03-02T10:00:00Z").await;
    post(shares[0], 8, "2026-03-04T10:00:00Z").await;
    // Observed before the stored latest: not the latest.
    post(shares[0], 6, "2026-03-03T10:00:00Z").await;
    post(shares[1], 2, "2026-03-02T12:00:00Z").await;
    // The same instant twice: the one written last is the latest.
    post(shares[1], 3, "2026-03-05T00:00:00Z").await;
    post(shares[1], 4, "2026-03-05T00:00:00Z").await;
    post(shares[2], 7, "2026-03-01T08:00:00Z").await;
    let (ana_id, first, third) = (ana["id"].as_i64().unwrap(), shares[0], shares[2]);
    let ben_id = ben["id"].as_i64().unwrap();
    app.db()
        .run_sync(move |conn| {
            let reading = |likes: i64, at: &str| {
                snapshot::validate_metrics(
                    &MetricsInput {
                        likes: RawNumber::Number(likes),
                        comments: RawNumber::Number(0),
                        reshares: RawNumber::Number(0),
                        impressions: None,
                        observed_at: Some(at),
                    },
                    chorus::store::now(),
                    chrono_tz::UTC,
                )
                .unwrap()
            };
            insert_metrics_batch(
                conn,
                &[
                    NewMetricsSnapshot {
                        share_id: third,
                        reading: reading(20, "2026-03-06T09:00:00Z"),
                    },
                    NewMetricsSnapshot {
                        share_id: third,
                        reading: reading(11, "2026-03-03T09:00:00Z"),
                    },
                    NewMetricsSnapshot {
                        share_id: first,
                        reading: reading(30, "2026-03-04T10:00:00Z"),
                    },
                ],
                Source::Import,
            )
            .unwrap();
            insert_own_metrics(conn, ana_id, first, &reading(50, "2026-03-07T00:00:00Z")).unwrap();
            insert_own_metrics(conn, ben_id, third, &reading(1, "2026-03-02T00:00:00Z")).unwrap();
            Ok(())
        })
        .unwrap();
    (app, shares)
}

/// Every stored snapshot: (id, share, employee, observed_at as text, engagement,
/// self-reported), in id order.
type Snapshot = (i64, i64, i64, String, i64, bool);

fn snapshots(conn: &mut chorus::db::DbConnection) -> Vec<Snapshot> {
    use diesel::prelude::*;
    #[derive(diesel::QueryableByName)]
    struct S {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        share_id: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        employee_id: i64,
        #[diesel(sql_type = diesel::sql_types::Timestamp)]
        observed_at: chrono::NaiveDateTime,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        engagement: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        source: String,
    }
    diesel::sql_query(
        "SELECT m.id, m.share_id, s.employee_id, m.observed_at, \
         m.likes + m.comments + m.reshares AS engagement, m.source \
         FROM metrics_snapshots m JOIN shares s ON s.id = m.share_id ORDER BY m.id",
    )
    .load::<S>(conn)
    .unwrap()
    .into_iter()
    .map(|s| {
        (
            s.id,
            s.share_id,
            s.employee_id,
            s.observed_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            s.engagement,
            s.source == "self_reported",
        )
    })
    .collect()
}

/// Each share's latest snapshot in `[from, to)` (by observed_at, then id), counted from
/// every snapshot: share → (employee, engagement).
fn latest_in(
    all: &[Snapshot],
    from: &str,
    to: &str,
    self_reported: bool,
) -> BTreeMap<i64, (i64, i64)> {
    let mut latest: BTreeMap<i64, (&str, i64, i64, i64)> = BTreeMap::new();
    for (id, share, employee, at, engagement, own) in all {
        if at.as_str() < from || at.as_str() >= to || (*own && !self_reported) {
            continue;
        }
        let newer = latest
            .get(share)
            .is_none_or(|(t, i, _, _)| (at.as_str(), *id) > (*t, *i));
        if newer {
            latest.insert(*share, (at.as_str(), *id, *employee, *engagement));
        }
    }
    latest
        .into_iter()
        .map(|(share, (_, _, employee, engagement))| (share, (employee, engagement)))
        .collect()
}

async fn board_values(app: &TestApp, board: &str, query: &str) -> BTreeMap<i64, i64> {
    let res = app
        .get(&format!("/api/v1/leaderboards/{board}?{query}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{board}?{query}");
    let body: Value = res.json().await.unwrap();
    body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r["value"].as_i64().unwrap()))
        .collect()
}

/// Periods ending before, between and after the snapshots (some shares have a later
/// snapshot than the period's end, some none in it).
const METRIC_PERIODS: [(&str, &str); 6] = [
    ("2026-02-01T00:00:00", "2026-04-01T00:00:00"),
    ("2026-03-01T00:00:00", "2026-03-04T10:00:00"),
    ("2026-03-02T00:00:00", "2026-03-05T00:00:00"),
    ("2026-03-04T10:00:00", "2026-03-06T09:00:00"),
    ("2026-03-05T00:00:00", "2026-03-05T00:00:01"),
    ("2026-03-06T10:00:00", "2026-03-09T00:00:00"),
];

async fn check_engagement_boards(app: &TestApp) {
    let all = app.db().run_sync(|c| Ok(snapshots(c))).unwrap();
    let networks: BTreeMap<i64, String> = app
        .db()
        .run_sync(|conn| {
            use diesel::prelude::*;
            #[derive(diesel::QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                id: i64,
                #[diesel(sql_type = diesel::sql_types::Text)]
                network: String,
            }
            Ok(diesel::sql_query("SELECT id, network FROM shares")
                .load::<N>(conn)?
                .into_iter()
                .map(|n| (n.id, n.network))
                .collect())
        })
        .unwrap();
    // Unfiltered, and narrowed to one network (the filtered queries' path).
    for ((from, to), network) in METRIC_PERIODS
        .iter()
        .flat_map(|p| [(*p, None), (*p, Some("linkedin"))])
    {
        for self_reported in [true, false] {
            let mut latest = latest_in(&all, from, to, self_reported);
            latest.retain(|share, _| network.is_none_or(|n| networks[share] == n));
            let shares: BTreeMap<i64, i64> = latest.iter().map(|(s, (_, e))| (*s, *e)).collect();
            let mut employees: BTreeMap<i64, i64> = BTreeMap::new();
            for (employee, engagement) in latest.values() {
                *employees.entry(*employee).or_default() += engagement;
            }
            let network = network.map_or(String::new(), |n| format!("&network={n}"));
            let query = format!("from={from}Z&to={to}Z&self_reported={self_reported}{network}");
            assert_eq!(
                board_values(app, "engagement-shares", &query).await,
                shares,
                "engagement-shares?{query}"
            );
            assert_eq!(
                board_values(app, "employees-engagement", &query).await,
                employees,
                "employees-engagement?{query}"
            );
        }
    }
}

/// `metrics_latest` as text, and the same counted from every snapshot.
fn latest_rows(conn: &mut chorus::db::DbConnection) -> (Vec<Row>, Vec<Row>) {
    use diesel::prelude::*;
    let kept = diesel::sql_query(
        "SELECT CAST(share_id AS TEXT) || ' ' || CAST(with_self_reported AS TEXT) || ' ' \
         || CAST(likes + comments + reshares AS TEXT) || ' ' \
         || CAST(COALESCE(impressions, -1) AS TEXT) AS row FROM metrics_latest ORDER BY 1",
    )
    .load::<Row>(conn)
    .unwrap();
    let all = snapshots(conn);
    let mut counted: Vec<Row> = Vec::new();
    for self_reported in [true, false] {
        for (share, (_, engagement)) in latest_in(&all, "0", "9", self_reported) {
            counted.push(Row {
                row: format!("{share} {self_reported} {engagement}"),
            });
        }
    }
    let kept_text = diesel::sql_query("SELECT CAST(TRUE AS TEXT) AS row")
        .load::<Row>(conn)
        .unwrap();
    // The backends spell a stored boolean differently (`1`, `true`).
    let truth = kept_text[0].row.clone();
    let mut kept: Vec<Row> = kept
        .into_iter()
        .map(|r| {
            let mut parts: Vec<String> = r.row.split(' ').map(str::to_string).collect();
            parts[1] = (parts[1] == truth).to_string();
            parts.truncate(3);
            Row {
                row: parts.join(" "),
            }
        })
        .collect();
    kept.sort();
    counted.sort();
    (kept, counted)
}

#[actix_web::test]
async fn latest_metrics_equal_the_snapshots_and_the_engagement_boards_counted_from_them() {
    let (app, _) = metrics_world().await;
    let (kept, counted) = app.db().run_sync(|c| Ok(latest_rows(c))).unwrap();
    assert_eq!(
        kept.len(),
        6,
        "three shares, each with and without self-reports"
    );
    assert_eq!(kept, counted);
    check_engagement_boards(&app).await;
}

#[actix_web::test]
async fn the_latest_metrics_migration_backfills_the_rows_the_writer_keeps() {
    let (mut app, _) = metrics_world().await;
    let written: Vec<Row> = app
        .db()
        .run_sync(|conn| {
            use diesel::prelude::*;
            Ok(diesel::sql_query(
                "SELECT CAST(share_id AS TEXT) || ' ' || CAST(with_self_reported AS TEXT) || ' ' \
                 || CAST(observed_at AS TEXT) || ' ' || CAST(likes AS TEXT) || ' ' \
                 || CAST(COALESCE(impressions, -1) AS TEXT) AS row \
                 FROM metrics_latest ORDER BY 1",
            )
            .load::<Row>(conn)?)
        })
        .unwrap();
    let (down, up) = crate::common::migration_sql("_metrics_latest");
    app.db()
        .run_sync(|conn| {
            conn.batch_execute(&down)?;
            conn.batch_execute(&up)?;
            Ok(())
        })
        .unwrap();
    app.restart().await;
    let rebuilt: Vec<Row> = app
        .db()
        .run_sync(|conn| {
            use diesel::prelude::*;
            Ok(diesel::sql_query(
                "SELECT CAST(share_id AS TEXT) || ' ' || CAST(with_self_reported AS TEXT) || ' ' \
                 || CAST(observed_at AS TEXT) || ' ' || CAST(likes AS TEXT) || ' ' \
                 || CAST(COALESCE(impressions, -1) AS TEXT) AS row \
                 FROM metrics_latest ORDER BY 1",
            )
            .load::<Row>(conn)?)
        })
        .unwrap();
    assert_eq!(rebuilt, written, "rows as the writer kept them");
    check_engagement_boards(&app).await;
}

/// `(mention id, recognised flag)` of every mention.
type Flags = Vec<(i64, bool)>;

/// The flags as stored, and as the mention's text and its brand's intended attributes
/// say now.
fn flags_and_raw(conn: &mut chorus::db::DbConnection) -> (Flags, Flags) {
    use chorus::db::schema::{brand_keywords, mentions};
    use chorus::domain::mention::{fold_keyword, recognises};
    use diesel::prelude::*;
    let attributes: Vec<(i64, String)> = brand_keywords::table
        .filter(brand_keywords::kind.eq("attribute"))
        .select((brand_keywords::brand_id, brand_keywords::keyword))
        .load(conn)
        .unwrap();
    let rows: Vec<(i64, i64, String, bool)> = mentions::table
        .select((
            mentions::id,
            mentions::brand_id,
            mentions::body,
            mentions::recognised,
        ))
        .order(mentions::id.asc())
        .load(conn)
        .unwrap();
    let stored = rows.iter().map(|(id, _, _, flag)| (*id, *flag)).collect();
    let raw = rows
        .iter()
        .map(|(id, brand, body, _)| {
            let own: Vec<String> = attributes
                .iter()
                .filter(|(b, _)| b == brand)
                .map(|(_, k)| fold_keyword(k))
                .collect();
            (*id, recognises(body, &own))
        })
        .collect();
    (stored, raw)
}

/// Brand attribute recognition of the own brand counted from the mention texts of the
/// local days `first..=last` (and channel): recognised / all own mentions.
fn recognition_from_raw(
    conn: &mut chorus::db::DbConnection,
    first: NaiveDate,
    last: NaiveDate,
    channel: Option<&str>,
) -> Option<f64> {
    use chorus::db::schema::{brand_keywords, brands, mentions};
    use chorus::domain::mention::{fold_keyword, recognises};
    use diesel::prelude::*;
    let own: Vec<i64> = brands::table
        .filter(brands::own.eq(true))
        .select(brands::id)
        .load(conn)
        .unwrap();
    let attributes: Vec<String> = brand_keywords::table
        .filter(brand_keywords::kind.eq("attribute"))
        .filter(brand_keywords::brand_id.eq_any(&own))
        .select(brand_keywords::keyword)
        .load::<String>(conn)
        .unwrap()
        .iter()
        .map(|k| fold_keyword(k))
        .collect();
    let texts: Vec<(NaiveDate, String, String)> = mentions::table
        .filter(mentions::brand_id.eq_any(&own))
        .select((mentions::day, mentions::channel, mentions::body))
        .load(conn)
        .unwrap();
    let kept: Vec<&String> = texts
        .iter()
        .filter(|(day, ch, _)| *day >= first && *day <= last && channel.is_none_or(|c| c == ch))
        .map(|(_, _, body)| body)
        .collect();
    if attributes.is_empty() || kept.is_empty() {
        return None;
    }
    let recognised = kept.iter().filter(|b| recognises(b, &attributes)).count();
    Some(recognised as f64 / kept.len() as f64)
}

/// Flags equal to what the texts say, and every answer's recognition equal to the one
/// counted from the texts.
async fn check_recognition(app: &TestApp) -> Vec<Option<f64>> {
    let (stored, raw) = app.db().run_sync(|c| Ok(flags_and_raw(c))).unwrap();
    assert!(!stored.is_empty());
    assert_eq!(stored, raw, "each flag is what its text and attributes say");
    let mut out = Vec::new();
    for ((from, to, channel), body) in QUERIES.iter().zip(answers(app).await) {
        let first: NaiveDate = from.parse().unwrap();
        let last = to.parse::<NaiveDate>().unwrap().pred_opt().unwrap();
        let expected = app
            .db()
            .run_sync(|c| Ok(recognition_from_raw(c, first, last, *channel)))
            .unwrap();
        let got = body["totals"]["brand_attribute_recognition"].as_f64();
        assert_eq!(got, expected, "{from}..{to} {channel:?}");
        out.push(got);
    }
    out
}

#[actix_web::test]
async fn recognised_flags_follow_the_texts_through_imports_and_attribute_edits() {
    use chorus::domain::brand::{Keyword, KeywordKind};
    use chorus::store::brands;
    let app = world().await;
    let before = check_recognition(&app).await;
    // February 27: ann and fay wrote "reliable", bob "reliable and secure": all three.
    assert_eq!(before[1], Some(1.0));
    let acme = app
        .db()
        .run_sync(|c| chorus::store::social::brand_id_by_name(c, "Acme"))
        .unwrap()
        .unwrap();
    let secure = Keyword::parse("Secure").unwrap();
    app.db()
        .run_sync(|c| {
            brands::add_keyword(c, acme, KeywordKind::Attribute, &secure)
                .map(|_| ())
                .map_err(|e| match e {
                    brands::BrandRefused::Store(e) => e,
                    other => panic!("{other:?}"),
                })
        })
        .unwrap();
    let added = check_recognition(&app).await;
    let reliable = app
        .db()
        .run_sync(|c| brands::keyword_entries(c, acme))
        .unwrap()
        .into_iter()
        .find(|(_, k, kind)| k == "reliable" && *kind == KeywordKind::Attribute)
        .unwrap()
        .0;
    app.db()
        .run_sync(|c| {
            brands::remove_keyword(c, acme, reliable).map_err(|e| match e {
                brands::BrandRefused::Store(e) => e,
                other => panic!("{other:?}"),
            })
        })
        .unwrap();
    let removed = check_recognition(&app).await;
    // February 27 with "secure" only: bob's mention of three.
    assert_eq!(removed[1], Some(1.0 / 3.0));
    assert_ne!(added, removed);
}

#[actix_web::test]
async fn the_recognition_migration_backfills_the_flags_the_writer_keeps() {
    let mut app = world().await;
    let before = answers(&app).await;
    let (written, _) = app.db().run_sync(|c| Ok(flags_and_raw(c))).unwrap();
    assert!(written.iter().any(|(_, flag)| *flag));
    let (down, up) = crate::common::migration_sql("_mention_recognised");
    // In the one connection: opening the database (`app.db()`) runs the backfill.
    let (pending, cleared) = app
        .db()
        .run_sync(|conn| {
            use chorus::db::schema::recognition_pending;
            use diesel::prelude::*;
            conn.batch_execute(&down)?;
            conn.batch_execute(&up)?;
            let pending: i64 = recognition_pending::table.count().get_result(conn)?;
            Ok((pending, flags_and_raw(conn).0))
        })
        .unwrap();
    assert_eq!(pending, 1, "Acme's flags are pending until start");
    assert!(cleared.iter().all(|(_, flag)| !*flag), "{cleared:?}");
    app.restart().await;
    let (rebuilt, _) = app.db().run_sync(|c| Ok(flags_and_raw(c))).unwrap();
    assert_eq!(rebuilt, written, "flags as the writer kept them");
    assert_eq!(answers(&app).await, before);
}

/// `(mention id, author)` as each mention spells it, and as its author number names it.
type Authors = Vec<(i64, String)>;

fn authors_and_raw(conn: &mut chorus::db::DbConnection) -> (Authors, Authors) {
    use chorus::db::schema::{mention_authors, mentions};
    use diesel::prelude::*;
    let raw = mentions::table
        .select((mentions::id, mentions::author))
        .order(mentions::id.asc())
        .load(conn)
        .unwrap();
    let numbered = mentions::table
        .inner_join(mention_authors::table.on(mention_authors::id.eq(mentions::author_id)))
        .select((mentions::id, mention_authors::name))
        .order(mentions::id.asc())
        .load(conn)
        .unwrap();
    (numbered, raw)
}

/// Distinct authors per channel of `by_channel`.
fn authors_by_channel(body: &Value) -> BTreeMap<String, i64> {
    body["by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["channel"].as_str().unwrap().to_string(),
                c["authors"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Distinct authors per channel counted from the mentions' own spelling.
fn authors_from_raw(
    conn: &mut chorus::db::DbConnection,
    first: NaiveDate,
    last: NaiveDate,
    channel: Option<&str>,
) -> BTreeMap<String, i64> {
    use chorus::db::schema::mentions;
    use diesel::prelude::*;
    let rows: Vec<(NaiveDate, String, String)> = mentions::table
        .select((mentions::day, mentions::channel, mentions::author))
        .load(conn)
        .unwrap();
    let mut sets: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for (day, ch, author) in rows {
        if day >= first && day <= last && channel.is_none_or(|c| c == ch) {
            sets.entry(ch).or_default().insert(author);
        }
    }
    sets.into_iter()
        .map(|(ch, set)| (ch, set.len() as i64))
        .collect()
}

#[actix_web::test]
async fn author_numbers_name_each_mention_s_author_and_distinct_authors_follow_them() {
    let app = world().await;
    // A known author again (`ann`), a new one, and one differing only in case.
    let res = app
        .post_mentions(vec![
            json!({"brand": "Acme", "channel": "x", "author": "ann", "text": "Acme again",
                   "sentiment": "neutral", "occurred_at": "2026-02-27T11:00:00Z",
                   "external_id": "20"}),
            json!({"brand": "Globex", "channel": "x", "author": "Ann", "text": "Globex",
                   "sentiment": "positive", "occurred_at": "2026-02-27T12:00:00Z",
                   "external_id": "21"}),
            json!({"brand": "Acme", "channel": "linkedin", "author": "ivy", "text": "Acme",
                   "sentiment": "positive", "occurred_at": "2026-03-01T12:00:00Z",
                   "external_id": "22"}),
        ])
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let (numbered, raw) = app.db().run_sync(|c| Ok(authors_and_raw(c))).unwrap();
    assert_eq!(raw.len(), 11);
    assert_eq!(numbered, raw, "each mention's number names its author");
    for ((from, to, channel), body) in QUERIES.iter().zip(answers(&app).await) {
        let first: NaiveDate = from.parse().unwrap();
        let last = to.parse::<NaiveDate>().unwrap().pred_opt().unwrap();
        let expected = app
            .db()
            .run_sync(|c| Ok(authors_from_raw(c, first, last, *channel)))
            .unwrap();
        assert_eq!(
            authors_by_channel(&body),
            expected,
            "{from}..{to} {channel:?}"
        );
    }
}

#[actix_web::test]
async fn the_author_numbers_migration_backfills_what_the_writer_keeps() {
    let app = world().await;
    let before = answers(&app).await;
    let (written, raw) = app.db().run_sync(|c| Ok(authors_and_raw(c))).unwrap();
    assert_eq!(written, raw);
    let (down, up) = crate::common::migration_sql("_mention_authors");
    app.db()
        .run_sync(|conn| {
            conn.batch_execute(&down)?;
            conn.batch_execute(&up)?;
            Ok(())
        })
        .unwrap();
    let (rebuilt, _) = app.db().run_sync(|c| Ok(authors_and_raw(c))).unwrap();
    assert_eq!(rebuilt, written, "every mention numbered after its author");
    assert_eq!(answers(&app).await, before);
}
