//! `POST /api/v1/conversions` and everything around it: attribution through a real click,
//! idempotency, unattributed conversions, the window, touchpoints, publishable keys with
//! CORS and rate limits, the CSV export and the admin page.

use chorus::config::RawSettings;
use chorus::domain::api_key::{self, Scope};
use chrono::{Duration, SecondsFormat, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, page, TestApp};

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const LINKEDIN_BOT: &str =
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)";
const SLACK: &str = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";
const PASSWORD: &str = "correct horse battery";
const SHOP: &str = "https://shop.example";

/// An app that believes X-Forwarded-For from loopback, so tests can play many visitors.
async fn app_with(extra: RawSettings) -> TestApp {
    TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        ..extra
    })
    .await
}

async fn app() -> TestApp {
    app_with(RawSettings::default()).await
}

/// What a share was made of.
struct Shared {
    share: Value,
    employee_id: i64,
    campaign_id: i64,
}

impl Shared {
    fn id(&self) -> i64 {
        self.share["id"].as_i64().unwrap()
    }

    fn slug(&self) -> &str {
        self.share["slug"].as_str().unwrap()
    }
}

/// A share by a fresh employee of fresh content in a fresh campaign.
async fn shared(app: &TestApp, who: &str) -> Shared {
    let employee = app
        .create_employee(
            &format!("{who}@example.com"),
            &format!("Person {who}"),
            None,
        )
        .await;
    shared_by(app, employee["id"].as_i64().unwrap(), who).await
}

async fn shared_by(app: &TestApp, employee_id: i64, what: &str) -> Shared {
    let campaign = app
        .create_campaign(json!({"name": format!("Campaign {what}")}))
        .await;
    let content = app
        .create_content(json!({
            "title": format!("Post {what}"),
            "url": format!("https://example.com/{what}"),
            "campaign_id": campaign["id"],
        }))
        .await;
    let share = app
        .create_share(&employee_id.into(), &content["id"], "linkedin")
        .await;
    Shared {
        share,
        employee_id,
        campaign_id: campaign["id"].as_i64().unwrap(),
    }
}

/// Follows a short link as a visitor and returns the click id from `Location`.
async fn click(app: &TestApp, client: &reqwest::Client, slug: &str, ua: &str, ip: &str) -> String {
    let res = client
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", ua)
        .header("X-Forwarded-For", ip)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    let id = location
        .query_pairs()
        .find(|(k, _)| k == "chorus_click")
        .map(|(_, v)| v.into_owned())
        .expect("click id in Location");
    assert_eq!(id.len(), 16);
    id
}

async fn human_click(app: &TestApp, slug: &str, ip: &str) -> String {
    click(app, &crate::common::client(), slug, CHROME, ip).await
}

async fn convert(app: &TestApp, body: Value) -> reqwest::Response {
    app.post("/api/v1/conversions", &body).await
}

/// Posts a conversion expecting `status`; returns the body.
async fn convert_ok(app: &TestApp, body: Value, status: StatusCode) -> Value {
    let res = convert(app, body.clone()).await;
    assert_eq!(res.status(), status, "POST /conversions {body}");
    res.json().await.unwrap()
}

async fn all_conversions(app: &TestApp) -> Vec<Value> {
    app.list("/api/v1/conversions?limit=1000", "conversions")
        .await
}

