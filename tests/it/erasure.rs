//! Erasing an employee (the person goes, their numbers stay) and the download of one
//! employee's own data.

use chorus::config::RawSettings;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{error_code, hidden_field, page, TestApp};
use crate::privacy::{api_csv, api_rows, people, set_mode, PASSWORD};

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

async fn spawn() -> TestApp {
    TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        ..RawSettings::default()
    })
    .await
}

/// `n` human clicks on `slug` from distinct visitors.
async fn clicks(app: &TestApp, slug: &str, n: u8, first_ip: u8) {
    for i in 0..n {
        let res = crate::common::client()
            .get(app.url(&format!("/{slug}")))
            .header("User-Agent", CHROME)
            .header("X-Forwarded-For", format!("81.2.69.{}", first_ip + i))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FOUND);
    }
}

/// The slugs of `employee_id`'s shares.
async fn slugs_of(app: &TestApp, employee_id: i64) -> Vec<String> {
    app.list(
        &format!("/api/v1/shares?employee_id={employee_id}"),
        "shares",
    )
    .await
    .iter()
    .map(|s| s["slug"].as_str().unwrap().to_string())
    .collect()
}

fn total(rows: &[(Value, String, i64)]) -> i64 {
    rows.iter().map(|r| r.2).sum()
}

async fn kpi_clicks(app: &TestApp) -> Value {
    let body: Value = app.get("/api/v1/kpis").await.json().await.unwrap();
    body["totals"]["clicks"].clone()
}

