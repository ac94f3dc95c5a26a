//! Follower and metrics snapshots: `POST`/`GET /api/v1/employees/{id}/followers` and
//! `/api/v1/shares/{id}/metrics`, the stats they feed, the self-reported filter, and the
//! store's "followers at a time" lookups that reports build on.

use chorus::config::RawSettings;
use chorus::domain::network::Network;
use chorus::domain::record::{RawNumber, Source};
use chorus::domain::snapshot::{self, FollowersInput, MetricsInput};
use chorus::store::snapshots::{
    self as snapshot_store, NewFollowerSnapshot, SnapshotRefused, Sources,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, TestApp};

fn utc(s: &str) -> NaiveDateTime {
    DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
}

async fn employee(app: &TestApp) -> i64 {
    app.create_employee("ana.kim@example.com", "Ana Kim", None)
        .await["id"]
        .as_i64()
        .unwrap()
}

async fn share(app: &TestApp) -> (i64, i64) {
    let ana = employee(app).await;
    let post = app.content_for("https://example.com/post").await;
    let share = app.create_share(&ana.into(), &post["id"], "linkedin").await;
    (ana, share["id"].as_i64().unwrap())
}

fn followers_path(id: i64) -> String {
    format!("/api/v1/employees/{id}/followers")
}

fn metrics_path(id: i64) -> String {
    format!("/api/v1/shares/{id}/metrics")
}

/// Drops the server-chosen id, for comparing whole bodies.
fn without_id(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("id").expect("id");
    v
}

