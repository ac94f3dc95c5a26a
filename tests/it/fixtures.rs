//! Builders for campaigns, content and shares through the API, and direct access to the
//! test database for store-level checks.

#![allow(dead_code)]

use chorus::config::{RawSettings, Settings};
use chorus::db::Db;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::TestApp;

impl TestApp {
    /// `POST /api/v1/campaigns` with `body`, asserting 201.
    pub async fn create_campaign(&self, body: Value) -> Value {
        let res = self.post("/api/v1/campaigns", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create campaign {body}");
        res.json().await.unwrap()
    }

    /// `POST /api/v1/content` with `body`, asserting 201.
    pub async fn create_content(&self, body: Value) -> Value {
        let res = self.post("/api/v1/content", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create content {body}");
        res.json().await.unwrap()
    }

    /// A content item with only a title and `url`.
    pub async fn content_for(&self, url: &str) -> Value {
        self.create_content(json!({"title": "A post", "url": url}))
            .await
    }

    /// `POST /api/v1/shares`, asserting 201.
    pub async fn create_share(
        &self,
        employee_id: &Value,
        content_id: &Value,
        network: &str,
    ) -> Value {
        let body =
            json!({"employee_id": employee_id, "content_id": content_id, "network": network});
        let res = self.post("/api/v1/shares", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create share {body}");
        res.json().await.unwrap()
    }

    /// A `network` share of fresh content (at `https://example.com/{who}`) by a fresh
    /// employee `{who}@example.com`; returns the share JSON.
    pub async fn share_by_new_employee(&self, who: &str, network: &str) -> Value {
        let employee = self
            .create_employee(
                &format!("{who}@example.com"),
                &format!("Person {who}"),
                None,
            )
            .await;
        let content = self
            .content_for(&format!("https://example.com/{who}"))
            .await;
        self.create_share(&employee["id"], &content["id"], network)
            .await
    }

    /// `GET {path}` → the array under `key`, asserting 200.
    pub async fn list(&self, path: &str, key: &str) -> Vec<Value> {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        let body: Value = res.json().await.unwrap();
        body[key]
            .as_array()
            .unwrap_or_else(|| panic!("{key} array in {body}"))
            .clone()
    }

    pub async fn patch(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(&self.api_key)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// The test's database, opened the way the server opens it.
    pub fn db(&self) -> Db {
        let raw = RawSettings {
            bind: Some("127.0.0.1:0".into()),
            database_url: Some(self.database_url.clone()),
            spool_dir: Some(self.dir.path().join("spool").display().to_string()),
            pool_size: Some(2),
            ..RawSettings::default()
        };
        let settings = Settings::validate(raw).expect("test settings are valid");
        chorus::startup::open_database(&settings).expect("db")
    }
}