#[actix_web::test]
async fn erasing_removes_the_person_and_keeps_every_total() {
    let app = spawn().await;
    let (admin_id, ann, bo, _) = people(&app).await;
    let ann_slugs = slugs_of(&app, ann).await;
    assert_eq!(ann_slugs.len(), 3);
    clicks(&app, &ann_slugs[0], 4, 10).await;
    clicks(&app, &slugs_of(&app, bo).await[0], 2, 30).await;
    let ann_browser = app.login("ann@example.com", PASSWORD).await;

    let boards = ["employees-clicks", "employees-shares", "top-shares"];
    let mut before = Vec::new();
    for board in boards {
        before.push(api_rows(&app, board).await);
    }
    let kpis_before = kpi_clicks(&app).await;
    assert_eq!(kpis_before, json!(6));
    assert!(api_csv(&app, "employees-clicks")
        .await
        .contains("User ann@example.com"));

    // The admin's page asks first, then erases.
    let admin = app.login("admin@example.com", PASSWORD).await;
    let employee_page = page(&admin, app.url(&format!("/admin/employees/{ann}"))).await;
    assert!(employee_page.contains(&format!("href=\"/admin/employees/{ann}/erase\"")));
    let confirm = page(&admin, app.url(&format!("/admin/employees/{ann}/erase"))).await;
    assert!(
        confirm.contains("Erase User ann@example.com?") && confirm.contains("cannot be undone"),
        "{confirm}"
    );
    let res = admin
        .post(app.url(&format!("/admin/employees/{ann}/erase")))
        .form(&[("csrf", hidden_field(&confirm, "csrf"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/admin/employees?erased=1");
    let list = page(&admin, app.url("/admin/employees?erased=1")).await;
    assert!(list.contains("The employee is erased."), "{list}");
    assert!(!list.contains("ann@example.com"), "{list}");

    // Same totals, same number of rows; the name is gone everywhere.
    for (board, rows_before) in boards.iter().zip(&before) {
        let rows = api_rows(&app, board).await;
        assert_eq!(rows.len(), rows_before.len(), "{board}");
        assert_eq!(total(&rows), total(rows_before), "{board}");
        for (_, label, _) in &rows {
            assert!(!label.contains("ann@"), "{board}: {label}");
        }
        let csv = api_csv(&app, board).await;
        assert!(!csv.contains("ann@"), "{board}: {csv}");
    }
    assert_eq!(kpi_clicks(&app).await, kpis_before);
    let clicks_board = api_rows(&app, "employees-clicks").await;
    assert_eq!(
        clicks_board[0],
        (Value::Null, "Erased employee".to_string(), 4)
    );
    for path in [
        "/admin/leaderboards",
        "/admin",
        "/admin/links",
        "/admin/leaderboards/employees-clicks.csv",
    ] {
        let html = page(&admin, app.url(path)).await;
        assert!(!html.contains("ann@example.com"), "{path}: {html}");
    }
    let html = page(&admin, app.url("/admin/leaderboards")).await;
    assert!(html.contains(">Erased employee<"), "{html}");

    // Gone from the API, cannot sign in, the old session is dead.
    let res = app.get(&format!("/api/v1/employees/{ann}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!app.employees().await.iter().any(|e| e["id"] == json!(ann)));
    let res = ann_browser.get(app.url("/me")).send().await.unwrap();
    assert_ne!(res.status(), StatusCode::OK);
    let form = page(&crate::common::client(), app.url("/login")).await;
    let res = crate::common::client()
        .post(app.url("/login"))
        .form(&[
            ("email", "ann@example.com"),
            ("password", PASSWORD),
            ("csrf", &hidden_field(&form, "csrf")),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), StatusCode::SEE_OTHER);
    // The address is free again.
    app.create_employee("ann@example.com", "Ann Again", None)
        .await;

    // Not twice; never the last admin; the API does the same.
    let res = app
        .post(&format!("/api/v1/employees/{ann}/erase"), &json!({}))
        .await;
    assert_eq!(
        error_code(res, StatusCode::CONFLICT).await,
        "already_erased"
    );
    let res = admin
        .post(app.url(&format!("/admin/employees/{ann}/erase")))
        .form(&[("csrf", hidden_field(&confirm, "csrf"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .post(&format!("/api/v1/employees/{admin_id}/erase"), &json!({}))
        .await;
    assert_eq!(error_code(res, StatusCode::CONFLICT).await, "last_admin");
    let confirm = page(
        &admin,
        app.url(&format!("/admin/employees/{admin_id}/erase")),
    )
    .await;
    assert!(
        confirm.contains("id=\"erase-last-admin\"") && !confirm.contains("id=\"erase-confirm\""),
        "the page says so before the click: {confirm}"
    );
    let other = page(&admin, app.url(&format!("/admin/employees/{bo}/erase"))).await;
    let res = admin
        .post(app.url(&format!("/admin/employees/{admin_id}/erase")))
        .form(&[("csrf", hidden_field(&other, "csrf"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("last active admin"), "{html}");
    let res = app
        .post(&format!("/api/v1/employees/{bo}/erase"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app.post("/api/v1/employees/999999/erase", &json!({})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // An employee cannot erase anyone.
    let cy = app.login("cy@example.com", PASSWORD).await;
    let res = cy
        .get(app.url(&format!("/admin/employees/{bo}/erase")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Erased rows stay anonymous in every mode.
    set_mode(&app, "opt_in").await;
    let rows = api_rows(&app, "employees-clicks").await;
    assert_eq!(rows[0], (Value::Null, "Erased employee".to_string(), 4));
}

#[actix_web::test]
async fn an_employee_downloads_their_own_data_and_nobody_elses() {
    let app = spawn().await;
    let (_, ann, bo, _) = people(&app).await;
    let ann_slugs = slugs_of(&app, ann).await;
    let bo_slugs = slugs_of(&app, bo).await;
    clicks(&app, &ann_slugs[1], 3, 10).await;
    clicks(&app, &bo_slugs[0], 2, 40).await;
    let ann_browser = app.login("ann@example.com", PASSWORD).await;

    let res = ann_browser.get(app.url("/me/data")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let text = res.text().await.unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["profile"]["id"], json!(ann));
    assert_eq!(doc["profile"]["email"], "ann@example.com");
    assert_eq!(doc["profile"]["team"], "Sales");
    let shares = doc["shares"].as_array().unwrap();
    assert_eq!(shares.len(), 3);
    let clicked = shares
        .iter()
        .find(|s| s["slug"] == json!(ann_slugs[1]))
        .unwrap();
    assert!(clicked["short_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/{}", ann_slugs[1])));
    let per_day: i64 = clicked["clicks_by_day"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["clicks"].as_i64().unwrap())
        .sum();
    assert_eq!(per_day, 3);
    let sessions = doc["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{doc}");
    assert!(sessions[0]["last_seen_at"].is_string());
    // Nobody else's data; no tokens, no addresses.
    for other in ["bo@example.com", &bo_slugs[0], "token", "81.2.69"] {
        assert!(!text.contains(other), "{other} in {text}");
    }

    // The admin gets the same document from the employee's page and the API.
    let admin = app.login("admin@example.com", PASSWORD).await;
    let res = admin
        .get(app.url(&format!("/admin/employees/{ann}/data")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let by_admin: Value = res.json().await.unwrap();
    assert_eq!(by_admin["shares"], doc["shares"]);
    let res = app.get(&format!("/api/v1/employees/{ann}/data")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let by_key: Value = res.json().await.unwrap();
    assert_eq!(by_key["profile"], doc["profile"]);
    let res = app.get("/api/v1/employees/999999/data").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // An employee cannot read someone else's.
    let res = ann_browser
        .get(app.url(&format!("/admin/employees/{bo}/data")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let me = page(&ann_browser, app.url("/me")).await;
    assert!(me.contains("href=\"/me/data\""), "{me}");
}

#[actix_web::test]
async fn boards_of_shares_name_the_team_or_nobody_as_the_mode_says() {
    let app = spawn().await;
    let (_, ann, bo, _) = people(&app).await;
    clicks(&app, &slugs_of(&app, ann).await[0], 3, 10).await;
    clicks(&app, &slugs_of(&app, bo).await[0], 1, 30).await;
    let labels = |rows: Vec<(Value, String, i64)>| -> Vec<String> {
        rows.into_iter().map(|r| r.1).collect()
    };
    assert_eq!(
        labels(api_rows(&app, "top-shares").await),
        vec![
            "A post · User ann@example.com · linkedin",
            "A post · User bo@example.com · linkedin"
        ]
    );
    set_mode(&app, "teams_only").await;
    assert_eq!(
        labels(api_rows(&app, "top-shares").await),
        vec!["A post · Sales · linkedin", "A post · Sales · linkedin"]
    );
    set_mode(&app, "opt_in").await;
    assert_eq!(
        labels(api_rows(&app, "top-shares").await),
        vec![
            "A post · Anonymous employee · linkedin",
            "A post · Anonymous employee · linkedin"
        ]
    );
    let csv = api_csv(&app, "top-shares").await;
    assert!(!csv.contains("example.com"), "{csv}");
}
