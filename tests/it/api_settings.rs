//! `GET/PUT /api/v1/settings`: run-time settings with their configured defaults; every
//! validation error; all or nothing; a change reaching a second server on the same
//! database without a restart; the consumers (redirect status, slug length, attribution
//! window, time zone and currency of reports) following the setting in force.

use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use chorus::config::{RawSettings, Settings};
use chorus::domain::api_key::Scope;
use chorus::startup::Application;
use chrono::Utc;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{client, error_code, TestApp};

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/// Another Chorus server on the test's database, as a second instance behind a load
/// balancer would be: its own port and spool directory, the same database.
pub struct SecondInstance {
    pub address: String,
    handle: ServerHandle,
    running: Option<actix_web::rt::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl SecondInstance {
    pub fn start(app: &TestApp, refresh_ms: u64) -> SecondInstance {
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings::validate(RawSettings {
            bind: Some("127.0.0.1:0".into()),
            database_url: Some(app.database_url.clone()),
            spool_dir: Some(dir.path().join("spool").display().to_string()),
            pool_size: Some(2),
            settings_refresh_ms: Some(refresh_ms),
            ..RawSettings::default()
        })
        .expect("valid settings");
        let server = Application::build(settings).expect("second instance starts");
        SecondInstance {
            address: format!("http://127.0.0.1:{}", server.port()),
            handle: server.handle(),
            running: Some(actix_web::rt::spawn(server.run_until_stopped())),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn stop(mut self) {
        self.handle.stop(true).await;
        if let Some(running) = self.running.take() {
            let _ = running.await;
        }
    }
}

/// Polls `probe` until it returns true, for at most `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, mut probe: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    loop {
        if probe().await {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn settings(app: &TestApp) -> Value {
    let res = app.get("/api/v1/settings").await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn put(app: &TestApp, body: Value) -> Value {
    let res = app.put("/api/v1/settings", &body).await;
    assert_eq!(res.status(), StatusCode::OK, "PUT {body}");
    res.json().await.unwrap()
}

/// A follow of a short link without redirects: its status.
async fn redirect_status(url: String) -> u16 {
    client()
        .get(url)
        .header("User-Agent", CHROME)
        .send()
        .await
        .expect("redirect")
        .status()
        .as_u16()
}

#[actix_web::test]
async fn settings_show_values_defaults_and_origins() {
    let app = TestApp::spawn_with(RawSettings {
        timezone: Some("Asia/Seoul".into()),
        exchange_rates: Some("EUR=1.08".into()),
        emv_rates: Some("linkedin=12.00/2.50".into()),
        ..RawSettings::default()
    })
    .await;
    let body = settings(&app).await;
    let expected = json!({
        "timezone": "Asia/Seoul",
        "default_currency": "USD",
        "exchange_rates": {"EUR": 1.08},
        "emv_rates": {"linkedin": {"cpm_cents": 1200, "cpc_cents": 250}},
        "redirect_status": 302,
        "slug_length": 7,
        "attribution_window_days": 30,
        "privacy_mode": "off",
        "click_retention_days": null,
    });
    for (name, value) in expected.as_object().unwrap() {
        assert_eq!(&body[name], value, "{name}");
        assert_eq!(&body["defaults"][name], value, "default of {name}");
        assert_eq!(body["origins"][name], "config", "origin of {name}");
    }

    let changed = put(
        &app,
        json!({
            "timezone": "Europe/Berlin",
            "default_currency": "eur",
            "exchange_rates": {"usd": 0.9},
            "emv_rates": {"x": {"cpc_cents": 80}},
            "redirect_status": 307,
            "slug_length": 9,
            "attribution_window_days": 14,
            "privacy_mode": "teams_only",
            "click_retention_days": 400,
        }),
    )
    .await;
    assert_eq!(changed["timezone"], "Europe/Berlin");
    assert_eq!(changed["default_currency"], "EUR");
    assert_eq!(changed["exchange_rates"], json!({"USD": 0.9}));
    assert_eq!(
        changed["emv_rates"],
        json!({"x": {"cpm_cents": 0, "cpc_cents": 80}})
    );
    assert_eq!(changed["privacy_mode"], "teams_only");
    assert_eq!(changed["click_retention_days"], 400);
    assert_eq!(changed["defaults"], body["defaults"], "defaults stay");
    for name in expected.as_object().unwrap().keys() {
        assert_eq!(changed["origins"][name], "database", "origin of {name}");
    }
    assert_eq!(settings(&app).await, changed, "stored, read back the same");

    // Keep raw clicks for ever (null), and return some settings to their defaults.
    let back = put(
        &app,
        json!({"click_retention_days": null, "reset": ["timezone", "exchange_rates", "slug_length"]}),
    )
    .await;
    assert_eq!(back["click_retention_days"], Value::Null);
    assert_eq!(back["origins"]["click_retention_days"], "database");
    assert_eq!(back["timezone"], "Asia/Seoul");
    assert_eq!(back["origins"]["timezone"], "config");
    assert_eq!(
        (
            &back["default_currency"],
            &back["origins"]["default_currency"]
        ),
        (&json!("USD"), &json!("config")),
        "currency and rates reset together"
    );
    assert_eq!(back["exchange_rates"], json!({"EUR": 1.08}));
    assert_eq!(back["slug_length"], 7);
    assert_eq!(back["redirect_status"], 307, "untouched settings stay");

    // An empty change changes nothing.
    assert_eq!(put(&app, json!({})).await, back);
}

#[actix_web::test]
async fn every_refused_setting_changes_nothing() {
    let app = TestApp::spawn_with(RawSettings {
        exchange_rates: Some("EUR=1.08".into()),
        ..RawSettings::default()
    })
    .await;
    let before = settings(&app).await;
    let unprocessable: &[(Value, &str)] = &[
        (json!({"timezone": "Mars/Olympus"}), "invalid_timezone"),
        (json!({"timezone": ""}), "invalid_timezone"),
        (
            json!({"default_currency": "euro", "exchange_rates": {}}),
            "invalid_currency",
        ),
        (
            json!({"exchange_rates": {"EURO": 1.0}}),
            "invalid_exchange_rates",
        ),
        (
            json!({"exchange_rates": {"EUR": 0}}),
            "invalid_exchange_rates",
        ),
        (
            json!({"exchange_rates": {"EUR": -1.5}}),
            "invalid_exchange_rates",
        ),
        (
            json!({"exchange_rates": {"EUR": 2e9}}),
            "invalid_exchange_rates",
        ),
        (
            json!({"exchange_rates": {"USD": 1.0}}),
            "invalid_exchange_rates",
        ),
        // The configured EUR rate is in USD: a new currency needs its own rates.
        (
            json!({"default_currency": "KRW"}),
            "exchange_rates_required",
        ),
        (json!({"emv_rates": {"fax": {}}}), "invalid_rates"),
        (
            json!({"emv_rates": {"x": {"cpc_cents": -5}}}),
            "invalid_rates",
        ),
        (
            json!({"emv_rates": {"x": {"cpm_cents": 2_000_000_000}}}),
            "invalid_rates",
        ),
        (json!({"redirect_status": 303}), "invalid_redirect_status"),
        (json!({"redirect_status": 200}), "invalid_redirect_status"),
        (json!({"slug_length": 4}), "invalid_slug_length"),
        (json!({"slug_length": 33}), "invalid_slug_length"),
        (
            json!({"attribution_window_days": 0}),
            "invalid_attribution_window",
        ),
        (
            json!({"attribution_window_days": 3651}),
            "invalid_attribution_window",
        ),
        (json!({"privacy_mode": "secret"}), "invalid_privacy_mode"),
        (
            json!({"click_retention_days": 0}),
            "invalid_click_retention",
        ),
        (
            json!({"click_retention_days": 36501}),
            "invalid_click_retention",
        ),
        (
            json!({"click_retention_days": 10}),
            "retention_shorter_than_window",
        ),
        (
            json!({"slug_length": 9, "reset": ["slug_length"]}),
            "set_and_reset",
        ),
        (
            json!({"default_currency": "EUR", "exchange_rates": {}, "reset": ["exchange_rates"]}),
            "set_and_reset",
        ),
        (json!({"reset": ["colour"]}), "unknown_setting"),
        // A valid field beside a broken one: nothing is stored.
        (
            json!({"slug_length": 9, "redirect_status": 303}),
            "invalid_redirect_status",
        ),
    ];
    for (body, code) in unprocessable {
        let res = app.put("/api/v1/settings", body).await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            *code,
            "{body}"
        );
    }
    let bad_requests = [
        json!({"slug_length": "seven"}),
        json!({"slug_length": 7.5}),
        json!({"timezone": 9}),
        json!({"exchange_rates": ["EUR", 1.08]}),
        json!({"colour": "red"}),
        json!({"reset": "timezone"}),
    ];
    for body in bad_requests {
        let res = app.put("/api/v1/settings", &body).await;
        error_code(res, StatusCode::BAD_REQUEST).await;
    }
    let res = app.post_raw("/api/v1/settings", "{").await;
    assert!(res.status().is_client_error());
    let res = app
        .client
        .put(app.url("/api/v1/settings"))
        .bearer_auth(&app.api_key)
        .header("Content-Type", "application/json")
        .body("{\"slug_length\": ")
        .send()
        .await
        .unwrap();
    error_code(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(settings(&app).await, before, "nothing was stored");

    // Every broken field is named at once.
    let res = app
        .put(
            "/api/v1/settings",
            &json!({"timezone": "Nowhere", "slug_length": 1, "privacy_mode": "x"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_timezone");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["timezone", "slug_length", "privacy_mode"]);

    // A window longer than the stored retention is refused on the window's side.
    put(&app, json!({"click_retention_days": 40})).await;
    let res = app
        .put("/api/v1/settings", &json!({"attribution_window_days": 60}))
        .await;
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "retention_shorter_than_window"
    );

    // Keys: none, unknown, publishable.
    let res = app
        .client
        .get(app.url("/api/v1/settings"))
        .send()
        .await
        .unwrap();
    error_code(res, StatusCode::UNAUTHORIZED).await;
    let publishable = app.create_api_key(Scope::Publishable);
    let res = app
        .client
        .put(app.url("/api/v1/settings"))
        .bearer_auth(publishable)
        .json(&json!({"slug_length": 9}))
        .send()
        .await
        .unwrap();
    error_code(res, StatusCode::FORBIDDEN).await;
}

#[actix_web::test]
async fn a_redirect_status_change_shows_on_the_redirect_at_once() {
    let app = TestApp::spawn().await;
    let share = app.share_by_new_employee("rita", "linkedin").await;
    let link = app.url(&format!("/{}", share["slug"].as_str().unwrap()));
    assert_eq!(redirect_status(link.clone()).await, 302);
    for status in [301, 308, 307] {
        put(&app, json!({"redirect_status": status})).await;
        assert_eq!(redirect_status(link.clone()).await, status);
    }
    put(&app, json!({"reset": ["redirect_status"]})).await;
    assert_eq!(redirect_status(link).await, 302);
}

#[actix_web::test]
async fn a_change_reaches_a_second_instance_without_restart() {
    let app = TestApp::spawn_with(RawSettings {
        settings_refresh_ms: Some(200),
        ..RawSettings::default()
    })
    .await;
    let second = SecondInstance::start(&app, 200);
    let share = app.share_by_new_employee("sam", "linkedin").await;
    let slug = share["slug"].as_str().unwrap().to_string();
    assert_eq!(redirect_status(second.url(&format!("/{slug}"))).await, 302);

    // Saved through the first server: the second follows within its refresh interval.
    put(&app, json!({"redirect_status": 307, "slug_length": 12})).await;
    let url = second.url(&format!("/{slug}"));
    eventually(Duration::from_secs(10), "307 on the second server", || {
        let url = url.clone();
        async move { redirect_status(url).await == 307 }
    })
    .await;
    let made: Value = client()
        .post(second.url("/api/v1/shares"))
        .bearer_auth(&app.api_key)
        .json(&json!({
            "employee_id": share["employee_id"],
            "content_id": share["content_id"],
            "network": "x",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        made["slug"].as_str().unwrap().len(),
        12,
        "the second server makes slugs of the new length: {made}"
    );

    // And the other way round.
    let res = client()
        .put(second.url("/api/v1/settings"))
        .bearer_auth(&app.api_key)
        .json(&json!({"redirect_status": 301}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let url = app.url(&format!("/{slug}"));
    eventually(Duration::from_secs(10), "301 on the first server", || {
        let url = url.clone();
        async move { redirect_status(url).await == 301 }
    })
    .await;
    second.stop().await;
}

#[actix_web::test]
async fn slug_length_applies_to_new_shares() {
    let app = TestApp::spawn().await;
    let before = app.share_by_new_employee("tom", "linkedin").await;
    assert_eq!(before["slug"].as_str().unwrap().len(), 7);
    put(&app, json!({"slug_length": 11})).await;
    let after = app.share_by_new_employee("uma", "linkedin").await;
    assert_eq!(after["slug"].as_str().unwrap().len(), 11);
    let res = app
        .post(
            "/api/v1/shares",
            &json!({"employee_id": before["employee_id"], "content_id": before["content_id"], "network": "linkedin"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "the existing share");
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["slug"], before["slug"], "existing links keep theirs");
}

/// A visitor's click on a short link; the click id.
async fn click_id(app: &TestApp, slug: &str) -> String {
    let res = client()
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", CHROME)
        .send()
        .await
        .unwrap();
    let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    let id = location
        .query_pairs()
        .find(|(k, _)| k == "chorus_click")
        .map(|(_, v)| v.into_owned())
        .expect("click id");
    id
}

#[actix_web::test]
async fn the_attribution_window_follows_the_setting() {
    let app = TestApp::spawn().await;
    let share = app.share_by_new_employee("vic", "linkedin").await;
    let click = click_id(&app, share["slug"].as_str().unwrap()).await;
    let later = (Utc::now() + chrono::Duration::hours(26))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let convert = |external: &'static str| {
        let body = json!({"click_id": click, "kind": "lead", "occurred_at": later, "external_id": external});
        let app = &app;
        async move {
            let res = app.post("/api/v1/conversions", &body).await;
            assert_eq!(res.status(), StatusCode::CREATED);
            res.json::<Value>().await.unwrap()["attributed"].clone()
        }
    };
    assert_eq!(convert("within-30-days").await, true);
    put(&app, json!({"attribution_window_days": 1})).await;
    assert_eq!(
        convert("after-one-day").await,
        false,
        "26 hours after the click, outside a 1-day window"
    );
}

#[actix_web::test]
async fn reports_follow_the_time_zone_and_currency_in_force() {
    let app = TestApp::spawn().await;
    let share = app.share_by_new_employee("wes", "linkedin").await;
    let click = click_id(&app, share["slug"].as_str().unwrap()).await;
    let res = app
        .post(
            "/api/v1/conversions",
            &json!({"click_id": click, "kind": "sale", "value_cents": 1000, "currency": "USD"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let kpis = |query: &'static str| {
        let app = &app;
        async move {
            let res = app.get(&format!("/api/v1/kpis?{query}")).await;
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()
        }
    };
    let body = kpis("from=2026-03-01&to=2026-03-02").await;
    assert_eq!(body["from"], "2026-03-01T00:00:00Z");
    assert_eq!(kpis("").await["totals"]["revenue_cents"], 1000);

    put(
        &app,
        json!({"timezone": "Asia/Seoul", "default_currency": "EUR", "exchange_rates": {"USD": 0.5}}),
    )
    .await;
    let body = kpis("from=2026-03-01&to=2026-03-02").await;
    assert_eq!(
        body["from"], "2026-02-28T15:00:00Z",
        "a bare date is midnight in Seoul now"
    );
    let body = kpis("").await;
    assert_eq!(
        body["totals"]["revenue_cents"], 500,
        "USD at 0.5 EUR: {body}"
    );
    assert_eq!(body["revenue_by_currency"]["USD"], 1000);
}
