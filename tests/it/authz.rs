//! The authorization matrix (`web::access::MATRIX`) against the running server: every
//! registered route has a line, and every role is tried against every line — allowed roles
//! are not refused, the others are refused the documented way (pages: `303` to `/login` or
//! the 403 page; the API: 401/403 with the JSON error body; `/metrics`: 401). Page forms
//! posted by an allowed signed-in role without their CSRF token are refused too (400).

use std::collections::HashMap;

use chorus::config::RawSettings;
use chorus::domain::api_key::Scope;
use chorus::web::access::{self, Refusal, Role, Rule, MATRIX};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{client, hidden_field, TestApp};

const METRICS_TOKEN: &str = "metrics-token-for-the-authz-test-0123456789";

/// Every field any page form reads, as text, so that each form's body deserialises and
/// the request reaches the handler's role and CSRF checks (unknown fields are ignored).
const FORM_FIELDS: &[(&str, &str)] = &[
    ("email", "someone@example.com"),
    ("name", "Someone"),
    ("team", ""),
    ("role", "employee"),
    ("password", "a long enough password"),
    ("current", "a long enough password"),
    ("confirm", "a long enough password"),
    ("locale", "en"),
    ("keywords", "acme"),
    ("intended_attributes", ""),
    ("keyword", "acme"),
    ("kind", "full"),
    ("utm_campaign", "spring"),
    ("starts_on", ""),
    ("ends_on", ""),
    ("goal", ""),
    ("utm_source", ""),
    ("utm_medium", ""),
    ("value", "1"),
    ("origins", ""),
    ("q", ""),
    ("campaign", ""),
    ("likes", ""),
    ("comments", ""),
    ("reshares", ""),
    ("impressions", ""),
    ("language", "en"),
    ("word", "great"),
    ("polarity", "1"),
    ("token", "not-a-token"),
    ("channel", "email"),
    ("opened_at", ""),
    ("first_response_at", ""),
    ("resolved_at", ""),
    ("external_id", ""),
    ("next", "/"),
];

struct World {
    app: TestApp,
    admin: reqwest::Client,
    admin_csrf: String,
    employee: reqwest::Client,
    employee_csrf: String,
    full_key: String,
    publishable_key: String,
    /// `{employee}`, `{content}`, … of the matrix's samples.
    fixtures: HashMap<&'static str, String>,
}

