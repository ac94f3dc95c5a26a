//! `TestApp`: builds the same `Application` as `chorus serve`, on port 0, with a fresh
//! database, and offers helpers per endpoint.
//!
//! Backend: SQLite in a temporary directory, unless `CHORUS_TEST_DATABASE_URL` is a
//! `postgres://` URL of a role that may create databases; then every test gets its own
//! new database `chorus_t_<random>` on that server.

#![allow(dead_code)]

use std::path::PathBuf;

use actix_web::dev::ServerHandle;
use chorus::clicks::writer::ClickSink;
use chorus::config::{RawSettings, Settings};
use chorus::domain::api_key::{self, Scope};
use chorus::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub struct TestApp {
    pub address: String,
    pub api_key: String,
    pub database_url: String,
    pub dir: tempfile::TempDir,
    pub client: reqwest::Client,
    pub setup_url: Option<String>,
    handle: ServerHandle,
    /// Lets tests wait until answered clicks are in the database.
    pub clicks: ClickSink,
    running: Option<actix_web::rt::task::JoinHandle<std::io::Result<()>>>,
    overrides: RawSettings,
}

/// A fresh database URL for one test.
pub fn fresh_database_url(dir: &std::path::Path) -> String {
    match std::env::var("CHORUS_TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            let name = format!(
                "chorus_t_{}",
                nanoid::nanoid!(
                    12,
                    &"abcdefghijklmnopqrstuvwxyz0123456789"
                        .chars()
                        .collect::<Vec<_>>()
                )
            );
            let mut conn = diesel::PgConnection::establish(&admin)
                .expect("CHORUS_TEST_DATABASE_URL must accept connections");
            conn.batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
            let mut url = url::Url::parse(&admin).expect("valid admin URL");
            url.set_path(&format!("/{name}"));
            url.to_string()
        }
        _ => format!("sqlite://{}", dir.join("chorus.db").display()),
    }
}

