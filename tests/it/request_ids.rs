//! Every request but a short link answers with an `X-Request-Id` (`web::request_id`): a
//! new one, or the proxy's when it is well-formed.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::TestApp;

fn id_of(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_string())
}

#[actix_web::test]
async fn requests_carry_an_id_and_keep_a_proxys_well_formed_one() {
    let app = TestApp::spawn().await;
    let get = |path: &str, sent: Option<&str>| {
        let mut req = app.client.get(app.url(path));
        if let Some(id) = sent {
            req = req.header("X-Request-Id", id);
        }
        req.send()
    };

    let first = id_of(&get("/healthz", None).await.unwrap()).expect("an id");
    let second = id_of(&get("/login", None).await.unwrap()).expect("an id on pages");
    assert_eq!(first.len(), 16);
    assert_ne!(first, second, "one id per request");
    let api = id_of(&get("/api/v1/kpis", None).await.unwrap()).expect("an id on the API");
    assert_eq!(api.len(), 16);

    let kept = get("/healthz", Some("edge-7f3a.42")).await.unwrap();
    assert_eq!(id_of(&kept).as_deref(), Some("edge-7f3a.42"));
    let replaced = get("/healthz", Some("not an id")).await.unwrap();
    let replaced = id_of(&replaced).unwrap();
    assert_ne!(replaced, "not an id");
    assert_eq!(replaced.len(), 16);

    // Short links stay on the shortest path: no id.
    let employee = app.create_employee("ana@example.com", "Ana", None).await;
    let content = app
        .create_content(json!({"title": "Launch", "url": "https://example.com/launch"}))
        .await;
    let share = app
        .create_share(&employee["id"], &content["id"], "linkedin")
        .await;
    let res = app
        .client
        .get(app.url(&format!("/{}", share["slug"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(id_of(&res), None);
}
