//! `GET/POST /api/v1/api-keys`, `DELETE /api/v1/api-keys/{id}`: keys made, listed (never
//! their secrets), revoked; the secret shown only in the creation's answer; last use noted
//! at most once a minute; a key cannot revoke itself.

use chorus::domain::api_key::Scope;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{client, error_code, TestApp};

async fn keys(app: &TestApp) -> Vec<Value> {
    app.list("/api/v1/api-keys", "api_keys").await
}

async fn create(app: &TestApp, body: Value) -> Value {
    let res = app.post("/api/v1/api-keys", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{body}");
    res.json().await.unwrap()
}

/// `GET /api/v1/employees` with `key`: the status.
async fn use_key(app: &TestApp, key: &str) -> StatusCode {
    client()
        .get(app.url("/api/v1/employees"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .status()
}

#[actix_web::test]
async fn keys_are_created_listed_used_and_revoked() {
    let app = TestApp::spawn().await;
    let full = create(&app, json!({"name": "  CRM sync "})).await;
    let secret = full["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("chr_sk_"), "{full}");
    assert!(secret.starts_with(full["prefix"].as_str().unwrap()));
    assert_eq!(full["name"], "CRM sync");
    assert_eq!(full["kind"], "full");
    assert_eq!(full["origins"], json!([]));
    assert_eq!(full["active"], true);
    assert_eq!(full["last_used_at"], Value::Null);

    let listed = keys(&app).await;
    assert_eq!(listed.len(), 2, "the test's own key and the new one");
    let text = serde_json::to_string(&listed).unwrap();
    assert!(!text.contains(&secret), "a secret is never listed again");
    assert!(!text.contains("secret"), "{text}");
    let mine = listed.iter().find(|k| k["id"] == full["id"]).unwrap();
    assert_eq!(mine["last_used_at"], Value::Null);

    // The key works; its use is noted, at most once a minute.
    assert_eq!(use_key(&app, &secret).await, StatusCode::OK);
    let first_use = keys(&app)
        .await
        .into_iter()
        .find(|k| k["id"] == full["id"])
        .unwrap()["last_used_at"]
        .clone();
    assert!(first_use.is_string(), "{first_use}");
    assert_eq!(use_key(&app, &secret).await, StatusCode::OK);
    let second_use = keys(&app)
        .await
        .into_iter()
        .find(|k| k["id"] == full["id"])
        .unwrap()["last_used_at"]
        .clone();
    assert_eq!(first_use, second_use, "no second write within the minute");

    // Publishable: origins normalised, and it cannot manage keys.
    let publishable = create(
        &app,
        json!({"name": "website", "kind": "publishable",
               "origins": ["https://WWW.Example.com/", "http://localhost:3000"]}),
    )
    .await;
    assert_eq!(publishable["kind"], "publishable");
    assert!(publishable["secret"]
        .as_str()
        .unwrap()
        .starts_with("chr_pk_"));
    assert_eq!(
        publishable["origins"],
        json!(["https://www.example.com", "http://localhost:3000"])
    );
    let res = client()
        .get(app.url("/api/v1/api-keys"))
        .bearer_auth(publishable["secret"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    error_code(res, StatusCode::FORBIDDEN).await;

    // Revoke it with another key: 401 from then on; revoking again is 404.
    let res = app
        .delete(&format!("/api/v1/api-keys/{}", full["id"]))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let revoked: Value = res.json().await.unwrap();
    assert_eq!(revoked["active"], false);
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(use_key(&app, &secret).await, StatusCode::UNAUTHORIZED);
    let res = app
        .delete(&format!("/api/v1/api-keys/{}", full["id"]))
        .await;
    error_code(res, StatusCode::NOT_FOUND).await;
    let res = app.delete("/api/v1/api-keys/999999").await;
    error_code(res, StatusCode::NOT_FOUND).await;
    let listed = keys(&app).await;
    assert_eq!(listed.len(), 3, "revoked keys stay listed");
}

#[actix_web::test]
async fn a_key_cannot_revoke_itself() {
    let app = TestApp::spawn().await;
    let own_id = keys(&app).await[0]["id"].clone();
    let res = app.delete(&format!("/api/v1/api-keys/{own_id}")).await;
    assert_eq!(
        error_code(res, StatusCode::CONFLICT).await,
        "own_key",
        "the calling key"
    );
    assert_eq!(use_key(&app, &app.api_key).await, StatusCode::OK);
    // Another full key may revoke it.
    let other = app.create_api_key(Scope::Full);
    let res = client()
        .delete(app.url(&format!("/api/v1/api-keys/{own_id}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(use_key(&app, &app.api_key).await, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn refused_keys_are_not_created() {
    let app = TestApp::spawn().await;
    let too_many: Vec<String> = (0..21)
        .map(|i| format!("https://s{i}.example.com"))
        .collect();
    let unprocessable = [
        (json!({"name": ""}), "invalid_name"),
        (json!({"name": "   "}), "invalid_name"),
        (json!({"name": "x".repeat(201)}), "invalid_name"),
        (json!({"name": "a\u{7}b"}), "invalid_name"),
        (json!({"name": "k", "kind": "admin"}), "invalid_kind"),
        (
            json!({"name": "k", "kind": "publishable"}),
            "invalid_origins",
        ),
        (
            json!({"name": "k", "kind": "publishable", "origins": []}),
            "invalid_origins",
        ),
        (
            json!({"name": "k", "origins": ["https://a.example"]}),
            "invalid_origins",
        ),
        (
            json!({"name": "k", "kind": "publishable", "origins": ["a.example"]}),
            "invalid_origins",
        ),
        (
            json!({"name": "k", "kind": "publishable", "origins": ["https://a.example/shop"]}),
            "invalid_origins",
        ),
        (
            json!({"name": "k", "kind": "publishable", "origins": ["https://*.a.example"]}),
            "invalid_origins",
        ),
        (
            json!({"name": "k", "kind": "publishable", "origins": ["ftp://a.example"]}),
            "invalid_origins",
        ),
        (
            json!({"name": "k", "kind": "publishable",
                   "origins": ["https://a.example", "https://A.example/"]}),
            "invalid_origins",
        ),
        (
            json!({"name": "k", "kind": "publishable", "origins": too_many}),
            "invalid_origins",
        ),
    ];
    for (body, code) in unprocessable {
        let res = app.post("/api/v1/api-keys", &body).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            code,
            "{body}"
        );
    }
    for body in [
        json!({}),
        json!({"name": 5}),
        json!({"name": "k", "origins": "https://a.example"}),
        json!({"name": "k", "scope": "full"}),
    ] {
        let res = app.post("/api/v1/api-keys", &body).await;
        error_code(res, StatusCode::BAD_REQUEST).await;
    }
    assert_eq!(keys(&app).await.len(), 1, "nothing was created");

    let res = client()
        .post(app.url("/api/v1/api-keys"))
        .json(&json!({"name": "k"}))
        .send()
        .await
        .unwrap();
    error_code(res, StatusCode::UNAUTHORIZED).await;
    let res = app.delete("/api/v1/api-keys/abc").await;
    assert!(res.status().is_client_error());
}

/// `chorus apikey create` checks origins by the same rules as the page and the API.
#[actix_web::test]
async fn the_cli_checks_origins_too() {
    let app = TestApp::spawn().await;
    let run = |args: &[&str]| {
        std::process::Command::new(crate::common::binary())
            .args(args)
            .current_dir(app.dir.path())
            .env("CHORUS_DATABASE_URL", &app.database_url)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run chorus")
    };
    for args in [
        &["apikey", "create", "--name", "w", "--publishable"][..],
        &[
            "apikey",
            "create",
            "--name",
            "w",
            "--publishable",
            "--origins",
            "shop.example/x",
        ][..],
        &[
            "apikey",
            "create",
            "--name",
            "w",
            "--origins",
            "https://shop.example",
        ][..],
    ] {
        let out = run(args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--origins"), "{args:?}: {err}");
    }
    let out = run(&[
        "apikey",
        "create",
        "--name",
        "website",
        "--publishable",
        "--origins",
        "https://Shop.example/, https://www.example.com",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = keys(&app).await;
    let website = listed.iter().find(|k| k["name"] == "website").unwrap();
    assert_eq!(
        website["origins"],
        json!(["https://shop.example", "https://www.example.com"])
    );
}
