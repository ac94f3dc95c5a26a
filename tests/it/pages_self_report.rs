//! What employees report on "My links": metrics of their own shares and their follower
//! counts, stored as `self_reported` snapshots; refusals store nothing.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

async fn share_of(app: &TestApp, employee_id: i64, url: &str) -> i64 {
    let content = app.content_for(url).await;
    app.create_share(&employee_id.into(), &content["id"], "linkedin")
        .await["id"]
        .as_i64()
        .unwrap()
}

/// The table row of a share on `/me`.
fn row(html: &str, share_id: i64) -> String {
    html.split(&format!("data-share=\"{share_id}\""))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row for share {share_id}"))
        .to_string()
}

/// The self-report row under a share's row.
fn report_row(html: &str, share_id: i64) -> String {
    html.split(&format!("data-report=\"{share_id}\""))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_else(|| panic!("no report row for share {share_id}"))
        .to_string()
}

async fn metrics_of(app: &TestApp, share_id: i64) -> Vec<Value> {
    app.list(&format!("/api/v1/shares/{share_id}/metrics"), "metrics")
        .await
}

async fn followers_of(app: &TestApp, employee_id: i64) -> Vec<Value> {
    app.list(
        &format!("/api/v1/employees/{employee_id}/followers"),
        "followers",
    )
    .await
}

async fn post_form(
    browser: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    browser
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("request")
}

