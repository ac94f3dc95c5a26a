//! A click writer that falls behind is visible (`/healthz`, `/metrics`) and cannot hold a
//! stop hostage: after `CHORUS_SHUTDOWN_SECONDS` the server stops anyway, and the clicks
//! it answered but did not commit are stored from the journal at the next start.

use std::time::Duration;

use chorus::config::RawSettings;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::TestApp;

const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

async fn click(app: &TestApp, slug: &str) {
    let res = app
        .client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", CHROME)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
}

async fn health(app: &TestApp) -> Value {
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK, "degraded is still 200");
    res.json().await.unwrap()
}

async fn metric(app: &TestApp, name: &str) -> f64 {
    let body = app.get("/metrics").await.text().await.unwrap();
    body.lines()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("{name} in {body}"))
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn a_stalled_writer_is_reported_and_a_stop_leaves_its_clicks_to_the_journal() {
    let mut app = TestApp::spawn_with(RawSettings {
        shutdown_seconds: Some(1),
        click_lag_seconds: Some(1),
        ..RawSettings::default()
    })
    .await;
    let share = app.share_by_new_employee("lag", "x").await;
    let slug = share["slug"].as_str().unwrap().to_string();
    click(&app, &slug).await;
    app.clicks.settle().await;
    let healthy = health(&app).await;
    assert_eq!(healthy["status"], "ok");
    assert_eq!(healthy["clicks"]["pending"], 0);
    assert_eq!(healthy["clicks"]["oldest_uncommitted_s"], Value::Null);

    // The writer hangs (as on a stuck disk) far longer than a stop may take.
    app.clicks.stall(Duration::from_secs(600)).await;
    for _ in 0..3 {
        click(&app, &slug).await;
    }
    let mut status = health(&app).await;
    for _ in 0..50 {
        if status["status"] == "degraded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = health(&app).await;
    }
    assert_eq!(status["status"], "degraded", "{status}");
    assert_eq!(status["clicks"]["pending"], 3);
    assert!(status["clicks"]["oldest_uncommitted_s"].as_f64().unwrap() > 1.0);
    assert_eq!(metric(&app, "chorus_clicks_pending").await, 3.0);
    assert!(metric(&app, "chorus_clicks_oldest_uncommitted_seconds").await > 1.0);

    // The stop ends although the writer never finished its work …
    tokio::time::timeout(Duration::from_secs(60), app.restart())
        .await
        .expect("a stop is bounded by CHORUS_SHUTDOWN_SECONDS");
    // … and the next start stores the three answered clicks from the journal (the segment
    // is replayed whole; the click committed before the stall is recognised by its id).
    assert!(metric(&app, "chorus_clicks_replayed_total").await >= 3.0);
    let stats: Value = app
        .get(&format!("/api/v1/shares/{}", share["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stats["stats"]["raw_clicks"], 4, "{stats}");
    assert_eq!(health(&app).await["status"], "ok");
}