pub fn is_postgres() -> bool {
    std::env::var("CHORUS_TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

fn settings(database_url: &str, dir: &std::path::Path, overrides: &RawSettings) -> Settings {
    let raw = RawSettings {
        bind: Some("127.0.0.1:0".into()),
        database_url: Some(database_url.to_string()),
        spool_dir: Some(dir.join("spool").display().to_string()),
        pool_size: Some(4),
        ..overrides.clone()
    };
    Settings::validate(raw).expect("test settings are valid")
}

struct Started {
    address: String,
    handle: ServerHandle,
    setup_url: Option<String>,
    clicks: ClickSink,
    running: actix_web::rt::task::JoinHandle<std::io::Result<()>>,
}

fn start(settings: Settings) -> Started {
    let app = Application::build(settings).expect("application starts");
    Started {
        address: format!("http://127.0.0.1:{}", app.port()),
        handle: app.handle(),
        setup_url: app.setup_url().map(str::to_string),
        clicks: app.click_sink(),
        running: actix_web::rt::spawn(app.run_until_stopped()),
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client")
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(RawSettings::default()).await
    }

    pub async fn spawn_with(overrides: RawSettings) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database_url(dir.path());
        let started = start(settings(&database_url, dir.path(), &overrides));
        let mut app = TestApp {
            address: started.address,
            api_key: String::new(),
            database_url,
            dir,
            client: client(),
            setup_url: started.setup_url,
            handle: started.handle,
            clicks: started.clicks,
            running: Some(started.running),
            overrides,
        };
        app.api_key = app.create_api_key(Scope::Full);
        app
    }

    /// Stops the server gracefully and starts a new one on the same database.
    pub async fn restart(&mut self) {
        self.handle.stop(true).await;
        // The click writer drains after the server stops; the next one takes over its
        // journal directory only then.
        if let Some(running) = self.running.take() {
            running
                .await
                .expect("server task")
                .expect("server stopped cleanly");
        }
        let started = start(settings(
            &self.database_url,
            self.dir.path(),
            &self.overrides,
        ));
        self.address = started.address;
        self.handle = started.handle;
        self.setup_url = started.setup_url;
        self.clicks = started.clicks;
        self.running = Some(started.running);
    }

    /// A key made the way `chorus apikey create` makes one.
    pub fn create_api_key(&self, scope: Scope) -> String {
        let settings = settings(&self.database_url, self.dir.path(), &self.overrides);
        let db = chorus::startup::open_database(&settings).expect("db");
        let key = api_key::generate(scope);
        db.run_sync(|conn| chorus::store::api_keys::insert(conn, "test", scope, &key, None))
            .expect("insert key");
        key.secret
    }

    /// An account that can sign in, made the way `chorus admin create` makes one.
    pub fn create_user(&self, email: &str, role: &str, password: &str) -> i64 {
        let settings = settings(&self.database_url, self.dir.path(), &self.overrides);
        let db = chorus::startup::open_database(&settings).expect("db");
        let new = chorus::store::employees::NewEmployee {
            email: chorus::domain::email::Email::parse(email).unwrap(),
            name: chorus::domain::person::Label::parse(&format!("User {email}")).unwrap(),
            team: None,
            role: chorus::domain::person::Role::parse(role).unwrap(),
            password_hash: Some(chorus::domain::password::hash(password).unwrap()),
        };
        db.run_sync(|conn| chorus::store::employees::insert(conn, new))
            .expect("insert user")
            .id
    }

    /// The stored clicks of a share, read from the database as a report would.
    /// The stored clicks of a share, once every answered redirect has reached the database.
    pub async fn clicks_of(&self, share_id: i64) -> Vec<chorus::store::clicks::ClickRecord> {
        self.clicks.settle().await;
        let settings = settings(&self.database_url, self.dir.path(), &self.overrides);
        let db = chorus::startup::open_database(&settings).expect("db");
        db.run_sync(|conn| chorus::store::clicks::list_for_share(conn, share_id))
            .expect("clicks")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&self.api_key)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(&self.api_key)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn put(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .put(self.url(path))
            .bearer_auth(&self.api_key)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(&self.api_key)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(&self.api_key)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn create_employee(&self, email: &str, name: &str, team: Option<&str>) -> Value {
        let res = self
            .post(
                "/api/v1/employees",
                &json!({"email": email, "name": name, "team": team}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "create employee {email}");
        res.json().await.unwrap()
    }

    pub async fn employees(&self) -> Vec<Value> {
        let res = self.get("/api/v1/employees").await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        body["employees"]
            .as_array()
            .expect("employees array")
            .clone()
    }

    /// Signs in through the login form, with a client of its own (own cookie jar).
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Client {
        let browser = client();
        let form = browser
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden_field(&form, "csrf");
        let res = browser
            .post(self.url("/login"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "login of {email} should succeed"
        );
        browser
    }
}

/// Reads `<input type="hidden" name="NAME" value="…">` out of a page.
pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden field {name} in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Asserts the JSON error contract and returns the error code.
pub async fn error_code(res: reqwest::Response, status: StatusCode) -> String {
    assert_eq!(res.status(), status);
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        content_type.as_deref(),
        Some("application/json"),
        "error bodies are JSON"
    );
    let body: Value = res.json().await.expect("JSON error body");
    let code = body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_string();
    assert!(!body["error"]["message"]
        .as_str()
        .expect("error.message")
        .is_empty());
    code
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_chorus"))
}

/// The body of `GET url` as text, for pages.
pub async fn page(client: &reqwest::Client, url: String) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body")
}

/// The `(down.sql, up.sql)` of the migration whose directory ends with `suffix`, for the
/// backend under test: tests run them as an upgrade of an install with history would.
pub fn migration_sql(suffix: &str) -> (String, String) {
    let dir = if is_postgres() { "postgres" } else { "sqlite" };
    let migration = std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("no migration ending with {suffix}"));
    (
        std::fs::read_to_string(migration.join("down.sql")).unwrap(),
        std::fs::read_to_string(migration.join("up.sql")).unwrap(),
    )
}