// ---------------------------------------------------------------------------------------
// Followers
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn follower_snapshots_are_stored_and_listed_newest_first() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let res = app
        .post(
            &followers_path(ana),
            &json!({"network": "linkedin", "followers": 1200, "observed_at": "2026-03-01"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let first: Value = res.json().await.unwrap();
    assert!(first["id"].as_i64().is_some());
    assert_eq!(
        without_id(first),
        json!({
            "employee_id": ana,
            "network": "linkedin",
            "followers": 1200,
            "observed_at": "2026-03-01T00:00:00Z",
            "source": "api",
        })
    );

    let before = Utc::now();
    let res = app
        .post(
            &followers_path(ana),
            &json!({"network": "linkedin", "followers": 1250}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let latest: Value = res.json().await.unwrap();
    let observed: DateTime<Utc> = latest["observed_at"].as_str().unwrap().parse().unwrap();
    assert!(
        observed >= before - chrono::TimeDelta::seconds(1) && observed <= Utc::now(),
        "observed_at defaults to now: {observed}"
    );
    let res = app
        .post(
            &followers_path(ana),
            &json!({"network": "x", "followers": 0, "observed_at": "2026-03-02T09:00:00+09:00"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let x: Value = res.json().await.unwrap();
    assert_eq!(x["observed_at"], "2026-03-02T00:00:00Z", "UTC out");

    let all = app.list(&followers_path(ana), "followers").await;
    let counts: Vec<i64> = all
        .iter()
        .map(|f| f["followers"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [1250, 0, 1200], "newest observation first");
    let linkedin = app
        .list(
            &format!("{}?network=linkedin", followers_path(ana)),
            "followers",
        )
        .await;
    assert_eq!(linkedin.len(), 2);
    assert!(linkedin.iter().all(|f| f["network"] == "linkedin"));
    let one = app
        .list(&format!("{}?limit=1", followers_path(ana)), "followers")
        .await;
    assert_eq!(one.len(), 1);
}

#[actix_web::test]
async fn bare_dates_are_midnight_in_the_configured_zone() {
    let app = TestApp::spawn_with(RawSettings {
        timezone: Some("Asia/Seoul".into()),
        ..RawSettings::default()
    })
    .await;
    let ana = employee(&app).await;
    let res = app
        .post(
            &followers_path(ana),
            &json!({"network": "x", "followers": 5, "observed_at": "2026-03-01"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["observed_at"], "2026-02-28T15:00:00Z");
}

#[actix_web::test]
async fn refused_follower_snapshots_store_nothing() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let path = followers_path(ana);
    let cases = [
        (
            json!({"network": "LinkedIn", "followers": 10}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_network",
        ),
        (
            json!({"network": "myspace", "followers": 10}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_network",
        ),
        (
            json!({"network": "x", "followers": -1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_count",
        ),
        (
            json!({"network": "x", "followers": 10, "observed_at": "yesterday"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_observed_at",
        ),
        (
            json!({"network": "x", "followers": 10, "observed_at": "2999-01-01T00:00:00Z"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_observed_at",
        ),
        (
            json!({"network": "x", "followers": "10"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"network": "x", "followers": 1.5}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"network": "x"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"network": 3, "followers": 10}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"network": "x", "followers": 10, "observed_at": 1_700_000_000}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
    ];
    for (body, status, code) in cases {
        let res = app.post(&path, &body).await;
        assert_eq!(error_code(res, status).await, code, "{body}");
    }
    let res = app.post_raw(&path, "{\"network\": \"x\",").await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "malformed_json"
    );
    // Every broken field is named in the message.
    let res = app
        .post(&path, &json!({"network": "nope", "followers": -3}))
        .await;
    let body: Value = res.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("network:") && message.contains("followers: must not be negative"));

    let res = app
        .post(
            &followers_path(999_999),
            &json!({"network": "x", "followers": 10}),
        )
        .await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
    let res = app
        .post(
            "/api/v1/employees/abc/followers",
            &json!({"network": "x", "followers": 10}),
        )
        .await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");

    assert!(
        app.list(&path, "followers").await.is_empty(),
        "nothing stored"
    );
    let res = app.get(&followers_path(999_999)).await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
    let res = app.get(&format!("{path}?network=twitter")).await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_network"
    );
    let res = app.get(&format!("{path}?self_reported=maybe")).await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "invalid_query"
    );
}

fn reading(network: &str, followers: i64, at: &str) -> chorus::domain::snapshot::FollowerReading {
    snapshot::validate_followers(
        &FollowersInput {
            network,
            followers: RawNumber::Number(followers),
            observed_at: Some(at),
        },
        chorus::store::now(),
        chrono_tz::UTC,
    )
    .unwrap()
}

#[actix_web::test]
async fn followers_at_a_time_are_the_latest_snapshot_at_or_before_it() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let ben = app.create_employee("ben@example.com", "Ben", None).await["id"]
        .as_i64()
        .unwrap();
    let db = app.db();
    db.run_sync(|conn| {
        let batch: Vec<NewFollowerSnapshot> = [
            (ana, reading("linkedin", 100, "2026-03-01T00:00:00Z")),
            (ana, reading("linkedin", 300, "2026-03-10T00:00:00Z")),
            (ana, reading("linkedin", 200, "2026-03-05T00:00:00Z")),
            (ana, reading("x", 50, "2026-03-03T00:00:00Z")),
            (ben, reading("linkedin", 7, "2026-03-04T00:00:00Z")),
            // Two readings at the same time: the one written last counts.
            (ben, reading("linkedin", 8, "2026-03-04T00:00:00Z")),
        ]
        .into_iter()
        .map(|(employee_id, reading)| NewFollowerSnapshot {
            employee_id,
            reading,
        })
        .collect();
        assert_eq!(
            snapshot_store::insert_followers_batch(conn, &batch, Source::Import).unwrap(),
            6
        );
        snapshot_store::insert_followers(
            conn,
            ana,
            &reading("linkedin", 999, "2026-03-07T00:00:00Z"),
            Source::SelfReported,
        )
        .unwrap();
        Ok(())
    })
    .unwrap();

    let at = |employee: i64, network: Network, t: &str, sources: Sources| {
        db.run_sync(|conn| snapshot_store::followers_at(conn, employee, network, utc(t), sources))
            .unwrap()
    };
    let all = Sources::ALL;
    assert_eq!(
        at(ana, Network::Linkedin, "2026-02-28T23:59:59Z", all),
        None
    );
    assert_eq!(
        at(ana, Network::Linkedin, "2026-03-01T00:00:00Z", all),
        Some(100),
        "at counts"
    );
    assert_eq!(
        at(ana, Network::Linkedin, "2026-03-06T00:00:00Z", all),
        Some(200)
    );
    assert_eq!(
        at(ana, Network::Linkedin, "2026-03-08T00:00:00Z", all),
        Some(999)
    );
    assert_eq!(
        at(
            ana,
            Network::Linkedin,
            "2026-03-08T00:00:00Z",
            Sources::WITHOUT_SELF_REPORTED
        ),
        Some(200),
        "self-reported left out"
    );
    assert_eq!(
        at(ana, Network::Linkedin, "2026-04-01T00:00:00Z", all),
        Some(300)
    );
    assert_eq!(
        at(ana, Network::Facebook, "2026-04-01T00:00:00Z", all),
        None
    );
    assert_eq!(
        at(ben, Network::Linkedin, "2026-03-04T00:00:00Z", all),
        Some(8)
    );

    let pairs = [
        (ana, Network::Linkedin),
        (ana, Network::X),
        (ana, Network::Facebook),
        (ben, Network::Linkedin),
        (ben, Network::X),
    ];
    let many = |t: &str, sources: Sources| {
        db.run_sync(|conn| snapshot_store::followers_at_many(conn, &pairs, utc(t), sources))
            .unwrap()
    };
    let m = many("2026-03-08T00:00:00Z", all);
    assert_eq!(m.len(), 3);
    assert_eq!(m[&(ana, Network::Linkedin)], 999);
    assert_eq!(m[&(ana, Network::X)], 50);
    assert_eq!(m[&(ben, Network::Linkedin)], 8);
    let m = many("2026-03-08T00:00:00Z", Sources::WITHOUT_SELF_REPORTED);
    assert_eq!(m[&(ana, Network::Linkedin)], 200);
    let m = many("2026-03-02T00:00:00Z", all);
    assert_eq!(m.len(), 1);
    assert_eq!(m[&(ana, Network::Linkedin)], 100);
    // Every pair answers exactly as the single lookup does.
    for t in [
        "2026-03-04T00:00:00Z",
        "2026-03-07T00:00:00Z",
        "2026-03-30T00:00:00Z",
    ] {
        for sources in [Sources::ALL, Sources::WITHOUT_SELF_REPORTED] {
            let m = many(t, sources);
            for (employee, network) in pairs {
                assert_eq!(
                    m.get(&(employee, network)).copied(),
                    at(employee, network, t, sources),
                    "{employee} {network} {t}"
                );
            }
        }
    }
    let only_ana = db
        .run_sync(|conn| {
            snapshot_store::followers_at_many(
                conn,
                &[(ana, Network::X)],
                utc("2026-04-01T00:00:00Z"),
                all,
            )
        })
        .unwrap();
    assert_eq!(only_ana.len(), 1, "only the pairs asked for");
}

#[actix_web::test]
async fn a_batch_with_an_unknown_employee_stores_nothing() {
    let app = TestApp::spawn().await;
    let ana = employee(&app).await;
    let db = app.db();
    let refused = db
        .run_sync(|conn| {
            let batch = [
                NewFollowerSnapshot {
                    employee_id: ana,
                    reading: reading("x", 1, "2026-03-01"),
                },
                NewFollowerSnapshot {
                    employee_id: 424_242,
                    reading: reading("x", 2, "2026-03-01"),
                },
            ];
            Ok(snapshot_store::insert_followers_batch(
                conn,
                &batch,
                Source::Import,
            ))
        })
        .unwrap();
    assert!(matches!(
        refused,
        Err(SnapshotRefused::UnknownEmployee(424_242))
    ));
    assert!(app.list(&followers_path(ana), "followers").await.is_empty());
}

// ---------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------

async fn stats(app: &TestApp, share_id: i64, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/shares/{share_id}{query}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["stats"].clone()
}

#[actix_web::test]
async fn metrics_snapshots_feed_the_share_stats() {
    let app = TestApp::spawn().await;
    let (_, id) = share(&app).await;
    let res = app
        .post(
            &metrics_path(id),
            &json!({"likes": 10, "comments": 2, "reshares": 3, "impressions": 900,
                    "observed_at": "2026-03-01T12:00:00Z"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let first: Value = res.json().await.unwrap();
    assert_eq!(
        without_id(first),
        json!({
            "share_id": id,
            "likes": 10,
            "comments": 2,
            "reshares": 3,
            "impressions": 900,
            "engagement": 15,
            "observed_at": "2026-03-01T12:00:00Z",
            "source": "api",
        })
    );
    let s = stats(&app, id, "").await;
    assert_eq!(
        (s["engagement"].clone(), s["impressions"].clone()),
        (json!(15), json!(900))
    );
    assert_eq!(s["metrics_source"], "api");

    let res = app
        .post(
            &metrics_path(id),
            &json!({"likes": 20, "comments": 5, "reshares": 5, "observed_at": "2026-03-02"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let s = stats(&app, id, "").await;
    assert_eq!(s["engagement"], 30, "the latest snapshot counts");
    assert_eq!(s["impressions"], Value::Null, "it reported no impressions");
    assert_eq!(s["metrics_observed_at"], "2026-03-02T00:00:00Z");

    // Sent late but observed earlier: it does not replace the latest figure.
    let res = app
        .post(
            &metrics_path(id),
            &json!({"likes": 100, "comments": 100, "reshares": 100, "impressions": 5,
                    "observed_at": "2026-02-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(stats(&app, id, "").await["engagement"], 30);

    let all = app.list(&metrics_path(id), "metrics").await;
    let likes: Vec<i64> = all.iter().map(|m| m["likes"].as_i64().unwrap()).collect();
    assert_eq!(likes, [20, 10, 100], "newest observation first");
}

#[actix_web::test]
async fn refused_metrics_snapshots_store_nothing() {
    let app = TestApp::spawn().await;
    let (_, id) = share(&app).await;
    let path = metrics_path(id);
    let ok = json!({"likes": 1, "comments": 1, "reshares": 1});
    let with = |field: &str, value: Value| {
        let mut body = ok.clone();
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = ok.clone();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let cases = [
        (
            with("likes", json!(-1)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_count",
        ),
        (
            with("comments", json!(-5)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_count",
        ),
        (
            with("reshares", json!(-1)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_count",
        ),
        (
            with("impressions", json!(-1)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_count",
        ),
        (
            with("likes", json!(2_000_000_000_000_i64)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_count",
        ),
        (
            with("observed_at", json!("2999-01-01")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_observed_at",
        ),
        (
            with("observed_at", json!("01/03/2026")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_observed_at",
        ),
        (
            with("likes", json!("10")),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            with("likes", json!(null)),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            with("impressions", json!(2.5)),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (without("comments"), StatusCode::BAD_REQUEST, "invalid_body"),
    ];
    for (body, status, code) in cases {
        let res = app.post(&path, &body).await;
        assert_eq!(error_code(res, status).await, code, "{body}");
    }
    let res = app.post(&metrics_path(999_999), &ok).await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");

    assert!(
        app.list(&path, "metrics").await.is_empty(),
        "nothing stored"
    );
    assert_eq!(stats(&app, id, "").await["engagement"], 0);
    let res = app.get(&metrics_path(999_999)).await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");

    // `impressions: null` is the same as leaving it out.
    let res = app.post(&path, &with("impressions", Value::Null)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

fn metrics_reading(likes: i64, at: &str) -> chorus::domain::snapshot::MetricsReading {
    snapshot::validate_metrics(
        &MetricsInput {
            likes: RawNumber::Number(likes),
            comments: RawNumber::Number(0),
            reshares: RawNumber::Number(0),
            impressions: Some(RawNumber::Number(likes * 10)),
            observed_at: Some(at),
        },
        chorus::store::now(),
        chrono_tz::UTC,
    )
    .unwrap()
}

#[actix_web::test]
async fn reads_can_leave_out_self_reported_snapshots() {
    let app = TestApp::spawn().await;
    let (ana, id) = share(&app).await;
    let res = app
        .post(
            &metrics_path(id),
            &json!({"likes": 4, "comments": 0, "reshares": 0, "impressions": 40,
                    "observed_at": "2026-03-01"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post(
            &followers_path(ana),
            &json!({"network": "linkedin", "followers": 100, "observed_at": "2026-03-01"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.db()
        .run_sync(|conn| {
            snapshot_store::insert_own_metrics(conn, ana, id, &metrics_reading(9, "2026-03-05"))
                .unwrap();
            snapshot_store::insert_followers(
                conn,
                ana,
                &reading("linkedin", 150, "2026-03-05"),
                Source::SelfReported,
            )
            .unwrap();
            Ok(())
        })
        .unwrap();

    let s = stats(&app, id, "").await;
    assert_eq!(
        (s["engagement"].clone(), s["metrics_source"].clone()),
        (json!(9), json!("self_reported"))
    );
    let s = stats(&app, id, "?self_reported=true").await;
    assert_eq!(s["engagement"], 9);
    let s = stats(&app, id, "?self_reported=false").await;
    assert_eq!(
        (
            s["engagement"].clone(),
            s["impressions"].clone(),
            s["metrics_source"].clone()
        ),
        (json!(4), json!(40), json!("api"))
    );

    let metrics = app.list(&metrics_path(id), "metrics").await;
    assert_eq!(metrics.len(), 2);
    assert_eq!(metrics[0]["source"], "self_reported");
    let metrics = app
        .list(
            &format!("{}?self_reported=false", metrics_path(id)),
            "metrics",
        )
        .await;
    assert_eq!(metrics.len(), 1);
    assert_eq!(metrics[0]["source"], "api");

    let followers = app.list(&followers_path(ana), "followers").await;
    assert_eq!(followers.len(), 2);
    let followers = app
        .list(
            &format!("{}?self_reported=false", followers_path(ana)),
            "followers",
        )
        .await;
    assert_eq!(followers.len(), 1);
    assert_eq!(followers[0]["followers"], 100);
}

#[actix_web::test]
async fn employees_report_only_on_their_own_shares() {
    let app = TestApp::spawn().await;
    let (ana, id) = share(&app).await;
    let ben = app.create_employee("ben@example.com", "Ben", None).await["id"]
        .as_i64()
        .unwrap();
    let outcome = app
        .db()
        .run_sync(|conn| {
            Ok(snapshot_store::insert_own_metrics(
                conn,
                ben,
                id,
                &metrics_reading(1, "2026-03-01"),
            ))
        })
        .unwrap();
    assert!(matches!(outcome, Err(SnapshotRefused::NotOwnShare(s)) if s == id));
    let outcome = app
        .db()
        .run_sync(|conn| {
            Ok(snapshot_store::insert_own_metrics(
                conn,
                ana,
                999_999,
                &metrics_reading(1, "2026-03-01"),
            ))
        })
        .unwrap();
    assert!(matches!(
        outcome,
        Err(SnapshotRefused::UnknownShare(999_999))
    ));
    assert!(app.list(&metrics_path(id), "metrics").await.is_empty());
}