async fn csrf_of(app: &TestApp, browser: &reqwest::Client) -> String {
    let html = browser
        .get(app.url("/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    hidden_field(&html, "csrf")
}

async fn created_id(res: reqwest::Response, what: &str) -> String {
    assert!(res.status().is_success(), "create {what}: {}", res.status());
    let body: Value = res.json().await.unwrap();
    body["id"].to_string()
}

async fn world() -> World {
    let app = TestApp::spawn_with(RawSettings {
        metrics_token: Some(METRICS_TOKEN.into()),
        ..RawSettings::default()
    })
    .await;
    let password = "correct horse battery staple";
    app.create_user("boss@example.com", "admin", password);
    let employee_id = app.create_user("worker@example.com", "employee", password);
    let admin = app.login("boss@example.com", password).await;
    let employee = app.login("worker@example.com", password).await;
    let admin_csrf = csrf_of(&app, &admin).await;
    let employee_csrf = csrf_of(&app, &employee).await;

    let content = app.content_for("https://example.com/post").await;
    let campaign = app.create_campaign(json!({"name": "Spring"})).await;
    let share = app
        .create_share(&json!(employee_id), &content["id"], "linkedin")
        .await;
    app.create_employee("teammate@example.com", "Teammate", Some("Sales"))
        .await;
    // Erasure routes act on someone the other requests do not need.
    let erasable = app
        .create_employee("leaver@example.com", "Leaver", None)
        .await["id"]
        .to_string();
    let team = app.list("/api/v1/teams", "teams").await[0]["id"].to_string();
    let brand = created_id(
        app.post(
            "/api/v1/brands",
            &json!({"name": "Acme", "own": true, "keywords": ["acme"]}),
        )
        .await,
        "brand",
    )
    .await;
    // A key of its own for the revocation routes, so that the test's keys stay valid.
    app.create_api_key(Scope::Full);
    let keys = app.list("/api/v1/api-keys", "api_keys").await;
    let spare = keys
        .iter()
        .map(|k| k["id"].as_i64().unwrap())
        .max()
        .unwrap()
        .to_string();
    let fixtures = HashMap::from([
        ("{employee}", employee_id.to_string()),
        ("{erasable}", erasable),
        ("{content}", content["id"].to_string()),
        ("{campaign}", campaign["id"].to_string()),
        ("{share}", share["id"].to_string()),
        ("{slug}", share["slug"].as_str().unwrap().to_string()),
        ("{team}", team),
        ("{brand}", brand),
        ("{key}", spare),
        // Ids and tokens nothing has: the answer is then the route's "not found", which
        // is not a refusal, after the role checks.
        ("{keyword}", "999999".into()),
        ("{sentiment}", "999999".into()),
        ("{support}", "999999".into()),
        ("{conversion}", "999999".into()),
        ("{token}", "not-a-token".into()),
    ]);
    World {
        full_key: app.api_key.clone(),
        publishable_key: app.create_api_key(Scope::Publishable),
        app,
        admin,
        admin_csrf,
        employee,
        employee_csrf,
        fixtures,
    }
}

impl World {
    fn path(&self, rule: &Rule) -> String {
        let mut path = rule.sample.to_string();
        for (name, value) in &self.fixtures {
            path = path.replace(name, value);
        }
        assert!(
            !path.contains('{'),
            "{} {}: the sample {} names no fixture of tests/it/authz.rs",
            rule.method,
            rule.pattern,
            rule.sample
        );
        path
    }

    /// `rule`'s request as `role`. Forms carry every field, with the role's own CSRF
    /// token when `csrf` (else a forged one); API bodies are `{}`.
    async fn request(&self, rule: &Rule, role: Role, csrf: bool) -> (StatusCode, String, String) {
        let method = Method::from_bytes(rule.method.as_bytes()).unwrap();
        let (browser, token) = match role {
            Role::Admin => (self.admin.clone(), self.admin_csrf.as_str()),
            Role::Employee => (self.employee.clone(), self.employee_csrf.as_str()),
            _ => (client(), ""),
        };
        let mut req = browser.request(method.clone(), self.app.url(&self.path(rule)));
        match role {
            Role::FullKey => req = req.bearer_auth(&self.full_key),
            Role::PublishableKey => req = req.bearer_auth(&self.publishable_key),
            _ => {}
        }
        if matches!(method, Method::POST | Method::PUT | Method::PATCH) {
            if rule.refusal == Refusal::Api {
                req = req.json(&json!({}));
            } else {
                let csrf = if csrf { token } else { "forged" };
                let mut form = FORM_FIELDS.to_vec();
                form.push(("csrf", csrf));
                req = req.form(&form);
            }
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = res.text().await.unwrap_or_default();
        let refusal_shape = if content_type.starts_with("application/json") {
            body
        } else {
            location
        };
        (status, refusal_shape, content_type)
    }
}

fn to_login(status: StatusCode, location: &str) -> bool {
    status.is_redirection() && location.starts_with("/login")
}

/// What is wrong with an allowed role's answer, if anything.
fn not_refused(status: StatusCode, shape: &str) -> Option<String> {
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return Some(format!("refused with {status}"));
    }
    if to_login(status, shape) {
        return Some(format!("sent to {shape}"));
    }
    if status.is_server_error() {
        return Some(format!("failed with {status}"));
    }
    None
}

/// What is wrong with a refused role's answer, if anything.
fn refused(
    rule: &Rule,
    role: Role,
    status: StatusCode,
    shape: &str,
    ctype: &str,
) -> Option<String> {
    let ok = match rule.refusal {
        Refusal::Page => match role {
            // An employee on an admin page: the 403 page.
            Role::Employee => status == StatusCode::FORBIDDEN && ctype.starts_with("text/html"),
            // Pages read only the session cookie: anyone without one signs in first.
            _ => to_login(status, shape),
        },
        Refusal::Api => {
            let expected = if role == Role::PublishableKey {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNAUTHORIZED
            };
            status == expected
                && serde_json::from_str::<Value>(shape)
                    .is_ok_and(|b| b["error"]["code"].is_string())
        }
        Refusal::Metrics => status == StatusCode::UNAUTHORIZED,
    };
    (!ok).then(|| format!("answered {status} {shape:.80}"))
}

#[actix_web::test]
async fn every_route_is_in_the_matrix_and_every_role_gets_its_answer() {
    let missing: Vec<String> = access::route_table()
        .iter()
        .filter(|r| access::rule(r.method.as_str(), &r.pattern).is_none())
        .map(|r| format!("{r} has no line in web::access::MATRIX"))
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));

    let world = world().await;
    let mut wrong = Vec::new();
    let mut forms = 0;
    for rule in MATRIX {
        // A signed-in person's form: allowed roles post it with a forged CSRF token (so
        // nothing is done) and must be refused with 400; refused roles post their own
        // valid token, so that a missing role check would show.
        let signed_in_form = rule.method == "POST"
            && rule.refusal == Refusal::Page
            && !rule.allowed.contains(&Role::Anonymous);
        for role in Role::ALL {
            let allowed = rule.allowed.contains(&role);
            let (status, shape, ctype) = world.request(rule, role, !allowed).await;
            let problem = if allowed && signed_in_form {
                forms += 1;
                (status != StatusCode::BAD_REQUEST)
                    .then(|| format!("a forged CSRF token answered {status} {shape:.80}"))
            } else if allowed {
                not_refused(status, &shape)
            } else {
                refused(rule, role, status, &shape, &ctype)
            };
            if let Some(problem) = problem {
                let verdict = if allowed { "allowed" } else { "refused" };
                wrong.push(format!(
                    "{} {} as {role:?} ({verdict}): {problem}",
                    rule.method, rule.sample
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the matrix and the server disagree:\n{}",
        wrong.join("\n")
    );
    assert!(forms > 40, "only {forms} signed-in forms tried");
    // Nothing above changed who is signed in.
    for browser in [&world.admin, &world.employee] {
        let res = browser.get(world.app.url("/me")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }

    // The metrics token, the one credential `/metrics` takes.
    let res = client()
        .get(world.app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
