//! Accounts through real HTTP: invitations (one by one and by CSV, e-mailed through a local
//! SMTP sink or handed over), "forgot password" and admin-made reset links, changing a
//! password, the employee page (edit, deactivate, reactivate, end sessions), and sessions'
//! idle timeout and clean-up.

use chorus::config::RawSettings;
use chorus::db::schema::{account_links, sessions};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{client, hidden_field, page, TestApp};
use crate::smtp_sink::SmtpSink;

const PASSWORD: &str = "correct horse battery";
const NEW_PASSWORD: &str = "a much better passphrase";

async fn with_mail(sink: &SmtpSink) -> TestApp {
    TestApp::spawn_with(RawSettings {
        smtp_url: Some(sink.url.clone()),
        mail_from: Some("Chorus <chorus@example.com>".into()),
        // "Forgot password" shares the sign-in limiter; these tests sign in often.
        login_attempts_per_minute: Some(100),
        ..RawSettings::default()
    })
    .await
}

async fn post(browser: &reqwest::Client, url: String, form: &[(&str, &str)]) -> reqwest::Response {
    browser.post(url).form(form).send().await.unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

/// The `value` of the element with `id` (the copy fields of links).
fn value_of(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[start..];
    let v = rest.find("value=\"")? + "value=\"".len();
    Some(rest[v..].split('"').next()?.to_string())
}

/// The path of a link's absolute URL on this app.
fn path(app: &TestApp, url: &str) -> String {
    url.strip_prefix(&app.address)
        .unwrap_or_else(|| panic!("{url} is not on {}", app.address))
        .to_string()
}

/// The admin (signed in) and their CSRF token.
async fn admin(app: &TestApp) -> (reqwest::Client, String) {
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = app.login("boss@example.com", PASSWORD).await;
    let csrf = hidden_field(&page(&browser, app.url("/admin/employees")).await, "csrf");
    (browser, csrf)
}

/// Invites through the employee form (no password); returns the employee page's path.
async fn invite(
    app: &TestApp,
    browser: &reqwest::Client,
    csrf: &str,
    email: &str,
    name: &str,
) -> String {
    let res = post(
        browser,
        app.url("/admin/employees"),
        &[
            ("name", name),
            ("email", email),
            ("team", "Sales"),
            ("role", "employee"),
            ("password", ""),
            ("csrf", csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    location(&res)
}

fn employee_id(employee_page: &str) -> i64 {
    employee_page
        .trim_start_matches("/admin/employees/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Opens a link's form and posts the two passwords.
async fn set_password(
    app: &TestApp,
    browser: &reqwest::Client,
    link_path: &str,
    password: &str,
    confirm: &str,
) -> reqwest::Response {
    let html = page(browser, app.url(link_path)).await;
    let csrf = hidden_field(&html, "csrf");
    post(
        browser,
        app.url(link_path),
        &[
            ("password", password),
            ("confirm", confirm),
            ("csrf", &csrf),
        ],
    )
    .await
}

async fn signs_in(app: &TestApp, email: &str, password: &str) -> StatusCode {
    let browser = client();
    let csrf = hidden_field(&page(&browser, app.url("/login")).await, "csrf");
    post(
        &browser,
        app.url("/login"),
        &[("email", email), ("password", password), ("csrf", &csrf)],
    )
    .await
    .status()
}

async fn is_signed_in(app: &TestApp, browser: &reqwest::Client) -> bool {
    browser.get(app.url("/feed")).send().await.unwrap().status() == StatusCode::OK
}

#[actix_web::test]
async fn an_invitation_is_mailed_sets_the_password_once_and_lands_on_the_feed() {
    let sink = SmtpSink::start();
    let app = with_mail(&sink).await;
    let (boss, csrf) = admin(&app).await;
    let employee_page = invite(&app, &boss, &csrf, "new@example.com", "New Person").await;
    assert!(
        employee_page.ends_with("?done=invite-sent"),
        "{employee_page}"
    );
    let message = sink.message_to("new@example.com").await;
    assert_eq!(
        message.header("subject").as_deref(),
        Some("You are invited to Chorus")
    );
    assert!(
        message.body().contains("Hello New Person"),
        "{}",
        message.body()
    );
    let link = message.link("invite");
    assert!(link.starts_with(&app.address), "{link}");

    // The admin sees the same link to copy, and the list says "invited".
    let html = page(&boss, app.url(&employee_page)).await;
    assert_eq!(
        value_of(&html, "invite-link").as_deref(),
        Some(link.as_str())
    );
    assert!(html.contains("Invitation e-mailed"));
    let list = page(&boss, app.url("/admin/employees")).await;
    assert!(list.contains("account-invited"), "{list}");

    // Both fields wrong at once; nothing is used up.
    let invitee = client();
    let link_path = path(&app, &link);
    let res = set_password(&app, &invitee, &link_path, "short", "different").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"password-error\"") && html.contains("id=\"confirm-error\""));
    let res = set_password(&app, &invitee, &link_path, NEW_PASSWORD, "not the same one").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A forged post (no token) is refused.
    let res = post(
        &client(),
        app.url(&link_path),
        &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let res = set_password(&app, &invitee, &link_path, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/feed", "signed in, on the feed");
    assert!(is_signed_in(&app, &invitee).await);

    // Used: the link answers a clear page, and a second post changes nothing.
    let res = invitee.get(app.url(&link_path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("This invitation was already used"));
    let late = client();
    let csrf = hidden_field(&page(&late, app.url("/login")).await, "csrf");
    let res = post(
        &late,
        app.url(&link_path),
        &[
            ("password", "yet another password"),
            ("confirm", "yet another password"),
            ("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert_eq!(
        signs_in(&app, "new@example.com", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let html = page(&boss, app.url(&employee_page)).await;
    assert!(
        value_of(&html, "invite-link").is_none(),
        "no pending link once used"
    );
}

#[actix_web::test]
async fn without_mail_the_link_is_shown_re_inviting_replaces_it_and_it_expires() {
    let app = TestApp::spawn().await;
    let (boss, csrf) = admin(&app).await;
    let employee_page = invite(&app, &boss, &csrf, "ana@example.com", "Ana").await;
    assert!(employee_page.ends_with("?done=invited"), "{employee_page}");
    let html = page(&boss, app.url(&employee_page)).await;
    let first = value_of(&html, "invite-link").expect("the link to hand over");
    let id = employee_id(&employee_page);

    let res = post(
        &boss,
        app.url(&format!("/admin/employees/{id}/invite")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(&boss, app.url(&location(&res))).await;
    let second = value_of(&html, "invite-link").expect("the new link");
    assert_ne!(first, second);
    let res = client()
        .get(app.url(&path(&app, &first)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "the old link is void");
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("This invitation does not work"));

    // Expired: a clear page, on opening and on posting.
    let second_path = path(&app, &second);
    let invitee = client();
    let html = page(&invitee, app.url(&second_path)).await;
    let form_csrf = hidden_field(&html, "csrf");
    app.db()
        .run_sync(move |conn| {
            diesel::update(account_links::table.filter(account_links::employee_id.eq(id)))
                .set(
                    account_links::expires_at
                        .eq(chorus::store::now() - chrono::Duration::minutes(1)),
                )
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
    let res = invitee.get(app.url(&second_path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("This invitation has expired"));
    let res = post(
        &invitee,
        app.url(&second_path),
        &[
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
            ("csrf", &form_csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert_ne!(
        signs_in(&app, "ana@example.com", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let res = client()
        .get(app.url("/invite/not-a-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn forgot_password_mails_a_one_time_link_and_answers_the_same_for_unknown_addresses() {
    let sink = SmtpSink::start();
    let app = with_mail(&sink).await;
    app.create_user("emp@example.com", "employee", PASSWORD);
    let signed_in = app.login("emp@example.com", PASSWORD).await;
    let login = page(&client(), app.url("/login")).await;
    assert!(
        login.contains("href=\"/reset\""),
        "the login page links to it"
    );

    let asker = client();
    let html = page(&asker, app.url("/reset")).await;
    let csrf = hidden_field(&html, "csrf");
    let res = post(
        &asker,
        app.url("/reset"),
        &[("email", "nope"), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"email-error\"") && html.contains("value=\"nope\""));
    // The refused form came back with a fresh token.
    let csrf = hidden_field(&html, "csrf");
    let res = post(
        &asker,
        app.url("/reset"),
        &[("email", "nobody@example.com"), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let unknown = location(&res);
    let res = post(
        &asker,
        app.url("/reset"),
        &[("email", "EMP@example.com"), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), unknown, "the same answer either way");
    let html = page(&asker, app.url(&unknown)).await;
    assert!(html.contains("id=\"forgot-sent\""));

    let message = sink.message_to("emp@example.com").await;
    assert_eq!(sink.count(), 1, "nothing sent to an unknown address");
    let link = path(&app, &message.link("reset"));
    let res = set_password(&app, &client(), &link, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login?reset=1");
    assert!(page(&client(), app.url("/login?reset=1"))
        .await
        .contains("id=\"login-notice\""));
    assert!(!is_signed_in(&app, &signed_in).await, "every session ended");
    assert_eq!(
        signs_in(&app, "emp@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        signs_in(&app, "emp@example.com", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let res = client().get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::GONE, "one time only");
}

#[actix_web::test]
async fn without_mail_an_admin_makes_the_reset_link() {
    let app = TestApp::spawn().await;
    let (boss, csrf) = admin(&app).await;
    let id = app.create_user("emp@example.com", "employee", PASSWORD);
    let signed_in = app.login("emp@example.com", PASSWORD).await;
    let html = page(&client(), app.url("/reset")).await;
    assert!(html.contains("id=\"forgot-ask-admin\"") && !html.contains("id=\"forgot-form\""));

    let res = post(
        &boss,
        app.url(&format!("/admin/employees/{id}/reset-link")),
        &[("csrf", "forged")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = post(
        &boss,
        app.url(&format!("/admin/employees/{id}/reset-link")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(&boss, app.url(&location(&res))).await;
    let link = value_of(&html, "reset-link").expect("the reset link to hand over");
    let res = set_password(
        &app,
        &client(),
        &path(&app, &link),
        NEW_PASSWORD,
        NEW_PASSWORD,
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!is_signed_in(&app, &signed_in).await);
    assert_eq!(
        signs_in(&app, "emp@example.com", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let html = page(&boss, app.url(&format!("/admin/employees/{id}"))).await;
    assert!(
        value_of(&html, "reset-link").is_none(),
        "used links are not shown"
    );
}

#[actix_web::test]
async fn changing_the_password_checks_every_field_and_ends_the_other_sessions() {
    // The form shares the sign-in limiter; this test signs in more than five times.
    let app = TestApp::spawn_with(RawSettings {
        login_attempts_per_minute: Some(100),
        ..RawSettings::default()
    })
    .await;
    app.create_user("emp@example.com", "employee", PASSWORD);
    let here = app.login("emp@example.com", PASSWORD).await;
    let elsewhere = app.login("emp@example.com", PASSWORD).await;
    let csrf = hidden_field(&page(&here, app.url("/me/password")).await, "csrf");

    let res = post(
        &here,
        app.url("/me/password"),
        &[
            ("current", "wrong password"),
            ("password", "short"),
            ("confirm", "other"),
            ("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for id in ["current-error", "password-error", "confirm-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let res = post(
        &here,
        app.url("/me/password"),
        &[
            ("current", PASSWORD),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
            ("csrf", "forged"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = post(
        &here,
        app.url("/me/password"),
        &[
            ("current", PASSWORD),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
            ("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/me/password?changed=1");
    assert!(page(&here, app.url("/me/password?changed=1"))
        .await
        .contains("id=\"password-notice\""));
    assert!(is_signed_in(&app, &here).await, "this session stays");
    assert!(!is_signed_in(&app, &elsewhere).await, "the others end");
    assert_eq!(
        signs_in(&app, "emp@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        signs_in(&app, "emp@example.com", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn an_admin_edits_an_employee_with_errors_beside_the_fields() {
    let app = TestApp::spawn().await;
    let (boss, csrf) = admin(&app).await;
    let ana = app
        .create_employee("ana@example.com", "Ana", Some("Sales"))
        .await;
    app.create_employee("bo@example.com", "Bo", None).await;
    let url = app.url(&format!("/admin/employees/{}", ana["id"]));

    let res = post(
        &boss,
        url.clone(),
        &[
            ("name", ""),
            ("email", "not an email"),
            ("team", "Sales"),
            ("role", "boss"),
            ("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for id in ["emp-name-error", "emp-email-error", "emp-role-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("value=\"not an email\""), "typed value kept");

    let res = post(
        &boss,
        url.clone(),
        &[
            ("name", "Ana Kim"),
            ("email", "bo@example.com"),
            ("team", ""),
            ("role", "employee"),
            ("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("id=\"emp-email-error\""));

    let res = post(
        &boss,
        url.clone(),
        &[
            ("name", "Ana Kim"),
            ("email", "ana.kim@example.com"),
            ("team", "Marketing"),
            ("role", "admin"),
            ("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).ends_with("?done=saved"));
    let shown: Value = app
        .get(&format!("/api/v1/employees/{}", ana["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            &shown["name"],
            &shown["email"],
            &shown["team"],
            &shown["role"]
        ),
        (
            &json!("Ana Kim"),
            &json!("ana.kim@example.com"),
            &json!("Marketing"),
            &json!("admin")
        )
    );
    assert!(page(&boss, app.url(&location(&res)))
        .await
        .contains("Changes saved."));

    // Teams are renamed from the list.
    let teams = app.list("/api/v1/teams", "teams").await;
    let sales = teams.iter().find(|t| t["name"] == "Sales").unwrap();
    let rename = app.url(&format!("/admin/teams/{}", sales["id"]));
    let res = post(
        &boss,
        rename.clone(),
        &[("name", "Marketing"), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("id=\"team-error\""));
    let res = post(&boss, rename.clone(), &[("name", ""), ("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = post(&boss, rename, &[("name", "Field Sales"), ("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let teams = app.list("/api/v1/teams", "teams").await;
    assert!(teams.iter().any(|t| t["name"] == "Field Sales"));
    let res = post(
        &boss,
        app.url("/admin/employees/999999"),
        &[
            ("name", "X"),
            ("email", "x@example.com"),
            ("role", "employee"),
            ("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn deactivation_blocks_sign_in_and_new_shares_while_links_keep_counting() {
    let app = TestApp::spawn().await;
    let (boss, csrf) = admin(&app).await;
    let me = app.create_user("emp@example.com", "employee", PASSWORD);
    let first = app.content_for("https://example.com/first").await;
    let second = app.content_for("https://example.com/second").await;
    let employee = app.login("emp@example.com", PASSWORD).await;
    let feed_csrf = hidden_field(&page(&employee, app.url("/feed")).await, "csrf");
    let res = post(
        &employee,
        app.url(&format!("/feed/{}/share/linkedin", first["id"])),
        &[("csrf", &feed_csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let shares = app
        .list(&format!("/api/v1/shares?employee_id={me}"), "shares")
        .await;
    assert_eq!(shares.len(), 1);

    let res = post(
        &boss,
        app.url(&format!("/admin/employees/{me}/deactivate")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(&boss, app.url(&location(&res))).await;
    assert!(html.contains("id=\"reactivate\"") && html.contains("account-deactivated"));

    // No session, no sign-in (a clear message), no new share through the feed or the API.
    assert!(!is_signed_in(&app, &employee).await);
    let res = post(
        &employee,
        app.url(&format!("/feed/{}/share/x", second["id"])),
        &[("csrf", &feed_csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"));
    let browser = client();
    let login_csrf = hidden_field(&page(&browser, app.url("/login")).await, "csrf");
    let res = post(
        &browser,
        app.url("/login"),
        &[
            ("email", "emp@example.com"),
            ("password", PASSWORD),
            ("csrf", &login_csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("This account has been deactivated"));
    let res = app
        .post(
            "/api/v1/shares",
            &json!({"employee_id": me, "content_id": second["id"], "network": "x"}),
        )
        .await;
    assert_eq!(
        crate::common::error_code(res, StatusCode::UNPROCESSABLE_ENTITY).await,
        "employee_deactivated"
    );

    // The existing link still redirects and counts.
    let visitor = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(crate::browser_support::DESKTOP_CHROME)
        .build()
        .unwrap();
    let res = visitor
        .get(app.url(&format!("/{}", shares[0]["slug"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(location(&res).starts_with("https://example.com/first"));
    let clicks = app.clicks_of(shares[0]["id"].as_i64().unwrap()).await;
    assert_eq!(clicks.len(), 1, "the click was recorded");

    let res = post(
        &boss,
        app.url(&format!("/admin/employees/{me}/reactivate")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        signs_in(&app, "emp@example.com", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn the_last_active_admin_stays_an_admin() {
    let app = TestApp::spawn().await;
    let (boss, csrf) = admin(&app).await;
    let me = app.employees().await[0]["id"].as_i64().unwrap();
    let res = post(
        &boss,
        app.url(&format!("/admin/employees/{me}/deactivate")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("id=\"employee-error\""));
    let res = post(
        &boss,
        app.url(&format!("/admin/employees/{me}")),
        &[
            ("name", "Boss"),
            ("email", "boss@example.com"),
            ("role", "employee"),
            ("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(is_signed_in(&app, &boss).await);
    let shown: Value = app
        .get(&format!("/api/v1/employees/{me}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (shown["role"].as_str(), shown["active"].as_bool()),
        (Some("admin"), Some(true))
    );
}

#[actix_web::test]
async fn an_admin_ends_every_session_of_an_employee() {
    let app = TestApp::spawn().await;
    let (boss, csrf) = admin(&app).await;
    let id = app.create_user("emp@example.com", "employee", PASSWORD);
    let phone = app.login("emp@example.com", PASSWORD).await;
    let laptop = app.login("emp@example.com", PASSWORD).await;
    let html = page(&boss, app.url(&format!("/admin/employees/{id}"))).await;
    assert!(html.contains("Signed in on 2 browsers."), "{html}");
    let res = post(
        &boss,
        app.url(&format!("/admin/employees/{id}/sessions/end")),
        &[("csrf", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = post(
        &boss,
        app.url(&format!("/admin/employees/{id}/sessions/end")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!is_signed_in(&app, &phone).await && !is_signed_in(&app, &laptop).await);
    assert!(page(&boss, app.url(&location(&res)))
        .await
        .contains("Not signed in anywhere."));
    assert!(is_signed_in(&app, &boss).await);
    assert_eq!(
        signs_in(&app, "emp@example.com", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

async fn upload(
    app: &TestApp,
    browser: &reqwest::Client,
    csrf: &str,
    csv: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                .file_name("people.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    browser
        .post(app.url("/admin/employees/invite-csv"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_csv_invites_everyone_or_no_one() {
    let sink = SmtpSink::start();
    let app = with_mail(&sink).await;
    let (boss, csrf) = admin(&app).await;
    app.create_employee("taken@example.com", "Taken", None)
        .await;

    let res = upload(
        &app,
        &boss,
        &csrf,
        "name,email,team\nAna,ana@example.com,Sales\n,not-an-email,\nBo,ANA@example.com,\n",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"csv-errors\""));
    for line in ["Line 3, name:", "Line 3, email:", "Line 4, email:"] {
        assert!(html.contains(line), "{line}");
    }
    let res = upload(
        &app,
        &boss,
        &csrf,
        "name,email\nAna,ana@example.com\nT,taken@example.com\n",
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("taken@example.com already belongs"));
    assert_eq!(app.employees().await.len(), 2, "nothing stored");
    let res = upload(&app, &boss, "forged", "name,email\nAna,ana@example.com\n").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let res = upload(
        &app,
        &boss,
        &csrf,
        "Name;E-mail;Team\nAna Kim;ana@example.com;Sales\nBo Lee;bo@example.com;\n",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/employees?invited=2");
    assert!(page(&boss, app.url("/admin/employees?invited=2"))
        .await
        .contains("Invited 2 employees."));
    let employees = app.employees().await;
    assert_eq!(employees.len(), 4);
    let ana = employees
        .iter()
        .find(|e| e["email"] == "ana@example.com")
        .unwrap();
    assert_eq!(ana["team"], "Sales");
    sink.wait_for(2).await;
    let link = sink.message_to("bo@example.com").await.link("invite");
    let res = set_password(
        &app,
        &client(),
        &path(&app, &link),
        NEW_PASSWORD,
        NEW_PASSWORD,
    )
    .await;
    assert_eq!(location(&res), "/feed");
}

#[actix_web::test]
async fn idle_sessions_end_and_dead_ones_are_deleted() {
    let app = TestApp::spawn_with(RawSettings {
        session_idle_days: Some(1),
        ..RawSettings::default()
    })
    .await;
    let id = app.create_user("emp@example.com", "employee", PASSWORD);
    let browser = app.login("emp@example.com", PASSWORD).await;
    let last_seen = |app: &TestApp| {
        app.db()
            .run_sync(move |conn| {
                Ok(sessions::table
                    .filter(sessions::employee_id.eq(id))
                    .select(sessions::last_seen_at)
                    .load::<chrono::NaiveDateTime>(conn)?)
            })
            .unwrap()
    };
    let set_last_seen = |app: &TestApp, ago: chrono::Duration| {
        app.db()
            .run_sync(move |conn| {
                diesel::update(sessions::table.filter(sessions::employee_id.eq(id)))
                    .set(sessions::last_seen_at.eq(chorus::store::now() - ago))
                    .execute(conn)?;
                Ok(())
            })
            .unwrap()
    };

    // Used a minute ago: the request does not write; ten minutes ago: it does.
    set_last_seen(&app, chrono::Duration::minutes(1));
    let before = last_seen(&app);
    assert!(is_signed_in(&app, &browser).await);
    assert_eq!(last_seen(&app), before, "not written on every request");
    set_last_seen(&app, chrono::Duration::minutes(10));
    assert!(is_signed_in(&app, &browser).await);
    let touched = last_seen(&app)[0];
    assert!(chorus::store::now() - touched < chrono::Duration::minutes(1));

    // Idle past the timeout: signed out, and the next sign-in deletes the dead row.
    set_last_seen(&app, chrono::Duration::days(2));
    assert!(!is_signed_in(&app, &browser).await);
    assert_eq!(last_seen(&app).len(), 1);
    app.login("emp@example.com", PASSWORD).await;
    assert_eq!(last_seen(&app).len(), 1, "the idle session was deleted");
    let rows = app
        .db()
        .run_sync(move |conn| chorus::store::sessions::delete_expired(conn, chorus::store::now()))
        .unwrap();
    assert_eq!(rows, 1, "the sweep deletes by the idle cut-off");
}

#[actix_web::test]
async fn the_account_pages_speak_korean() {
    let app = TestApp::spawn().await;
    let (boss, csrf) = admin(&app).await;
    let res = post(
        &boss,
        app.url("/me/locale"),
        &[("locale", "ko"), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let employee_page = invite(&app, &boss, &csrf, "ana@example.com", "Ana").await;
    let html = page(&boss, app.url(&employee_page)).await;
    for korean in [
        "기본 정보",
        "초대 링크를 만들었습니다",
        "모든 곳에서 로그아웃",
        "비활성화",
    ] {
        assert!(html.contains(korean), "{korean}");
    }
    for english in [
        "Details",
        "Sign out everywhere",
        "Deactivate",
        "Invitation made",
    ] {
        assert!(!html.contains(english), "{english}");
    }
    let link = value_of(&html, "invite-link").unwrap();
    let korean_page = |path: String| {
        let client = client();
        async move {
            client
                .get(path)
                .header("accept-language", "ko")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let html = korean_page(link).await;
    assert!(html.contains("Ana님, 환영합니다") && html.contains("새 비밀번호 확인"));
    let html = korean_page(app.url("/reset")).await;
    assert!(html.contains("관리자에게 비밀번호 재설정 링크를 요청하세요"));
    let html = korean_page(app.url("/login")).await;
    assert!(html.contains("비밀번호를 잊으셨나요?"));
}
