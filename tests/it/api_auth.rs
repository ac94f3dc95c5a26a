//! Bearer-key auth and the JSON error contract on paths actix answers itself.

use chorus::domain::api_key::Scope;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{error_code, TestApp};

#[actix_web::test]
async fn missing_key_is_401_with_json_error() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(app.url("/api/v1/employees"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("www-authenticate").unwrap(), "Bearer");
    assert_eq!(
        error_code(res, StatusCode::UNAUTHORIZED).await,
        "unauthorized"
    );
}

#[actix_web::test]
async fn wrong_or_malformed_key_is_401() {
    let app = TestApp::spawn().await;
    for header in [
        "Bearer chr_sk_0000",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "chr_sk_nothing",
    ] {
        let res = app
            .client
            .get(app.url("/api/v1/employees"))
            .header("Authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_code(res, StatusCode::UNAUTHORIZED).await,
            "unauthorized",
            "{header}"
        );
    }
}

#[actix_web::test]
async fn refused_request_without_key_stores_nothing() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .post(app.url("/api/v1/employees"))
        .json(&json!({"email": "intruder@example.com", "name": "Intruder"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(app.employees().await.is_empty());
}

#[actix_web::test]
async fn publishable_key_cannot_manage_employees() {
    let app = TestApp::spawn().await;
    let publishable = app.create_api_key(Scope::Publishable);
    let res = app
        .client
        .get(app.url("/api/v1/employees"))
        .bearer_auth(&publishable)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res, StatusCode::FORBIDDEN).await, "forbidden");
}

#[actix_web::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = TestApp::spawn().await;
    assert_eq!(
        error_code(app.get("/api/v1/nothing-here").await, StatusCode::NOT_FOUND).await,
        "not_found"
    );
    assert_eq!(
        error_code(app.get("/api/v2/employees").await, StatusCode::NOT_FOUND).await,
        "not_found"
    );
    let res = app
        .client
        .delete(app.url("/api/v1/employees"))
        .bearer_auth(&app.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(res, StatusCode::METHOD_NOT_ALLOWED).await,
        "method_not_allowed"
    );
    assert_eq!(
        error_code(
            app.get("/api/v1/employees/not-a-number").await,
            StatusCode::NOT_FOUND
        )
        .await,
        "not_found"
    );
}

#[actix_web::test]
async fn healthz_checks_the_database() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(
        body["database"],
        if crate::common::is_postgres() {
            "postgres"
        } else {
            "sqlite"
        }
    );
}