#[actix_web::test]
async fn employees_report_metrics_of_their_own_shares() {
    let app = TestApp::spawn().await;
    let me = app.create_user("me@example.com", "employee", PASSWORD);
    let mine = share_of(&app, me, "https://example.com/mine").await;
    let browser = app.login("me@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/me")).await;
    assert!(report_row(&html, mine).contains(&format!("action=\"/me/shares/{mine}/metrics\"")));
    assert!(
        row(&html, mine).contains("No numbers reported yet"),
        "no figures before a report"
    );
    let csrf = hidden_field(&html, "csrf");

    let res = post_form(
        &browser,
        &app,
        &format!("/me/shares/{mine}/metrics"),
        &[
            ("csrf", &csrf),
            ("likes", "1,200"),
            ("comments", "30"),
            ("reshares", " 4 "),
            ("impressions", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("/me?saved=metrics#share-{mine}"));

    let stored = metrics_of(&app, mine).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["source"], "self_reported");
    assert_eq!(
        (
            stored[0]["likes"].clone(),
            stored[0]["comments"].clone(),
            stored[0]["reshares"].clone(),
            stored[0]["impressions"].clone()
        ),
        (1200.into(), 30.into(), 4.into(), Value::Null)
    );

    let html = page(&browser, app.url("/me?saved=metrics")).await;
    assert!(html.contains("Saved your numbers"));
    let r = row(&html, mine);
    assert!(r.contains("data-label=\"Engagement\">1234"), "{r}");
    assert!(
        r.contains("class=\"marker\""),
        "marked as self-reported: {r}"
    );

    // A later figure from the API replaces it, and the marker goes.
    let res = app
        .post(
            &format!("/api/v1/shares/{mine}/metrics"),
            &serde_json::json!({"likes": 1, "comments": 1, "reshares": 1, "impressions": 99}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let r = row(&page(&browser, app.url("/me")).await, mine);
    assert!(
        r.contains("data-label=\"Engagement\">3") && r.contains(">99<"),
        "{r}"
    );
    assert!(!r.contains("class=\"marker\""), "{r}");
    // The form is filled in with the last figures known, to correct or bring up to date.
    let form = report_row(&page(&browser, app.url("/me")).await, mine);
    for (field, value) in [
        ("likes", "1"),
        ("comments", "1"),
        ("reshares", "1"),
        ("impressions", "99"),
    ] {
        assert!(
            form.contains(&format!(
                "name=\"{field}\" inputmode=\"numeric\" autocomplete=\"off\" value=\"{value}\""
            )),
            "{field} = {value} in {form}"
        );
    }
}

#[actix_web::test]
async fn another_employees_share_is_refused_and_nothing_stored() {
    let app = TestApp::spawn().await;
    let me = app.create_user("me@example.com", "employee", PASSWORD);
    let other = app.create_user("other@example.com", "employee", PASSWORD);
    share_of(&app, me, "https://example.com/mine").await;
    let theirs = share_of(&app, other, "https://example.com/theirs").await;
    let browser = app.login("me@example.com", PASSWORD).await;
    let csrf = hidden_field(&page(&browser, app.url("/me")).await, "csrf");
    for form in [
        [
            ("csrf", csrf.as_str()),
            ("likes", "1"),
            ("comments", "1"),
            ("reshares", "1"),
            ("impressions", "10"),
        ],
        // Bad numbers on someone else's share: still "no such share", not the form.
        [
            ("csrf", csrf.as_str()),
            ("likes", "-1"),
            ("comments", "x"),
            ("reshares", "1"),
            ("impressions", ""),
        ],
    ] {
        let res = post_form(
            &browser,
            &app,
            &format!("/me/shares/{theirs}/metrics"),
            &form,
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = post_form(&browser, &app, "/me/shares/999999/metrics", &form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    assert!(metrics_of(&app, theirs).await.is_empty());
}

#[actix_web::test]
async fn bad_numbers_are_shown_beside_their_fields_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let me = app.create_user("me@example.com", "employee", PASSWORD);
    let mine = share_of(&app, me, "https://example.com/mine").await;
    let browser = app.login("me@example.com", PASSWORD).await;
    let csrf = hidden_field(&page(&browser, app.url("/me")).await, "csrf");
    let res = post_form(
        &browser,
        &app,
        &format!("/me/shares/{mine}/metrics"),
        &[
            ("csrf", &csrf),
            ("likes", "-3"),
            ("comments", "lots"),
            ("reshares", ""),
            ("impressions", "1.5"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    let r = report_row(&html, mine);
    assert!(r.contains("<details open>"), "the refused form is unfolded");
    let id = format!("report-{mine}");
    for (field, message) in [
        ("likes", "Likes must not be negative (got -3)."),
        ("comments", "Comments must be a whole number"),
        ("reshares", "Reshares is required."),
        ("impressions", "Impressions must be a whole number"),
    ] {
        assert!(
            r.contains(&format!("aria-describedby=\"{id}-{field}-error\"")),
            "{field} marked invalid"
        );
        let error = r
            .split(&format!("id=\"{id}-{field}-error\">"))
            .nth(1)
            .unwrap_or_else(|| panic!("no error beside {field}"));
        assert!(error.starts_with(message), "{field}: {error}");
    }
    assert!(r.contains("value=\"lots\""), "typed values are kept");
    assert!(metrics_of(&app, mine).await.is_empty());

    // Without the form's token nothing happens either.
    let res = post_form(
        &browser,
        &app,
        &format!("/me/shares/{mine}/metrics"),
        &[("likes", "1"), ("comments", "1"), ("reshares", "1")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(metrics_of(&app, mine).await.is_empty());

    // Signed out: to the login page.
    let res = app
        .client
        .post(app.url(&format!("/me/shares/{mine}/metrics")))
        .form(&[("csrf", csrf.as_str()), ("likes", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    assert!(metrics_of(&app, mine).await.is_empty());
}

#[actix_web::test]
async fn employees_report_their_follower_counts() {
    let app = TestApp::spawn().await;
    let me = app.create_user("me@example.com", "employee", PASSWORD);
    let browser = app.login("me@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/me")).await;
    assert!(
        html.contains("id=\"followers-linkedin\"") && html.contains("id=\"followers-youtube\"")
    );
    let csrf = hidden_field(&html, "csrf");

    let res = post_form(
        &browser,
        &app,
        "/me/followers",
        &[
            ("csrf", &csrf),
            ("linkedin", "1,200"),
            ("x", "350"),
            ("facebook", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = followers_of(&app, me).await;
    assert_eq!(stored.len(), 2, "blank networks are skipped");
    assert!(stored.iter().all(|f| f["source"] == "self_reported"));
    let linkedin = stored.iter().find(|f| f["network"] == "linkedin").unwrap();
    assert_eq!(linkedin["followers"], 1200);
    let html = page(&browser, app.url("/me?saved=followers")).await;
    assert!(html.contains("Saved your follower counts"));
    let field = html.split("id=\"followers-linkedin-now\"").nth(1).unwrap();
    assert!(field.starts_with(">Now 1200") && field.contains("self-reported"));

    // One bad count refuses the whole form: nothing stored, the error beside its field.
    let res = post_form(
        &browser,
        &app,
        "/me/followers",
        &[("csrf", &csrf), ("linkedin", "1300"), ("x", "-5")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Nothing was saved"));
    let error = html.split("id=\"followers-x-error\">").nth(1).unwrap();
    assert!(
        error.starts_with("X followers must not be negative (got -5)."),
        "{error}"
    );
    assert!(html.contains("value=\"1300\""), "typed values are kept");
    assert_eq!(followers_of(&app, me).await.len(), 2);

    let res = post_form(
        &browser,
        &app,
        "/me/followers",
        &[("csrf", &csrf), ("x", " ")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("at least one network"));
    let res = post_form(&browser, &app, "/me/followers", &[("x", "10")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(followers_of(&app, me).await.len(), 2);
}

#[actix_web::test]
async fn admins_see_the_self_reported_marker_on_the_links_page() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let emp = app.create_user("emp@example.com", "employee", PASSWORD);
    let share = share_of(&app, emp, "https://example.com/post").await;
    let employee = app.login("emp@example.com", PASSWORD).await;
    let csrf = hidden_field(&page(&employee, app.url("/me")).await, "csrf");
    let res = post_form(
        &employee,
        &app,
        &format!("/me/shares/{share}/metrics"),
        &[
            ("csrf", &csrf),
            ("likes", "5"),
            ("comments", "0"),
            ("reshares", "0"),
            ("impressions", "80"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let admin = app.login("boss@example.com", PASSWORD).await;
    let html = page(&admin, app.url("/admin/links")).await;
    let r = row(&html, share);
    assert!(
        r.contains("data-label=\"Engagement\">5") && r.contains("class=\"marker\""),
        "{r}"
    );
    assert!(
        !html.contains("data-report="),
        "no self-report form on the admin list"
    );
}
