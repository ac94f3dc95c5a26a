//! `POST`/`GET /api/v1/support-cases`: validation, `external_id` as the key of updates,
//! filters and the response-time summary.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, TestApp};

const PATH: &str = "/api/v1/support-cases";

async fn create(app: &TestApp, body: Value) -> Value {
    let res = app.post(PATH, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create {body}");
    res.json().await.unwrap()
}

async fn cases(app: &TestApp, query: &str) -> Vec<Value> {
    app.list(&format!("{PATH}{query}"), "support_cases").await
}

async fn summary(app: &TestApp, query: &str) -> Value {
    let res = app.get(&format!("{PATH}{query}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["summary"].clone()
}

#[actix_web::test]
async fn a_case_is_stored_with_its_response_and_resolution_times() {
    let app = TestApp::spawn().await;
    let case = create(
        &app,
        json!({"channel": "Twitter", "opened_at": "2026-03-01T10:00:00Z",
               "first_response_at": "2026-03-01T10:30:00+00:00",
               "resolved_at": "2026-03-01T14:00:00Z", "external_id": "zd-1"}),
    )
    .await;
    let id = case["id"].as_i64().unwrap();
    assert_eq!(
        case,
        json!({
            "id": id,
            "channel": "twitter",
            "opened_at": "2026-03-01T10:00:00Z",
            "first_response_at": "2026-03-01T10:30:00Z",
            "resolved_at": "2026-03-01T14:00:00Z",
            "external_id": "zd-1",
            "status": "resolved",
            "first_response_seconds": 1800,
            "resolution_seconds": 14400,
        })
    );
    let res = app.get(&format!("{PATH}/{id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), case);
    let open = create(
        &app,
        json!({"channel": "linkedin", "opened_at": "2026-03-02"}),
    )
    .await;
    assert_eq!(open["status"], "open");
    assert_eq!(open["first_response_at"], Value::Null);
    assert_eq!(open["first_response_seconds"], Value::Null);
    assert_eq!(open["external_id"], Value::Null);
    assert_eq!(cases(&app, "").await, [open, case], "newest opened first");
    let res = app.get(&format!("{PATH}/999999")).await;
    assert_eq!(error_code(res, StatusCode::NOT_FOUND).await, "not_found");
}

#[actix_web::test]
async fn refused_cases_store_nothing() {
    let app = TestApp::spawn().await;
    let ok = json!({"channel": "x", "opened_at": "2026-03-01T10:00:00Z"});
    let with = |field: &str, value: Value| {
        let mut body = ok.clone();
        body[field] = value;
        body
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let refusals = [
        (
            with("first_response_at", json!("2026-03-01T09:59:59Z")),
            unprocessable,
            "invalid_time_order",
        ),
        (
            with("resolved_at", json!("2026-02-28")),
            unprocessable,
            "invalid_time_order",
        ),
        (
            with("channel", json!("Customer Care")),
            unprocessable,
            "invalid_channel",
        ),
        (with("channel", json!("")), unprocessable, "invalid_channel"),
        (
            with("channel", json!("a".repeat(33))),
            unprocessable,
            "invalid_channel",
        ),
        (
            with("opened_at", json!("yesterday")),
            unprocessable,
            "invalid_opened_at",
        ),
        (
            with("opened_at", json!("")),
            unprocessable,
            "invalid_opened_at",
        ),
        (
            with("opened_at", json!("2999-01-01")),
            unprocessable,
            "invalid_opened_at",
        ),
        (
            with("first_response_at", json!("2026-13-01")),
            unprocessable,
            "invalid_first_response_at",
        ),
        (
            with("resolved_at", json!("2999-01-01T00:00:00Z")),
            unprocessable,
            "invalid_resolved_at",
        ),
        (
            with("external_id", json!("z".repeat(257))),
            unprocessable,
            "invalid_external_id",
        ),
        (
            with("opened_at", json!(1_700_000_000)),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            with("channel", json!(["x"])),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            with("resolved_at", json!(true)),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"channel": "x"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
    ];
    for (body, status, code) in refusals {
        let res = app.post(PATH, &body).await;
        assert_eq!(error_code(res, status).await, code, "{body}");
    }
    let res = app.post_raw(PATH, "{\"channel\": ").await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "malformed_json"
    );
    assert!(cases(&app, "").await.is_empty(), "nothing stored");
}

#[actix_web::test]
async fn the_same_external_id_updates_the_case_it_names() {
    let app = TestApp::spawn().await;
    let opened =
        json!({"channel": "twitter", "opened_at": "2026-03-01T10:00:00Z", "external_id": 42});
    let first = create(&app, opened.clone()).await;
    assert_eq!(first["external_id"], "42", "numeric ids are kept as text");

    // The same report again: 200 with the stored case, nothing added.
    let res = app.post(PATH, &opened).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), first);

    // Answered: the support tool sends the case again with its first response.
    let mut answered = opened.clone();
    answered["first_response_at"] = json!("2026-03-01T10:20:00Z");
    let res = app.post(PATH, &answered).await;
    assert_eq!(res.status(), StatusCode::OK);
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["id"], first["id"]);
    assert_eq!(updated["first_response_seconds"], 1200);
    assert_eq!(updated["status"], "open");

    // Resolved, sent without the first response: the stored one is kept.
    let mut resolved = opened.clone();
    resolved["resolved_at"] = json!("2026-03-02T10:00:00Z");
    let res = app.post(PATH, &resolved).await;
    assert_eq!(res.status(), StatusCode::OK);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["first_response_at"], "2026-03-01T10:20:00Z");
    assert_eq!(done["resolved_at"], "2026-03-02T10:00:00Z");
    assert_eq!(done["status"], "resolved");

    // An update that would put the first response before the opening is refused whole.
    let mut late = opened.clone();
    late["opened_at"] = json!("2026-03-01T11:00:00Z");
    let res = app.post(PATH, &late).await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_time_order"
    );
    let all = cases(&app, "").await;
    assert_eq!(all, [done], "one case, as it was before the refused update");

    // Cases without an external id are never merged.
    let anonymous = json!({"channel": "twitter", "opened_at": "2026-03-01T10:00:00Z"});
    create(&app, anonymous.clone()).await;
    create(&app, anonymous).await;
    assert_eq!(cases(&app, "").await.len(), 3);
}

#[actix_web::test]
async fn concurrent_reports_of_one_case_make_one_case() {
    let app = TestApp::spawn().await;
    let body =
        json!({"channel": "x", "opened_at": "2026-03-01T10:00:00Z", "external_id": "race-1"});
    let responses = futures_util::future::join_all((0..8).map(|_| app.post(PATH, &body))).await;
    let mut created = 0;
    for res in responses {
        match res.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(cases(&app, "").await.len(), 1);
}

#[actix_web::test]
async fn cases_are_filtered_and_summarised() {
    let app = TestApp::spawn().await;
    let empty = summary(&app, "").await;
    assert_eq!(
        empty,
        json!({"cases": 0, "answered": 0, "median_first_response_s": null,
               "p90_first_response_s": null, "resolved": 0, "resolved_share": null}),
        "no data, never 0 %"
    );
    // (channel, opened, first response after s, resolved)
    for (channel, opened, response, resolved) in [
        ("twitter", "2026-03-01T10:00:00Z", Some(60), true),
        ("twitter", "2026-03-02T10:00:00Z", Some(120), false),
        ("linkedin", "2026-03-03T10:00:00Z", Some(600), true),
        ("linkedin", "2026-03-04T10:00:00Z", None, false),
        ("facebook", "2026-04-01T10:00:00Z", Some(30), false),
    ] {
        let opened_at: chrono::DateTime<chrono::Utc> = opened.parse().unwrap();
        let mut body = json!({"channel": channel, "opened_at": opened});
        if let Some(s) = response {
            body["first_response_at"] =
                json!((opened_at + chrono::TimeDelta::seconds(s)).to_rfc3339());
        }
        if resolved {
            body["resolved_at"] = json!((opened_at + chrono::TimeDelta::hours(5)).to_rfc3339());
        }
        create(&app, body).await;
    }

    let march = "?from=2026-03-01&to=2026-04-01";
    assert_eq!(cases(&app, march).await.len(), 4);
    assert_eq!(
        summary(&app, march).await,
        json!({"cases": 4, "answered": 3, "median_first_response_s": 120.0,
               "p90_first_response_s": 600, "resolved": 2, "resolved_share": 0.5})
    );
    let twitter = cases(&app, "?channel=Twitter").await;
    assert_eq!(twitter.len(), 2);
    assert!(twitter.iter().all(|c| c["channel"] == "twitter"));
    assert_eq!(
        summary(&app, "?channel=twitter").await["median_first_response_s"],
        90.0
    );
    let open = cases(&app, "?status=open").await;
    assert_eq!(open.len(), 3);
    assert!(open.iter().all(|c| c["status"] == "open"));
    assert_eq!(cases(&app, "?status=resolved").await.len(), 2);
    assert_eq!(
        cases(&app, "?status=all&channel=linkedin&from=2026-03-04")
            .await
            .len(),
        1
    );
    assert_eq!(
        cases(&app, "?to=2026-03-02T10:00:00Z").await.len(),
        1,
        "to is exclusive"
    );
    assert_eq!(cases(&app, "?limit=2").await.len(), 2);
    assert_eq!(cases(&app, "?limit=2&offset=4").await.len(), 1);
    assert_eq!(
        summary(&app, "?limit=1").await["cases"],
        5,
        "the summary covers every match"
    );

    for (query, code) in [
        ("?status=closed", "invalid_status"),
        ("?channel=a%20b", "invalid_channel"),
        ("?from=yesterday", "invalid_from"),
        ("?to=2026-13-01", "invalid_to"),
        ("?from=2026-03-02&to=2026-03-01", "invalid_period"),
    ] {
        let res = app.get(&format!("{PATH}{query}")).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            code,
            "{query}"
        );
    }
    let res = app.get(&format!("{PATH}?limit=many")).await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "invalid_query"
    );
}
