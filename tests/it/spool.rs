//! A database that cannot commit does not fail redirects: clicks wait in the spool and
//! arrive once it is back.

use std::time::Duration;

use chorus::config::RawSettings;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{is_postgres, TestApp};

const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/// Holds the clicks table locked until dropped, as a stuck migration or backup would.
enum Lock {
    Sqlite(diesel::SqliteConnection),
    Postgres(diesel::PgConnection),
}

impl Lock {
    fn take(database_url: &str) -> Lock {
        if is_postgres() {
            let mut c = diesel::PgConnection::establish(database_url).unwrap();
            c.batch_execute("BEGIN; LOCK TABLE clicks IN ACCESS EXCLUSIVE MODE;")
                .unwrap();
            Lock::Postgres(c)
        } else {
            let path = database_url.trim_start_matches("sqlite://");
            let mut c = diesel::SqliteConnection::establish(path).unwrap();
            c.batch_execute("BEGIN EXCLUSIVE;").unwrap();
            Lock::Sqlite(c)
        }
    }

    fn release(self) {
        match self {
            Lock::Sqlite(mut c) => c.batch_execute("ROLLBACK").unwrap(),
            Lock::Postgres(mut c) => c.batch_execute("ROLLBACK").unwrap(),
        }
    }
}

#[actix_web::test]
async fn clicks_wait_in_the_spool_while_the_database_cannot_commit() {
    let app = TestApp::spawn_with(RawSettings::default()).await;
    let share = app.share_by_new_employee("spool", "linkedin").await;
    let slug = share["slug"].as_str().unwrap().to_string();
    // Warm the visitor salt and the link cache while the database still answers.
    let res = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", CHROME)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    app.clicks.settle().await;

    let lock = Lock::take(&app.database_url);
    let res = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", "curl/8.5.0")
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "answered although the database is locked"
    );
    // The redirect is answered once the click is in the journal; the writer moves it to
    // the spool when its commit times out.
    let spool = app.dir.path().join("spool").join("clicks.spool");
    let mut spooled = 0;
    for _ in 0..50 {
        spooled = std::fs::metadata(&spool).unwrap().len();
        if spooled > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(spooled > 0, "the click waits in the spool");
    lock.release();

    let mut raw = 0;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let body: Value = app
            .get(&format!("/api/v1/shares/{}", share["id"]))
            .await
            .json()
            .await
            .unwrap();
        raw = body["stats"]["raw_clicks"].as_i64().unwrap();
        if raw == 2 {
            break;
        }
    }
    assert_eq!(raw, 2, "the spooled click was replayed");
    let body: Value = app
        .get(&format!("/api/v1/shares/{}", share["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["stats"]["bot_clicks"], 1);
    assert_eq!(
        std::fs::metadata(&spool).unwrap().len(),
        0,
        "the spool is emptied"
    );
}
