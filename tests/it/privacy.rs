//! The privacy mode (DESIGN.md §6) on every board: the API and its CSV, the admin
//! leaderboards page and its CSV, "my stats" on `/me`, and the employees' own
//! `/me/leaderboard`; the employee's own opt-in on `/me`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{hidden_field, page, TestApp};

pub const PASSWORD: &str = "correct horse battery";

/// Ann (Sales, 3 shares), Bo (Sales, 2), Cy (Ops, 1), and an admin; answers their ids.
pub async fn people(app: &TestApp) -> (i64, i64, i64, i64) {
    let admin = app.create_user("admin@example.com", "admin", PASSWORD);
    let mut ids = Vec::new();
    for (who, team, shares) in [("ann", "Sales", 3), ("bo", "Sales", 2), ("cy", "Ops", 1)] {
        let id = app.create_user(&format!("{who}@example.com"), "employee", PASSWORD);
        let res = app
            .patch(&format!("/api/v1/employees/{id}"), &json!({"team": team}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        for n in 0..shares {
            let content = app
                .content_for(&format!("https://example.com/{who}/{n}"))
                .await;
            app.create_share(&json!(id), &content["id"], "linkedin")
                .await;
        }
        ids.push(id);
    }
    (admin, ids[0], ids[1], ids[2])
}

pub async fn set_mode(app: &TestApp, mode: &str) {
    let res = app
        .put("/api/v1/settings", &json!({"privacy_mode": mode}))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "privacy mode {mode}");
}

/// `(id, label, value)` of the API's rows of `board`.
pub async fn api_rows(app: &TestApp, board: &str) -> Vec<(Value, String, i64)> {
    let res = app.get(&format!("/api/v1/leaderboards/{board}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].clone(),
                r["label"].as_str().unwrap().to_string(),
                r["value"].as_i64().unwrap(),
            )
        })
        .collect()
}

