//! The click writer's store calls on a real database (SQLite file or PostgreSQL): first
//! deliveries, replays of what may be stored already, and unique visitors rebuilt after a
//! restart. Redirect-level behaviour is in `redirect.rs` and `crash.rs`.

use chorus::store::clicks::{
    insert_batch, totals_for, ClickKind, ClickTotals, Delivery, NewClick, Visitors,
};
use chrono::Utc;

use crate::common::TestApp;

fn click(id: &str, share_id: i64, visitor: &str, kind: ClickKind) -> NewClick {
    // The day must be the one of the time (UTC, the tests' zone): a restarted writer
    // rebuilds a day's visitors from the clicks stored in that day's hours.
    let now = Utc::now().naive_utc();
    NewClick {
        click_id: id.to_string(),
        share_id,
        occurred_at: now,
        day: now.date(),
        visitor: format!("{visitor:0>32}"),
        kind,
        flag_reason: None,
        country: None,
        region: None,
        city: None,
        referrer_host: None,
        browser: Some("Chrome".into()),
        os: None,
        device: Some("desktop".into()),
    }
}

fn totals(app: &TestApp, share_id: i64) -> ClickTotals {
    app.db()
        .run_sync(move |conn| totals_for(conn, &[share_id]))
        .unwrap()
        .get(&share_id)
        .copied()
        .unwrap_or_default()
}

/// What a writer starting now holds: memory (SQLite) or the table (PostgreSQL).
fn fresh_visitors(app: &TestApp) -> Visitors {
    app.db()
        .run_sync(|conn| Ok(Visitors::for_connection(conn)))
        .unwrap()
}

async fn a_share(app: &TestApp) -> i64 {
    let employee = app
        .create_employee("store@example.com", "Store Person", None)
        .await;
    let content = app.content_for("https://example.com/store").await;
    let share = app
        .create_share(&employee["id"], &content["id"], "linkedin")
        .await;
    share["id"].as_i64().unwrap()
}

fn write(
    app: &TestApp,
    visitors: &mut Visitors,
    batch: &[NewClick],
    delivery: Delivery,
) -> Result<usize, chorus::store::StoreError> {
    app.db()
        .run_sync(|conn| insert_batch(conn, visitors, batch, &[], delivery))
}

#[actix_web::test]
async fn a_replayed_batch_counts_only_what_is_new() {
    let app = TestApp::spawn().await;
    let share = a_share(&app).await;
    let mut visitors = fresh_visitors(&app);

    let first = vec![
        click("0000000first0001", share, "a1", ClickKind::Human),
        click("0000000first0002", share, "a1", ClickKind::Human),
        click("0000000first0003", share, "b2", ClickKind::Human),
        click("0000000first0004", share, "c3", ClickKind::Bot),
    ];
    assert_eq!(
        write(&app, &mut visitors, &first, Delivery::First).unwrap(),
        4
    );
    let expected = ClickTotals {
        human: 3,
        unique: 2,
        bot: 1,
        ..Default::default()
    };
    assert_eq!(totals(&app, share), expected);

    // The same batch again, with one new click that appears twice.
    let mut replay = first.clone();
    replay.push(click("0000000first0005", share, "d4", ClickKind::Human));
    replay.push(click("0000000first0005", share, "d4", ClickKind::Human));
    assert_eq!(
        write(&app, &mut visitors, &replay, Delivery::Replay).unwrap(),
        1,
        "only the new click"
    );
    let expected = ClickTotals {
        human: 4,
        unique: 3,
        bot: 1,
        ..Default::default()
    };
    assert_eq!(totals(&app, share), expected);

    // A writer that starts afresh (a restart) knows the day's visitors from what is stored.
    let mut restarted = fresh_visitors(&app);
    assert_eq!(
        write(&app, &mut restarted, &replay, Delivery::Replay).unwrap(),
        0
    );
    let more = vec![
        click("0000000after0001", share, "a1", ClickKind::Human),
        click("0000000after0002", share, "e5", ClickKind::Human),
    ];
    assert_eq!(
        write(&app, &mut restarted, &more, Delivery::First).unwrap(),
        2
    );
    let expected = ClickTotals {
        human: 6,
        unique: 4,
        bot: 1,
        ..Default::default()
    };
    assert_eq!(
        totals(&app, share),
        expected,
        "a1 was seen before the restart"
    );
}

#[actix_web::test]
async fn a_first_delivery_with_a_stored_id_changes_nothing() {
    let app = TestApp::spawn().await;
    let share = a_share(&app).await;
    let mut visitors = fresh_visitors(&app);
    let stored = click("000000stored0001", share, "a1", ClickKind::Human);
    write(
        &app,
        &mut visitors,
        std::slice::from_ref(&stored),
        Delivery::First,
    )
    .unwrap();

    // Cannot happen with generated ids; if it did, the batch fails whole and the writer
    // replays it from the spool.
    let batch = vec![
        click("000000stored0002", share, "b2", ClickKind::Human),
        stored,
    ];
    assert!(write(&app, &mut visitors, &batch, Delivery::First).is_err());
    let expected = ClickTotals {
        human: 1,
        unique: 1,
        ..Default::default()
    };
    assert_eq!(totals(&app, share), expected, "rolled back");
    assert_eq!(app.clicks_of(share).await.len(), 1);

    assert_eq!(
        write(&app, &mut visitors, &batch, Delivery::Replay).unwrap(),
        1
    );
    let expected = ClickTotals {
        human: 2,
        unique: 2,
        ..Default::default()
    };
    assert_eq!(
        totals(&app, share),
        expected,
        "the replay writes the new one"
    );
}
