//! Raw-click retention: with a retention period set, raw clicks older than it are deleted
//! by the background job, while reports keep their figures (rollups stay) and conversions
//! keep their attribution.

use chorus::config::RawSettings;
use chorus::db::schema::clicks;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::TestApp;

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

fn raw_clicks(app: &TestApp) -> Vec<(i64, chrono::NaiveDateTime)> {
    app.db()
        .run_sync(|conn| {
            Ok(clicks::table
                .select((clicks::id, clicks::occurred_at))
                .order(clicks::id.asc())
                .load(conn)?)
        })
        .expect("clicks")
}

/// (clicks, conversions) of the default period.
async fn kpis(app: &TestApp) -> (Value, Value) {
    let body: Value = app.get("/api/v1/kpis").await.json().await.unwrap();
    (
        body["totals"]["clicks"].clone(),
        body["totals"]["conversions"].clone(),
    )
}

#[actix_web::test]
async fn raw_clicks_past_the_retention_period_go_and_the_figures_stay() {
    let app = TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        retention_check_ms: Some(100),
        ..RawSettings::default()
    })
    .await;
    let employee = app.create_employee("ana@example.com", "Ana", None).await;
    let content = app
        .create_content(json!({"title": "Launch", "url": "https://example.com/launch"}))
        .await;
    let share = app
        .create_share(&employee["id"], &content["id"], "linkedin")
        .await;
    let slug = share["slug"].as_str().unwrap();
    let mut click_ids = Vec::new();
    for i in 0..3 {
        let res = crate::common::client()
            .get(app.url(&format!("/{slug}")))
            .header("User-Agent", CHROME)
            .header("X-Forwarded-For", format!("81.2.69.{}", 10 + i))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FOUND);
        let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
        click_ids.push(
            location
                .query_pairs()
                .find(|(k, _)| k == "chorus_click")
                .unwrap()
                .1
                .into_owned(),
        );
    }
    // The first click earns a sale.
    let sale: Value = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "sale", "click_id": click_ids[0], "value_cents": 5000, "external_id": "o-1"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sale["attributed"], true);
    let stored = raw_clicks(&app);
    assert_eq!(stored.len(), 3);
    let before = kpis(&app).await;
    assert_eq!(before.0, 3);

    // Two raw clicks are made older than the period the admin then sets (the rollups
    // keep counting them on the day they happened).
    let old = chorus::store::now() - chrono::Duration::days(60);
    let (first, second) = (stored[0].0, stored[1].0);
    app.db()
        .run_sync(move |conn| {
            diesel::update(clicks::table.filter(clicks::id.eq_any([first, second])))
                .set(clicks::occurred_at.eq(old))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
    let res = app
        .put("/api/v1/settings", &json!({"click_retention_days": 45}))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );

    let mut left = raw_clicks(&app);
    for _ in 0..100 {
        if left.len() == 1 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        left = raw_clicks(&app);
    }
    assert_eq!(left.len(), 1, "the recent click stays: {left:?}");
    assert_eq!(left[0].0, stored[2].0);

    // Reports keep every figure; the sale keeps its share and employee.
    assert_eq!(kpis(&app).await, before);
    let conversion: Value = app
        .get(&format!("/api/v1/conversions/{}", sale["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(conversion["attributed"], true, "{conversion}");
    assert_eq!(conversion["employee_id"], employee["id"], "{conversion}");
    assert_eq!(
        conversion["click_id"],
        click_ids[0].as_str(),
        "the id's text stays"
    );
}

#[actix_web::test]
async fn salts_of_past_days_are_deleted_without_any_traffic() {
    use chorus::db::schema::visitor_salts;
    let app = TestApp::spawn_with(RawSettings {
        retention_check_ms: Some(100),
        ..RawSettings::default()
    })
    .await;
    let today = chrono::Utc::now().date_naive();
    let days = [
        today - chrono::Duration::days(2),
        today - chrono::Duration::days(1),
        today,
    ];
    app.db()
        .run_sync(move |conn| {
            for day in days {
                chorus::store::salts::get_or_create(conn, day, || vec![7u8; 32])?;
            }
            Ok(())
        })
        .unwrap();
    let stored = || {
        app.db()
            .run_sync(|conn| {
                Ok(visitor_salts::table
                    .select(visitor_salts::day)
                    .order(visitor_salts::day.asc())
                    .load::<chrono::NaiveDate>(conn)?)
            })
            .unwrap()
    };
    let mut left = stored();
    for _ in 0..100 {
        if left.len() == 1 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        left = stored();
    }
    assert_eq!(
        left,
        vec![today],
        "only today's salt is left, no click needed"
    );
}
