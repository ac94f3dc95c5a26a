//! Rollups of the KPI report kept on write: `mention_topic_days` (mentions per local day,
//! channel, topic and brand, added to with every tagged mention) must hold exactly what
//! the topic tags and their mentions say, the share of voice by topic read from it must
//! equal the one counted from the raw tags for any period and channel, and the
//! migration's backfill must give the rows the writer keeps.

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
    // Hand-counted: February 27 has ann (reliable), bob (reliable, secure) and fay
    // (reliable), all Acme; the repeated Globex mention of the 28th counts once.
    assert_eq!(
        by_topic_of(&bodies[1]),
        BTreeMap::from([
            ("reliable".to_string(), (3, 3)),
            ("secure".to_string(), (1, 2)),
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
