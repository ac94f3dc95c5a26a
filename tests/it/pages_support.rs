//! `/admin/support`: the case list with filters and summary, and adding a case by hand.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

async fn admin(app: &TestApp) -> reqwest::Client {
    app.create_user("boss@example.com", "admin", PASSWORD);
    app.login("boss@example.com", PASSWORD).await
}

/// The text of the element with this id (up to the next tag).
fn text_of(html: &str, id: &str) -> String {
    html.split(&format!("id=\"{id}\">"))
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no element {id}"))
        .to_string()
}

fn case_rows(html: &str) -> usize {
    html.matches("data-case=\"").count()
}

async fn case(app: &TestApp, body: Value) {
    let res = app.post("/api/v1/support-cases", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{body}");
}

#[actix_web::test]
async fn the_page_lists_filters_and_summarises_cases() {
    let app = TestApp::spawn().await;
    let browser = admin(&app).await;
    let html = page(&browser, app.url("/admin/support")).await;
    assert!(
        html.contains("href=\"/admin/support\" aria-current=\"page\""),
        "in the nav"
    );
    assert_eq!(text_of(&html, "sum-cases"), "0");
    assert_eq!(text_of(&html, "sum-median"), "no data");
    assert_eq!(text_of(&html, "sum-p90"), "no data");
    assert_eq!(
        text_of(&html, "sum-resolved"),
        "no data",
        "never 0 % or NaN"
    );
    assert_eq!(case_rows(&html), 0);

    case(
        &app,
        json!({"channel": "twitter", "opened_at": "2026-03-01T10:00:00Z",
               "first_response_at": "2026-03-01T10:05:00Z", "resolved_at": "2026-03-01T12:10:00Z",
               "external_id": "zd-7"}),
    )
    .await;
    case(
        &app,
        json!({"channel": "twitter", "opened_at": "2026-03-02T10:00:00Z",
               "first_response_at": "2026-03-02T11:00:00Z"}),
    )
    .await;
    case(
        &app,
        json!({"channel": "linkedin", "opened_at": "2026-03-03T10:00:00Z"}),
    )
    .await;

    let html = page(&browser, app.url("/admin/support")).await;
    assert_eq!(case_rows(&html), 3);
    assert_eq!(text_of(&html, "sum-cases"), "3");
    assert_eq!(
        text_of(&html, "sum-median"),
        "32 min",
        "median of 5 and 60 minutes"
    );
    assert_eq!(text_of(&html, "sum-p90"), "1 h 00 min");
    assert_eq!(text_of(&html, "sum-resolved"), "33 %");
    assert!(html.contains("1 awaiting a first response"));
    assert!(
        html.contains("2 h 10 min"),
        "resolution time in human units"
    );
    assert!(html.contains("<code>zd-7</code>"));
    assert!(html.contains(">awaiting<"));

    let html = page(&browser, app.url("/admin/support?channel=linkedin")).await;
    assert_eq!(case_rows(&html), 1);
    assert!(html.contains("<option value=\"linkedin\" selected>"));
    assert_eq!(text_of(&html, "sum-median"), "no data");
    assert_eq!(text_of(&html, "sum-resolved"), "0 %");
    let html = page(&browser, app.url("/admin/support?status=resolved")).await;
    assert_eq!(case_rows(&html), 1);
    let html = page(
        &browser,
        app.url("/admin/support?status=open&from=2026-03-02&to=2026-03-02"),
    )
    .await;
    assert_eq!(case_rows(&html), 1, "both dates included");

    let res = browser
        .get(app.url("/admin/support?from=March&status=closed"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"f-from-error\">Enter a date as YYYY-MM-DD"));
    assert!(html.contains("id=\"f-status-error\">Choose all, open or resolved."));
    assert_eq!(case_rows(&html), 0);
}

#[actix_web::test]
async fn admins_add_cases_by_hand() {
    let app = TestApp::spawn().await;
    let browser = admin(&app).await;
    let csrf = hidden_field(&page(&browser, app.url("/admin/support")).await, "csrf");
    let res = browser
        .post(app.url("/admin/support"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("channel", "Facebook"),
            ("opened_at", "2026-03-01T09:00"),
            ("first_response_at", "2026-03-01T09:45"),
            ("resolved_at", ""),
            ("external_id", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/admin/support?added=created");
    let stored = app.list("/api/v1/support-cases", "support_cases").await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["channel"], "facebook");
    assert_eq!(
        stored[0]["opened_at"], "2026-03-01T09:00:00Z",
        "local time in UTC"
    );
    assert_eq!(stored[0]["first_response_seconds"], 2700);
    let html = page(&browser, app.url("/admin/support?added=created")).await;
    assert!(html.contains("Added the case."));
    assert!(html.contains("45 min"));

    // Out of order and a bad channel: errors beside the fields, nothing stored.
    let res = browser
        .post(app.url("/admin/support"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("channel", "customer care"),
            ("opened_at", "2026-03-05T09:00"),
            ("first_response_at", ""),
            ("resolved_at", "2026-03-04T09:00"),
            ("external_id", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"case-channel-error\">Use 1 to 32 characters"));
    assert!(
        html.contains("value=\"customer care\""),
        "typed values are kept"
    );
    assert_eq!(
        app.list("/api/v1/support-cases", "support_cases")
            .await
            .len(),
        1
    );
    let res = browser
        .post(app.url("/admin/support"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("channel", "x"),
            ("opened_at", "2026-03-05T09:00"),
            ("resolved_at", "2026-03-04T09:00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("id=\"case-resolved-error\">Resolved must not be before the opening time.")
    );
    let res = browser
        .post(app.url("/admin/support"))
        .form(&[("csrf", csrf.as_str()), ("channel", "x"), ("opened_at", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("id=\"case-opened-error\">Opened is required."));
    let res = browser
        .post(app.url("/admin/support"))
        .form(&[("channel", "x"), ("opened_at", "2026-03-05T09:00")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "no CSRF token");
    assert_eq!(
        app.list("/api/v1/support-cases", "support_cases")
            .await
            .len(),
        1
    );

    // Employees may not see or add cases.
    app.create_user("emp@example.com", "employee", PASSWORD);
    let employee = app.login("emp@example.com", PASSWORD).await;
    let res = employee
        .get(app.url("/admin/support"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = employee
        .post(app.url("/admin/support"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("channel", "x"),
            ("opened_at", "2026-03-05T09:00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.list("/api/v1/support-cases", "support_cases")
            .await
            .len(),
        1
    );
}