async fn stats(app: &TestApp, share_id: i64) -> Value {
    let res = app.get(&format!("/api/v1/shares/{share_id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json::<Value>().await.unwrap()["stats"].clone()
}

fn rfc3339(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A publishable key allowed from `origins` (comma-separated), made as the CLI makes one.
fn publishable_key(app: &TestApp, origins: Option<&str>) -> String {
    let key = api_key::generate(Scope::Publishable);
    app.db()
        .run_sync(|conn| {
            chorus::store::api_keys::insert(conn, "website", Scope::Publishable, &key, origins)
        })
        .expect("insert key");
    key.secret
}

fn post_with(app: &TestApp, key: &str, body: &Value) -> reqwest::RequestBuilder {
    app.client
        .post(app.url("/api/v1/conversions"))
        .bearer_auth(key)
        .json(body)
}

#[actix_web::test]
async fn a_lead_and_a_sale_are_attributed_to_the_share_employee_and_campaign() {
    let app = app().await;
    let s = shared(&app, "ada").await;
    let other = shared(&app, "bob").await;
    let click_id = human_click(&app, s.slug(), "81.2.69.142").await;

    let lead = convert_ok(
        &app,
        json!({"click_id": click_id, "kind": "lead", "external_id": "lead-1"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(lead["attributed"], true, "{lead}");
    assert_eq!(lead["share_id"], s.id());
    assert_eq!(lead["employee_id"], s.employee_id);
    assert_eq!(lead["campaign_id"], s.campaign_id);
    assert_eq!(lead["kind"], "lead");
    assert_eq!(lead["currency"], "USD", "the default currency");
    assert_eq!(lead["value_cents"], Value::Null);
    assert_eq!(lead["click_id"], click_id.as_str());
    assert!(lead["id"].as_i64().is_some());
    let occurred = chrono::DateTime::parse_from_rfc3339(lead["occurred_at"].as_str().unwrap())
        .expect("occurred_at is RFC 3339");
    assert!(
        (Utc::now() - occurred.with_timezone(&Utc))
            .num_seconds()
            .abs()
            < 60
    );

    let sale = convert_ok(
        &app,
        json!({"click_id": click_id, "kind": "sale", "value_cents": 12_500, "currency": "EUR",
               "customer_id": "cust-9", "occurred_at": rfc3339(Utc::now())}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(sale["attributed"], true);
    assert_eq!(
        (
            &sale["share_id"],
            &sale["value_cents"],
            &sale["currency"],
            &sale["customer_id"]
        ),
        (
            &json!(s.id()),
            &json!(12_500),
            &json!("EUR"),
            &json!("cust-9")
        )
    );

    let st = stats(&app, s.id()).await;
    assert_eq!(st["conversions"], 2, "{st}");
    assert_eq!(st["revenue_cents"], 12_500, "{st}");
    let untouched = stats(&app, other.id()).await;
    assert_eq!(
        (
            untouched["conversions"].as_i64(),
            untouched["revenue_cents"].as_i64()
        ),
        (Some(0), Some(0))
    );

    let detail: Value = app
        .get(&format!("/api/v1/conversions/{}", sale["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["id"], sale["id"]);
    assert_eq!(detail["touchpoints"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn the_same_kind_and_external_id_is_recorded_once() {
    let app = app().await;
    let s = shared(&app, "cy").await;
    let click_id = human_click(&app, s.slug(), "81.2.69.142").await;
    let body = json!({"click_id": click_id, "kind": "sale", "value_cents": 500, "external_id": "order-77"});
    let first = convert_ok(&app, body.clone(), StatusCode::CREATED).await;
    let again = convert_ok(&app, body, StatusCode::OK).await;
    assert_eq!(again, first, "the first conversion, unchanged");

    // A replay with other values still answers with the first one and changes nothing.
    let changed = convert_ok(
        &app,
        json!({"kind": "sale", "value_cents": 99_999, "external_id": "order-77", "currency": "EUR"}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["id"], first["id"]);
    assert_eq!(changed["value_cents"], 500);
    assert_eq!(changed["attributed"], true);
    assert_eq!(all_conversions(&app).await.len(), 1);
    assert_eq!(stats(&app, s.id()).await["revenue_cents"], 500);

    // External ids are per kind, and numbers are accepted as ids.
    let lead = convert_ok(
        &app,
        json!({"kind": "lead", "external_id": "order-77"}),
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(lead["id"], first["id"]);
    let numeric = convert_ok(
        &app,
        json!({"kind": "sale", "external_id": 4711}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(numeric["external_id"], "4711");
    convert_ok(
        &app,
        json!({"kind": "sale", "external_id": "4711"}),
        StatusCode::OK,
    )
    .await;
    // Without an external id nothing is deduplicated.
    convert_ok(&app, json!({"kind": "signup"}), StatusCode::CREATED).await;
    convert_ok(&app, json!({"kind": "signup"}), StatusCode::CREATED).await;
    assert_eq!(all_conversions(&app).await.len(), 5);
}

#[actix_web::test]
async fn concurrent_repeats_of_one_external_id_record_it_once() {
    let app = app().await;
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let req = post_with(
                &app,
                &app.api_key,
                &json!({"kind": "sale", "external_id": "race-1", "value_cents": i}),
            );
            actix_web::rt::spawn(async move { req.send().await.unwrap() })
        })
        .collect();
    let mut created = 0;
    let mut ids = std::collections::HashSet::new();
    for handle in handles {
        let res = handle.await.unwrap();
        match res.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}"),
        }
        ids.insert(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    assert_eq!(created, 1, "one 201, the rest 200");
    assert_eq!(ids.len(), 1, "every answer names the first conversion");
    assert_eq!(all_conversions(&app).await.len(), 1);
}

#[actix_web::test]
async fn conversions_without_a_valid_click_are_kept_unattributed() {
    let app = app().await;
    let s = shared(&app, "dee").await;
    let missing = convert_ok(&app, json!({"kind": "lead"}), StatusCode::CREATED).await;
    let unknown = convert_ok(
        &app,
        json!({"kind": "lead", "click_id": "NoSuchClick12345"}),
        StatusCode::CREATED,
    )
    .await;
    let empty = convert_ok(
        &app,
        json!({"kind": "lead", "click_id": ""}),
        StatusCode::CREATED,
    )
    .await;
    let null = convert_ok(
        &app,
        json!({"kind": "lead", "click_id": null, "touchpoints": null}),
        StatusCode::CREATED,
    )
    .await;
    for c in [&missing, &unknown, &empty, &null] {
        assert_eq!(c["attributed"], false, "{c}");
        assert_eq!(c["share_id"], Value::Null);
        assert_eq!(c["employee_id"], Value::Null);
        assert_eq!(c["campaign_id"], Value::Null);
    }
    assert_eq!(
        unknown["click_id"], "NoSuchClick12345",
        "the reference is kept"
    );
    assert_eq!(missing["click_id"], Value::Null);
    assert_eq!(all_conversions(&app).await.len(), 4);
    assert_eq!(stats(&app, s.id()).await["conversions"], 0);
}

#[actix_web::test]
async fn clicks_outside_the_attribution_window_do_not_earn() {
    let app = app_with(RawSettings {
        attribution_window_days: Some(1),
        ..RawSettings::default()
    })
    .await;
    let s = shared(&app, "eve").await;
    let click_id = human_click(&app, s.slug(), "81.2.69.142").await;
    let at = |offset: Duration| rfc3339(Utc::now() + offset);

    let inside = convert_ok(
        &app,
        json!({"click_id": click_id, "kind": "lead", "occurred_at": at(Duration::hours(20))}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(inside["attributed"], true, "{inside}");
    let expired = convert_ok(
        &app,
        json!({"click_id": click_id, "kind": "lead", "occurred_at": at(Duration::hours(26))}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(expired["attributed"], false, "{expired}");
    assert_eq!(expired["click_id"], click_id.as_str());
    assert_eq!(expired["share_id"], Value::Null);
    let before_the_click = convert_ok(
        &app,
        json!({"click_id": click_id, "kind": "lead", "occurred_at": at(-Duration::hours(2))}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        before_the_click["attributed"], false,
        "a conversion before its click"
    );
    assert_eq!(stats(&app, s.id()).await["conversions"], 1);
}

#[actix_web::test]
async fn touchpoints_are_stored_oldest_first_with_the_last_click_last() {
    let app = app().await;
    let a = shared(&app, "fay").await;
    let b = shared(&app, "gus").await;
    let first = human_click(&app, a.slug(), "81.2.69.142").await;
    let second = human_click(&app, b.slug(), "81.2.69.142").await;
    let last = human_click(&app, a.slug(), "89.160.20.128").await;

    let c = convert_ok(
        &app,
        json!({"click_id": last, "touchpoints": [first, "unknown-click", second, last], "kind": "signup"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (c["attributed"].as_bool(), c["share_id"].as_i64()),
        (Some(true), Some(a.id()))
    );
    let detail: Value = app
        .get(&format!("/api/v1/conversions/{}", c["id"]))
        .await
        .json()
        .await
        .unwrap();
    let touches = detail["touchpoints"].as_array().unwrap();
    type Summary<'a> = (i64, &'a str, bool, Option<i64>, Option<i64>);
    let summary: Vec<Summary> = touches
        .iter()
        .map(|t| {
            (
                t["position"].as_i64().unwrap(),
                t["click_id"].as_str().unwrap(),
                t["attributed"].as_bool().unwrap(),
                t["share_id"].as_i64(),
                t["employee_id"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (0, first.as_str(), true, Some(a.id()), Some(a.employee_id)),
            (1, "unknown-click", false, None, None),
            (2, second.as_str(), true, Some(b.id()), Some(b.employee_id)),
            (3, last.as_str(), true, Some(a.id()), Some(a.employee_id)),
        ]
    );
    assert_eq!(touches[2]["campaign_id"], b.campaign_id);

    // Without click_id, the newest touchpoint is the last click.
    let c = convert_ok(
        &app,
        json!({"touchpoints": [first, second], "kind": "lead"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (c["share_id"].as_i64(), c["employee_id"].as_i64()),
        (Some(b.id()), Some(b.employee_id))
    );
    assert_eq!(c["click_id"], second.as_str());
    // A bad last click leaves the conversion unattributed even with good touchpoints,
    // which are still stored for other models.
    let c = convert_ok(
        &app,
        json!({"click_id": "gone-click", "touchpoints": [first], "kind": "lead"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(c["attributed"], false);
    let detail: Value = app
        .get(&format!("/api/v1/conversions/{}", c["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["touchpoints"][0]["share_id"], a.id());
    assert_eq!(detail["touchpoints"][1]["click_id"], "gone-click");
}

#[actix_web::test]
async fn bot_preview_and_self_clicks_earn_nothing() {
    let app = app().await;
    let sharer = app.create_user("sharer@example.com", "employee", PASSWORD);
    let s = shared_by(&app, sharer, "own").await;
    let bot = click(
        &app,
        &crate::common::client(),
        s.slug(),
        LINKEDIN_BOT,
        "108.174.2.200",
    )
    .await;
    let preview = click(&app, &crate::common::client(), s.slug(), SLACK, "54.1.1.1").await;
    let browser = app.login("sharer@example.com", PASSWORD).await;
    let own = click(&app, &browser, s.slug(), CHROME, "81.2.69.142").await;
    for id in [&bot, &preview, &own] {
        let c = convert_ok(
            &app,
            json!({"click_id": id, "kind": "lead"}),
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(c["attributed"], false, "click {id}: {c}");
        assert_eq!(c["share_id"], Value::Null);
        assert_eq!(c["click_id"], id.as_str(), "the click reference is kept");
    }
    // A human visitor's click on the same link still earns.
    let human = human_click(&app, s.slug(), "89.160.20.128").await;
    let c = convert_ok(
        &app,
        json!({"click_id": human, "kind": "lead"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(c["attributed"], true);
    assert_eq!(stats(&app, s.id()).await["conversions"], 1);
}

#[actix_web::test]
async fn currency_defaults_from_settings_and_must_be_iso_4217() {
    let app = app_with(RawSettings {
        default_currency: Some("EUR".into()),
        ..RawSettings::default()
    })
    .await;
    let c = convert_ok(
        &app,
        json!({"kind": "sale", "value_cents": 100}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(c["currency"], "EUR");
    let c = convert_ok(
        &app,
        json!({"kind": "sale", "value_cents": 100, "currency": "krw"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(c["currency"], "KRW", "codes are normalised to upper case");
    for bad in ["ABC", "EURO", "€", ""] {
        let res = convert(
            &app,
            json!({"kind": "sale", "value_cents": 100, "currency": bad}),
        )
        .await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            "invalid_currency",
            "{bad:?}"
        );
    }
    assert_eq!(all_conversions(&app).await.len(), 2);
}

#[actix_web::test]
async fn bad_input_is_refused_and_stores_nothing() {
    let app = app().await;
    let s = shared(&app, "hal").await;
    let click_id = human_click(&app, s.slug(), "81.2.69.142").await;
    let cases: &[(Value, StatusCode, &str)] = &[
        (
            json!({"click_id": click_id, "kind": "sale", "value_cents": -1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
        ),
        (
            json!({"click_id": click_id, "kind": "sale", "value_cents": 12.5}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"click_id": click_id, "kind": "sale", "value_cents": "1250"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"click_id": click_id, "kind": "Sale"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_kind",
        ),
        (
            json!({"click_id": click_id, "kind": "demo request"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_kind",
        ),
        (
            json!({"click_id": click_id, "kind": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_kind",
        ),
        (
            json!({"click_id": click_id}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"click_id": 42, "kind": "lead"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"touchpoints": "abc", "kind": "lead"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"click_id": click_id, "kind": "lead", "occurred_at": "yesterday"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_occurred_at",
        ),
        (
            json!({"click_id": "x".repeat(200), "kind": "lead"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_click_id",
        ),
        (
            json!({"kind": "lead", "external_id": "x".repeat(300)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_external_id",
        ),
        (
            json!({"kind": "sale", "value_cents": 5, "currency": "XYZ"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_currency",
        ),
    ];
    for (body, status, code) in cases {
        let res = convert(&app, body.clone()).await;
        assert_eq!(&error_code(res, *status).await, code, "{body}");
    }
    let res = app
        .post_raw("/api/v1/conversions", "{\"kind\": \"lead\"")
        .await;
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "malformed_json"
    );
    assert!(
        all_conversions(&app).await.is_empty(),
        "a refused request stores nothing"
    );
    assert_eq!(stats(&app, s.id()).await["conversions"], 0);

    // A value on a lead, and a custom kind, are fine.
    let c = convert_ok(
        &app,
        json!({"click_id": click_id, "kind": "demo_request", "value_cents": 0}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (c["kind"].as_str(), c["value_cents"].as_i64()),
        (Some("demo_request"), Some(0))
    );
    convert_ok(
        &app,
        json!({"kind": "lead", "value_cents": 2_000}),
        StatusCode::CREATED,
    )
    .await;
}

#[actix_web::test]
async fn publishable_keys_can_report_conversions_and_nothing_else() {
    let app = app().await;
    let s = shared(&app, "ivy").await;
    let click_id = human_click(&app, s.slug(), "81.2.69.142").await;
    let pk = publishable_key(&app, Some(SHOP));
    assert!(pk.starts_with("chr_pk_"));

    let res = post_with(&app, &pk, &json!({"click_id": click_id, "kind": "signup"}))
        .send()
        .await
        .unwrap();
    // Accepted, and nothing stored is answered back to a public key.
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"accepted": true}));
    let stored = all_conversions(&app).await;
    assert_eq!(stored[0]["attributed"], true, "attributed all the same");

    let share_path = format!("/api/v1/shares/{}", s.id());
    let refused: Vec<(reqwest::Method, &str, Option<Value>)> = vec![
        (reqwest::Method::GET, "/api/v1/employees", None),
        (
            reqwest::Method::POST,
            "/api/v1/employees",
            Some(json!({"email": "x@example.com", "name": "X"})),
        ),
        (reqwest::Method::GET, "/api/v1/shares", None),
        (reqwest::Method::GET, &share_path, None),
        (
            reqwest::Method::POST,
            "/api/v1/shares",
            Some(json!({"employee_id": s.employee_id, "content_id": 1, "network": "x"})),
        ),
        (reqwest::Method::GET, "/api/v1/campaigns", None),
        (
            reqwest::Method::POST,
            "/api/v1/content",
            Some(json!({"title": "t", "url": "https://example.com"})),
        ),
        (reqwest::Method::GET, "/api/v1/conversions", None),
        (reqwest::Method::GET, "/api/v1/export/conversions.csv", None),
    ];
    for (method, path, body) in refused {
        let mut req = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(&pk);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        assert_eq!(
            error_code(res, StatusCode::FORBIDDEN).await,
            "forbidden",
            "{method} {path}"
        );
    }
    assert_eq!(app.employees().await.len(), 1, "nothing was created");

    let res = post_with(&app, "chr_pk_wrong", &json!({"kind": "lead"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(res, StatusCode::UNAUTHORIZED).await,
        "unauthorized"
    );
    let res = app
        .client
        .post(app.url("/api/v1/conversions"))
        .json(&json!({"kind": "lead"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(res, StatusCode::UNAUTHORIZED).await,
        "unauthorized"
    );
    assert_eq!(all_conversions(&app).await.len(), 1);
}

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/conversions"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap()
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

#[actix_web::test]
async fn cors_answers_the_origins_of_publishable_keys_only() {
    let app = app().await;
    let shop_key = publishable_key(
        &app,
        Some("https://shop.example, https://www.shop.example/"),
    );
    let blog_key = publishable_key(&app, Some("https://blog.example"));
    // A full key's origins do not count, and a revoked key's neither.
    let revoked = api_key::generate(Scope::Publishable);
    app.db()
        .run_sync(|conn| {
            let id = chorus::store::api_keys::insert(
                conn,
                "old",
                Scope::Publishable,
                &revoked,
                Some("https://old.example"),
            )?;
            chorus::store::api_keys::revoke(conn, id)
        })
        .unwrap();

    for origin in [SHOP, "https://www.shop.example", "https://blog.example"] {
        let res = preflight(&app, origin).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{origin}");
        assert_eq!(header(&res, "access-control-allow-origin"), Some(origin));
        assert_eq!(header(&res, "access-control-allow-methods"), Some("POST"));
        let allowed = header(&res, "access-control-allow-headers")
            .unwrap()
            .to_ascii_lowercase();
        assert!(
            allowed.contains("authorization") && allowed.contains("content-type"),
            "{allowed}"
        );
        assert_eq!(header(&res, "access-control-max-age"), Some("600"));
        assert_eq!(header(&res, "vary"), Some("Origin"));
    }
    for origin in [
        "https://evil.example",
        "https://old.example",
        "http://shop.example",
        "null",
    ] {
        let res = preflight(&app, origin).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{origin}");
        assert_eq!(
            header(&res, "access-control-allow-origin"),
            None,
            "{origin}"
        );
        assert_eq!(
            header(&res, "access-control-allow-methods"),
            None,
            "{origin}"
        );
    }

    // The POST: the origin must be the key's own.
    let res = post_with(&app, &shop_key, &json!({"kind": "lead"}))
        .header("Origin", SHOP)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(header(&res, "access-control-allow-origin"), Some(SHOP));
    assert_eq!(header(&res, "vary"), Some("Origin"));
    let res = post_with(&app, &blog_key, &json!({"kind": "lead"}))
        .header("Origin", SHOP)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "access-control-allow-origin"), None);
    assert_eq!(
        error_code(res, StatusCode::FORBIDDEN).await,
        "origin_not_allowed"
    );
    let res = post_with(&app, &shop_key, &json!({"kind": "lead"}))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(res, StatusCode::FORBIDDEN).await,
        "origin_not_allowed"
    );
    let no_origins = publishable_key(&app, None);
    let res = post_with(&app, &no_origins, &json!({"kind": "lead"}))
        .header("Origin", SHOP)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(res, StatusCode::FORBIDDEN).await,
        "origin_not_allowed"
    );

    // Errors from an allowed origin are readable by the page.
    let res = post_with(&app, &shop_key, &json!({"kind": "Sale"}))
        .header("Origin", SHOP)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "access-control-allow-origin"), Some(SHOP));
    assert_eq!(
        error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_kind"
    );
    let res = post_with(
        &app,
        &shop_key,
        &json!({"kind": "sale", "value_cents": 1.5}),
    )
    .header("Origin", SHOP)
    .send()
    .await
    .unwrap();
    assert_eq!(header(&res, "access-control-allow-origin"), Some(SHOP));
    assert_eq!(
        error_code(res, StatusCode::BAD_REQUEST).await,
        "invalid_body"
    );

    // A server-side call with a publishable key (no Origin) is accepted; a full key gets
    // no CORS headers, whatever the Origin.
    let res = post_with(&app, &shop_key, &json!({"kind": "lead"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(header(&res, "access-control-allow-origin"), None);
    let res = post_with(&app, &app.api_key, &json!({"kind": "lead"}))
        .header("Origin", SHOP)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(header(&res, "access-control-allow-origin"), None);
    assert_eq!(
        all_conversions(&app).await.len(),
        3,
        "refused posts stored nothing"
    );
}

#[actix_web::test]
async fn publishable_keys_are_rate_limited_per_key_and_address() {
    let app = app().await;
    let pk = publishable_key(&app, Some(SHOP));
    let send = |ip: &'static str, key: String| {
        let req = post_with(&app, &key, &json!({"kind": "lead"}))
            .header("Origin", SHOP)
            .header("X-Forwarded-For", ip);
        async move { req.send().await.unwrap() }
    };
    let mut created = 0;
    let mut limited = None;
    for _ in 0..40 {
        let res = send("198.51.100.7", pk.clone()).await;
        match res.status() {
            StatusCode::ACCEPTED => created += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited = Some(res);
                break;
            }
            other => panic!("unexpected {other}"),
        }
    }
    let limited = limited.expect("the limit is reached within 40 requests");
    assert!(
        (20..=25).contains(&created),
        "burst of 20 (+ refill): {created}"
    );
    let retry: u64 = header(&limited, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(header(&limited, "access-control-allow-origin"), Some(SHOP));
    assert_eq!(
        error_code(limited, StatusCode::TOO_MANY_REQUESTS).await,
        "rate_limited"
    );

    // Another visitor of the same site, and the server's full key, are not held back.
    assert_eq!(
        send("198.51.100.8", pk.clone()).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(
        convert(&app, json!({"kind": "lead"})).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(all_conversions(&app).await.len(), created + 2);
}

#[actix_web::test]
async fn the_csv_export_lists_every_conversion_in_the_period() {
    let app = app().await;
    let s = shared(&app, "jo").await;
    let click_id = human_click(&app, s.slug(), "81.2.69.142").await;
    let sale = convert_ok(
        &app,
        json!({"click_id": click_id, "kind": "sale", "value_cents": 4_200, "currency": "EUR",
               "customer_id": "=HYPERLINK(\"http://evil\")", "external_id": "o-1"}),
        StatusCode::CREATED,
    )
    .await;
    let lead = convert_ok(
        &app,
        json!({"kind": "lead", "click_id": "unknown", "occurred_at": "2026-01-15T10:00:00Z"}),
        StatusCode::CREATED,
    )
    .await;

    let res = app.get("/api/v1/export/conversions.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, "content-type")
        .unwrap()
        .starts_with("text/csv"));
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        headers,
        [
            "id",
            "occurred_at",
            "kind",
            "value_cents",
            "currency",
            "customer_id",
            "external_id",
            "attributed",
            "click_id",
            "share_id",
            "employee_id",
            "employee_name",
            "campaign_id",
            "campaign"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{text}");
    // Oldest first: the January lead, then the sale.
    assert_eq!(&rows[0][0], lead["id"].to_string());
    assert_eq!(&rows[0][1], "2026-01-15T10:00:00Z");
    assert_eq!(
        (&rows[0][2], &rows[0][7], &rows[0][8], &rows[0][9]),
        ("lead", "false", "unknown", "")
    );
    let r = &rows[1];
    assert_eq!(&r[0], sale["id"].to_string());
    assert_eq!(
        (&r[2], &r[3], &r[4], &r[6], &r[7]),
        ("sale", "4200", "EUR", "o-1", "true")
    );
    assert_eq!(
        &r[5], "'=HYPERLINK(\"http://evil\")",
        "formulas are defused"
    );
    assert_eq!(&r[8], click_id.as_str());
    assert_eq!(&r[9], s.id().to_string());
    assert_eq!(&r[10], s.employee_id.to_string());
    assert_eq!(&r[11], "Person jo");
    assert_eq!(&r[12], s.campaign_id.to_string());
    assert_eq!(&r[13], "Campaign jo");

    // `from` inclusive, `to` exclusive; bare dates are midnight UTC here.
    let january = app
        .get("/api/v1/export/conversions.csv?from=2026-01-15&to=2026-01-16")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(january.lines().count(), 2, "{january}");
    let none = app
        .get("/api/v1/export/conversions.csv?from=2026-01-15T10:00:01Z&to=2026-01-16")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(none.lines().count(), 1, "header only: {none}");
    let attributed = app
        .get("/api/v1/export/conversions.csv?attributed=true")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(attributed.lines().count(), 2);
    for (query, code) in [
        ("from=yesterday", "invalid_from"),
        ("to=2026-13-01", "invalid_to"),
        ("from=2026-02-01&to=2026-01-01", "invalid_period"),
    ] {
        let res = app
            .get(&format!("/api/v1/export/conversions.csv?{query}"))
            .await;
        assert_eq!(
            error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
            code,
            "{query}"
        );
    }
}

#[actix_web::test]
async fn the_admin_page_shows_totals_filters_and_a_csv_link() {
    let app = app().await;
    app.create_user("admin@example.com", "admin", PASSWORD);
    app.create_user("staff@example.com", "employee", PASSWORD);
    let s = shared(&app, "kim").await;
    let click_id = human_click(&app, s.slug(), "81.2.69.142").await;
    for (value, currency) in [(12_500, "EUR"), (500, "EUR"), (1_000, "USD")] {
        convert_ok(
            &app,
            json!({"click_id": click_id, "kind": "sale", "value_cents": value, "currency": currency}),
            StatusCode::CREATED,
        )
        .await;
    }
    convert_ok(
        &app,
        json!({"kind": "lead", "customer_id": "<b>walk-in</b>"}),
        StatusCode::CREATED,
    )
    .await;

    let admin = app.login("admin@example.com", PASSWORD).await;
    let res = admin
        .get(app.url("/admin/conversions"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("href=\"/admin/conversions\" aria-current=\"page\""),
        "nav entry"
    );
    assert!(html.contains("130.00 EUR"), "EUR total");
    assert!(html.contains("10.00 USD"), "USD total");
    assert_eq!(html.matches("data-conversion=").count(), 4);
    assert!(html.contains("Person kim") && html.contains("Campaign kim"));
    assert!(html.contains("&#60;b&#62;walk-in&#60;/b&#62;"), "escaped");
    assert!(html.contains("unattributed"));

    let filtered = page(&admin, app.url(&format!("/admin/conversions?attributed=no&kind=&campaign_id=&employee_id=&from=2020-01-01&to={}", Utc::now().format("%Y-%m-%d")))).await;
    assert_eq!(
        filtered.matches("data-conversion=").count(),
        1,
        "only the unattributed lead"
    );
    assert!(filtered.contains("<option value=\"no\" selected>"));
    assert!(
        filtered.contains("href=\"/admin/conversions.csv?from=2020-01-01&#38;to="),
        "CSV keeps the filters"
    );
    let by_employee = admin
        .get(app.url(&format!(
            "/admin/conversions?employee_id={}&kind=sale",
            s.employee_id
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(by_employee.matches("data-conversion=").count(), 3);
    assert!(by_employee.contains(&format!("<option value=\"{}\" selected>", s.employee_id)));

    let res = admin
        .get(app.url("/admin/conversions?from=03/01/2026&to=2026-01-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("id=\"f-from-error\""),
        "error beside the field"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(!html.contains("data-conversion="));

    let res = admin
        .get(app.url("/admin/conversions.csv?attributed=yes"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, "content-type")
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(
        res.text().await.unwrap().lines().count(),
        4,
        "header and three sales"
    );

    let staff = app.login("staff@example.com", PASSWORD).await;
    let res = staff
        .get(app.url("/admin/conversions"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = crate::common::client()
        .get(app.url("/admin/conversions.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign in first");
}

#[actix_web::test]
async fn the_admin_page_pages_through_200_rows() {
    let app = app().await;
    app.create_user("admin@example.com", "admin", PASSWORD);
    let db = app.db();
    // Rows straight into the store: 201 conversions through HTTP would only slow the test.
    db.run_sync(|conn| {
        for i in 0..201 {
            let new = chorus::store::conversions::NewConversion {
                kind: chorus::domain::conversion::Kind::parse("lead").unwrap(),
                value_cents: None,
                currency: chorus::domain::conversion::Currency::parse("USD").unwrap(),
                external_id: Some(format!("bulk-{i}")),
                customer_id: None,
                occurred_at: (Utc::now() - Duration::minutes(i)).naive_utc(),
                day: Utc::now().date_naive(),
                touches: Vec::new(),
                api_key_id: None,
            };
            chorus::store::conversions::record(conn, &new, 30)?;
        }
        Ok(())
    })
    .unwrap();
    let admin = app.login("admin@example.com", PASSWORD).await;
    let first = page(&admin, app.url("/admin/conversions?kind=lead")).await;
    assert_eq!(first.matches("data-conversion=").count(), 200);
    assert!(first.contains("Conversions 1–200 of 201"));
    assert!(
        first.contains("href=\"/admin/conversions?kind=lead&#38;page=2\""),
        "next keeps the filter"
    );
    assert!(!first.contains("rel=\"prev\""));
    let second = page(&admin, app.url("/admin/conversions?kind=lead&page=2")).await;
    assert_eq!(second.matches("data-conversion=").count(), 1);
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
    assert!(second.contains("bulk-200"), "the oldest comes last");
}

/// Issue 15 #1: a publishable key (public: it is in the website's pages) can neither read a
/// stored conversion back nor pre-empt the real order with a guessed order id; the
/// backend's report of the order wins.
#[actix_web::test]
async fn a_publishable_key_cannot_read_or_preempt_the_backends_orders() {
    let app = app().await;
    let s = shared(&app, "zoe").await;
    let click_id = human_click(&app, s.slug(), "81.2.69.142").await;
    let pk = publishable_key(&app, Some(SHOP));

    // The backend reports order 1001 first: a browser replaying its id learns nothing.
    let real = convert_ok(
        &app,
        json!({"kind": "sale", "external_id": "order-1001", "value_cents": 12900,
               "currency": "EUR", "customer_id": "cust-9", "click_id": click_id}),
        StatusCode::CREATED,
    )
    .await;
    let res = post_with(
        &app,
        &pk,
        &json!({"kind": "sale", "external_id": "order-1001"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"accepted": true}),
        "no customer, value or employee"
    );

    // An attacker plants order 2002 before the backend reports it, unattributed and
    // worth 1 cent; the backend's report is then recorded (not a "repeat") and replaces it.
    for _ in 0..2 {
        let res = post_with(
            &app,
            &pk,
            &json!({"kind": "sale", "external_id": "order-2002", "value_cents": 1}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::ACCEPTED,
            "same answer, new or repeat"
        );
    }
    let planted: Vec<Value> = all_conversions(&app)
        .await
        .into_iter()
        .filter(|c| c["external_id"] == "order-2002")
        .collect();
    assert_eq!(
        planted.len(),
        1,
        "the publishable report is kept once: {planted:?}"
    );
    let second_click = human_click(&app, s.slug(), "81.2.69.160").await;
    let backend = convert_ok(
        &app,
        json!({"kind": "sale", "external_id": "order-2002", "value_cents": 34900,
               "currency": "EUR", "click_id": second_click}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(backend["attributed"], true);
    assert_eq!(backend["employee_id"], s.employee_id);
    let orders: Vec<Value> = all_conversions(&app)
        .await
        .into_iter()
        .filter(|c| c["external_id"] == "order-2002")
        .collect();
    assert_eq!(orders.len(), 1, "one order 2002, the backend's: {orders:?}");
    assert_eq!(orders[0]["id"], backend["id"]);
    assert_eq!(orders[0]["value_cents"], 34900);

    // A later browser report of either order changes nothing.
    let res = post_with(
        &app,
        &pk,
        &json!({"kind": "sale", "external_id": "order-2002"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let all = all_conversions(&app).await;
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.iter().any(|c| c["id"] == real["id"]));
    // The backend's repeat still answers the stored row, as API.md says.
    let again = convert_ok(
        &app,
        json!({"kind": "sale", "external_id": "order-1001", "value_cents": 12900, "currency": "EUR"}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["id"], real["id"]);
}
