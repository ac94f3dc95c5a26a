//! Panics are reported as what they are (issue 15, defect 8): a panic inside a database
//! call is an internal error (500), not an unavailable database (503), and leaves no
//! half-open transaction behind; a click writer that panics is restarted on the same
//! queue and journal, and no answered click is lost.

use std::time::Duration;

use actix_web::ResponseError;
use chorus::config::{DatabaseUrl, RawSettings, SqliteSync};
use chorus::db::{Connector, Db};
use chorus::error::{ApiError, PageError};
use chorus::store::StoreError;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::TestApp;

const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

#[actix_web::test]
async fn a_panic_in_a_database_call_is_an_internal_error_not_an_outage() {
    let app = TestApp::spawn().await;
    let outcome = app
        .db()
        .run(|_| -> Result<(), StoreError> { panic!("a bug in a query") })
        .await;
    let err = match outcome {
        Err(StoreError::Panicked(message)) => {
            assert_eq!(message, "a bug in a query");
            StoreError::Panicked(message)
        }
        other => panic!("expected the panic, got {other:?}"),
    };
    let api = ApiError::from(err);
    assert_eq!(api.status_code().as_u16(), 500);
    let body = actix_web::body::to_bytes(api.error_response().into_body())
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "internal_error");
    assert_eq!(
        PageError::from(StoreError::Panicked("x".into()))
            .status_code()
            .as_u16(),
        500
    );
    // The server itself is fine.
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
}

fn teams_named(conn: &mut chorus::db::DbConnection, name: &str) -> Result<i64, StoreError> {
    use chorus::db::schema::teams;
    Ok(teams::table
        .filter(teams::name.eq(name))
        .count()
        .get_result(conn)?)
}

#[actix_web::test]
async fn a_panic_inside_a_transaction_leaves_nothing_behind_and_the_pool_goes_on() {
    use chorus::db::schema::teams;
    let app = TestApp::spawn().await;
    let url = DatabaseUrl::parse(&app.database_url).unwrap();
    // One connection: were the panicked one handed back, the next call would run inside
    // its open transaction (and see its row, or wait on its lock).
    let db = Db::open(Connector::new(url, SqliteSync::Normal), 1).unwrap();
    let insert = |name: &'static str| {
        move |conn: &mut chorus::db::DbConnection| {
            diesel::insert_into(teams::table)
                .values((
                    teams::name.eq(name),
                    teams::created_at.eq(chorus::store::now()),
                ))
                .execute(conn)
        }
    };
    let outcome = db
        .run(move |conn| {
            conn.transaction::<(), diesel::result::Error, _>(|conn| {
                insert("ghost")(conn)?;
                panic!("after an insert, inside a transaction")
            })?;
            Ok(())
        })
        .await;
    assert!(
        matches!(outcome, Err(StoreError::Panicked(_))),
        "{outcome:?}"
    );
    assert_eq!(db.run(|c| teams_named(c, "ghost")).await.unwrap(), 0);
    db.run(move |conn| Ok(insert("real")(conn)?)).await.unwrap();
    assert_eq!(app.db().run(|c| teams_named(c, "real")).await.unwrap(), 1);
}

async fn click(app: &TestApp, slug: &str) -> StatusCode {
    app.client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", CHROME)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap()
        .status()
}

async fn restarts(app: &TestApp) -> (Value, u64) {
    let health: Value = app.get("/healthz").await.json().await.unwrap();
    let body = app.get("/metrics").await.text().await.unwrap();
    let metric = body
        .lines()
        .find_map(|line| line.strip_prefix("chorus_click_writer_restarts_total "))
        .unwrap_or_else(|| panic!("restarts in {body}"))
        .parse()
        .unwrap();
    (health, metric)
}

#[actix_web::test]
async fn a_writer_that_panics_is_restarted_and_redirects_keep_being_recorded() {
    let app = TestApp::spawn().await;
    let share = app.share_by_new_employee("writer", "linkedin").await;
    let (share_id, slug) = (
        share["id"].as_i64().unwrap(),
        share["slug"].as_str().unwrap().to_string(),
    );
    assert_eq!(click(&app, &slug).await, StatusCode::FOUND);
    assert_eq!(app.clicks_of(share_id).await.len(), 1);
    let (health, metric) = restarts(&app).await;
    assert_eq!(
        (health["clicks"]["writer_restarts"].as_u64(), metric),
        (Some(0), 0)
    );

    // The next batch panics halfway (after it was answered from the journal).
    app.clicks.panic_once().await;
    for _ in 0..3 {
        assert_eq!(click(&app, &slug).await, StatusCode::FOUND);
    }
    assert_eq!(
        app.clicks_of(share_id).await.len(),
        4,
        "the batch in hand is written again"
    );
    let (health, metric) = restarts(&app).await;
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["clicks"]["writer_restarts"], 1, "{health}");
    assert_eq!(health["clicks"]["pending"], 0, "{health}");
    assert_eq!(metric, 1);

    // And the writer goes on.
    assert_eq!(click(&app, &slug).await, StatusCode::FOUND);
    assert_eq!(app.clicks_of(share_id).await.len(), 5);
}

#[actix_web::test]
async fn redirects_waiting_for_the_database_are_answered_after_a_writer_panic() {
    let app = TestApp::spawn_with(RawSettings {
        click_durability: Some("database".into()),
        ..RawSettings::default()
    })
    .await;
    let share = app.share_by_new_employee("waiting", "linkedin").await;
    let (share_id, slug) = (
        share["id"].as_i64().unwrap(),
        share["slug"].as_str().unwrap().to_string(),
    );
    app.clicks.panic_once().await;
    // This redirect waits for the commit of the batch that panics: the supervisor writes
    // that batch again and answers it.
    assert_eq!(click(&app, &slug).await, StatusCode::FOUND);
    assert_eq!(click(&app, &slug).await, StatusCode::FOUND);
    assert_eq!(app.clicks_of(share_id).await.len(), 2);
    let (_, metric) = restarts(&app).await;
    assert_eq!(metric, 1);
}
