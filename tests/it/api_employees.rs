//! `/api/v1/employees` and `/api/v1/teams`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, TestApp};

#[actix_web::test]
async fn employees_are_created_and_listed() {
    let app = TestApp::spawn().await;
    let ana = app
        .create_employee("Ana.Kim@Example.com", "Ana Kim", Some("Sales"))
        .await;
    assert_eq!(ana["email"], "ana.kim@example.com", "e-mail is normalised");
    assert_eq!(ana["name"], "Ana Kim");
    assert_eq!(ana["team"], "Sales");
    assert_eq!(ana["role"], "employee");
    assert!(ana["id"].as_i64().unwrap() > 0);

    let res = app
        .post(
            "/api/v1/employees",
            &json!({"email": "min@example.com", "name": "김민지", "role": "admin"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let min: Value = res.json().await.unwrap();
    assert_eq!(min["team"], Value::Null);
    assert_eq!(min["role"], "admin");

    let all = app.employees().await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], ana, "sorted by name, same shape as on creation");
    assert_eq!(all[1], min);

    let one: Value = app
        .get(&format!("/api/v1/employees/{}", ana["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one, ana);
    assert_eq!(
        error_code(
            app.get("/api/v1/employees/999999").await,
            StatusCode::NOT_FOUND
        )
        .await,
        "not_found"
    );
}

#[actix_web::test]
async fn duplicate_email_is_409_and_adds_nothing() {
    let app = TestApp::spawn().await;
    app.create_employee("ana@example.com", "Ana", Some("Sales"))
        .await;
    let res = app
        .post(
            "/api/v1/employees",
            &json!({"email": "ANA@example.com", "name": "Other Ana", "team": "Marketing"}),
        )
        .await;
    assert_eq!(error_code(res, StatusCode::CONFLICT).await, "email_taken");
    assert_eq!(app.employees().await.len(), 1);
    // The refused employee's new team was rolled back with it.
    let teams: Value = app.get("/api/v1/teams").await.json().await.unwrap();
    let names: Vec<&str> = teams["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Sales"]);
}

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    for body in ["{\"email\": \"a@example.com\",", "not json", "", "[1, 2"] {
        let res = app.post_raw("/api/v1/employees", body.to_string()).await;
        let code = error_code(res, StatusCode::BAD_REQUEST).await;
        assert!(
            code == "malformed_json" || code == "invalid_body",
            "{body:?} gave {code}"
        );
    }
    assert!(app.employees().await.is_empty());
}

#[actix_web::test]
async fn wrong_types_are_400() {
    let app = TestApp::spawn().await;
    for body in [
        json!({"email": 5, "name": "Ana"}),
        json!({"email": "ana@example.com"}),
        json!({"email": "ana@example.com", "name": ["Ana"]}),
        json!({"email": "ana@example.com", "name": "Ana", "team": 3}),
        json!([{"email": "ana@example.com", "name": "Ana"}]),
    ] {
        let res = app.post("/api/v1/employees", &body).await;
        assert_eq!(
            error_code(res, StatusCode::BAD_REQUEST).await,
            "invalid_body",
            "{body}"
        );
    }
    assert!(app.employees().await.is_empty());
}

#[actix_web::test]
async fn rule_violations_are_422_and_store_nothing() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"email": "not-an-address", "name": "Ana"}),
            "invalid_email",
        ),
        (
            json!({"email": "ana@example", "name": "Ana"}),
            "invalid_email",
        ),
        (
            json!({"email": "ana@example.com", "name": "   "}),
            "invalid_name",
        ),
        (
            json!({"email": "ana@example.com", "name": "Ana", "role": "owner"}),
            "invalid_role",
        ),
        (
            json!({"email": "ana@example.com", "name": "Ana", "team": "x".repeat(300)}),
            "invalid_team",
        ),
    ];
    for (body, expected) in cases {
        let res = app.post("/api/v1/employees", &body).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            expected,
            "{body}"
        );
    }
    assert!(app.employees().await.is_empty());
    let teams: Value = app.get("/api/v1/teams").await.json().await.unwrap();
    assert!(teams["teams"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn three_megabyte_body_is_413() {
    let app = TestApp::spawn().await;
    let big = format!(
        "{{\"email\": \"a@example.com\", \"name\": \"{}\"}}",
        "a".repeat(3 * 1024 * 1024)
    );
    let res = app.post_raw("/api/v1/employees", big).await;
    assert_eq!(
        error_code(res, StatusCode::PAYLOAD_TOO_LARGE).await,
        "payload_too_large"
    );
    assert!(app.employees().await.is_empty());
}

#[actix_web::test]
async fn data_survives_a_restart() {
    let mut app = TestApp::spawn().await;
    let ana = app
        .create_employee("ana@example.com", "Ana", Some("Sales"))
        .await;
    app.restart().await;
    assert_eq!(app.employees().await, vec![ana]);
}

#[actix_web::test]
async fn teams_are_created_listed_and_unique() {
    let app = TestApp::spawn().await;
    let res = app
        .post("/api/v1/teams", &json!({"name": "Engineering"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.create_employee("a@example.com", "A", Some("Engineering"))
        .await;
    app.create_employee("b@example.com", "B", Some("Engineering"))
        .await;
    app.create_employee("c@example.com", "C", Some("Design"))
        .await;
    let res = app
        .post("/api/v1/teams", &json!({"name": "Engineering"}))
        .await;
    assert_eq!(error_code(res, StatusCode::CONFLICT).await, "team_exists");
    let res = app.post("/api/v1/teams", &json!({"name": ""})).await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_name"
    );
    let teams: Value = app.get("/api/v1/teams").await.json().await.unwrap();
    let rows: Vec<(String, i64)> = teams["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["employees"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [("Design".to_string(), 1), ("Engineering".to_string(), 2)]
    );
}

/// Regression: concurrent creations once failed with "database is locked" (a deferred
/// SQLite transaction that read before it wrote).
#[actix_web::test]
async fn concurrent_creations_all_succeed() {
    let app = TestApp::spawn().await;
    let bodies: Vec<Value> = (0..24)
        .map(|i| json!({"email": format!("p{i}@example.com"), "name": format!("P{i}"), "team": format!("T{}", i % 3)}))
        .collect();
    let requests = bodies
        .iter()
        .map(|body| app.post("/api/v1/employees", body));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(requests)
        .await
        .iter()
        .map(|r| r.status())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert_eq!(app.employees().await.len(), 24);
}