pub async fn api_csv(app: &TestApp, board: &str) -> String {
    let res = app
        .get(&format!("/api/v1/export/leaderboards/{board}.csv"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

fn name(who: &str) -> String {
    format!("User {who}@example.com")
}

#[actix_web::test]
async fn off_names_everyone_and_admins_only_keeps_employees_to_their_own_row() {
    let app = TestApp::spawn().await;
    let (_, ann, bo, cy) = people(&app).await;
    let rows = api_rows(&app, "employees-shares").await;
    assert_eq!(
        rows,
        vec![
            (json!(ann), name("ann"), 3),
            (json!(bo), name("bo"), 2),
            (json!(cy), name("cy"), 1)
        ]
    );
    let bo_browser = app.login("bo@example.com", PASSWORD).await;
    let board = page(&bo_browser, app.url("/me/leaderboard")).await;
    assert!(
        board.contains(&name("ann")) && board.contains(&name("cy")),
        "{board}"
    );
    assert!(
        !board.contains("/admin/employees/"),
        "employees get no admin links"
    );

    set_mode(&app, "admins_only").await;
    // Admins and keys still see everyone.
    assert_eq!(api_rows(&app, "employees-shares").await, rows);
    let admin = app.login("admin@example.com", PASSWORD).await;
    let html = page(&admin, app.url("/admin/leaderboards")).await;
    assert!(html.contains(&name("cy")), "{html}");
    // Employees: no board of others, their own figures and rank only.
    let res = bo_browser
        .get(app.url("/me/leaderboard"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let me = page(&bo_browser, app.url("/me")).await;
    assert!(me.contains("Rank 2 of 3"), "{me}");
    assert!(!me.contains("id=\"to-leaderboard\""), "{me}");
    assert!(!me.contains(&name("ann")));
}

#[actix_web::test]
async fn teams_only_sums_by_team_for_everyone_and_hides_ones_own_rank() {
    let app = TestApp::spawn().await;
    let (_, _, _, _) = people(&app).await;
    set_mode(&app, "teams_only").await;
    let teams = vec![
        (Value::Null, "Sales".to_string(), 5),
        (Value::Null, "Ops".to_string(), 1),
    ];
    assert_eq!(api_rows(&app, "employees-shares").await, teams);
    let csv = api_csv(&app, "employees-shares").await;
    assert_eq!(csv, "rank,id,label,value\n1,,Sales,5\n2,,Ops,1\n");

    let admin = app.login("admin@example.com", PASSWORD).await;
    for path in [
        "/admin/leaderboards",
        "/admin",
        "/admin/leaderboards/employees-shares.csv",
    ] {
        let html = page(&admin, app.url(path)).await;
        for who in ["ann", "bo", "cy"] {
            assert!(!html.contains(&name(who)), "{path} names {who}: {html}");
        }
    }
    let html = page(&admin, app.url("/admin/leaderboards")).await;
    assert!(html.contains(">Sales<"), "{html}");
    let csv = page(&admin, app.url("/admin/leaderboards/employees-shares.csv")).await;
    assert!(csv.contains("1,,Sales,5"), "{csv}");

    let bo = app.login("bo@example.com", PASSWORD).await;
    let me = page(&bo, app.url("/me")).await;
    assert!(!me.contains("Rank 2"), "{me}");
    assert!(me.contains("Ranks are not shown"), "{me}");
    let board = page(&bo, app.url("/me/leaderboard")).await;
    assert!(
        board.contains(">Sales<") && board.contains(">Ops<"),
        "{board}"
    );
    assert!(!board.contains(&name("ann")), "{board}");
}

#[actix_web::test]
async fn opt_in_names_only_those_who_chose_it_and_only_they_can_choose() {
    let app = TestApp::spawn().await;
    let (_, ann, bo, cy) = people(&app).await;
    set_mode(&app, "opt_in").await;
    let anonymous = |v| (Value::Null, "Anonymous employee".to_string(), v);
    assert_eq!(
        api_rows(&app, "employees-shares").await,
        vec![anonymous(3), anonymous(2), anonymous(1)]
    );

    // Ann opts in on her own page.
    let ann_browser = app.login("ann@example.com", PASSWORD).await;
    let me = page(&ann_browser, app.url("/me")).await;
    assert!(me.contains("id=\"opt-in\""), "{me}");
    assert!(!me.contains("id=\"opt-in\" name=\"opt_in\" value=\"on\" checked"));
    let res = ann_browser
        .post(app.url("/me/opt-in"))
        .form(&[
            ("csrf", hidden_field(&me, "csrf").as_str()),
            ("opt_in", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/me?saved=privacy");
    let me = page(&ann_browser, app.url("/me?saved=privacy")).await;
    assert!(me.contains("Your leaderboard choice is saved."), "{me}");
    assert!(me.contains("value=\"on\" checked"), "{me}");

    // A form without the CSRF token changes nothing.
    let res = ann_browser
        .post(app.url("/me/opt-in"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), StatusCode::SEE_OTHER);

    assert_eq!(
        api_rows(&app, "employees-shares").await,
        vec![(json!(ann), name("ann"), 3), anonymous(2), anonymous(1)]
    );
    let csv = api_csv(&app, "employees-shares").await;
    assert!(
        csv.contains(&format!("1,{ann},{}", name("ann")))
            && csv.contains("2,,Anonymous employee,2"),
        "{csv}"
    );

    // Bo sees himself and Ann by name, Cy as anonymous.
    let bo_browser = app.login("bo@example.com", PASSWORD).await;
    let board = page(&bo_browser, app.url("/me/leaderboard")).await;
    assert!(
        board.contains(&name("ann")) && board.contains(&name("bo")),
        "{board}"
    );
    assert!(!board.contains(&name("cy")) && board.contains("Anonymous employee"));
    assert!(!board.contains(&format!("data-id=\"{cy}\"")));

    // Admins see the choice on the employee's page; nothing there sets it.
    let admin = app.login("admin@example.com", PASSWORD).await;
    let html = page(&admin, app.url(&format!("/admin/employees/{ann}"))).await;
    assert!(html.contains("Appears by name on boards"), "{html}");
    assert!(!html.contains("name=\"opt_in\""));
    let html = page(&admin, app.url(&format!("/admin/employees/{bo}"))).await;
    assert!(html.contains("Has not chosen to appear by name"), "{html}");
    let html = page(&admin, app.url("/admin/leaderboards")).await;
    assert!(!html.contains(&name("bo")) && !html.contains(&name("cy")));

    // Korean pages use the Korean word.
    let res = bo_browser
        .get(app.url("/me/leaderboard"))
        .header("Accept-Language", "ko")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("익명 직원"), "{html}");
}
