//! `/admin/settings` and `/admin/keys`: every validation error beside its field, what was
//! typed kept, nothing saved on a refusal; saving only what changed; reset to default; the
//! secret of a new key shown once; revoking after a confirmation; admins only; Korean.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

async fn admin(app: &TestApp) -> reqwest::Client {
    app.create_user("boss@example.com", "admin", PASSWORD);
    app.login("boss@example.com", PASSWORD).await
}

async fn api_settings(app: &TestApp) -> Value {
    app.get("/api/v1/settings").await.json().await.unwrap()
}

/// The form's current values (as the page shows them) with `changes` applied.
fn settings_form(html: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), hidden_field(html, "csrf"))];
    for name in [
        "timezone",
        "default_currency",
        "exchange_rates",
        "slug_length",
        "attribution_window_days",
        "click_retention_days",
    ] {
        fields.push((name.into(), input_value(html, name)));
    }
    fields.push(("redirect_status".into(), selected(html, "redirect_status")));
    fields.push(("privacy_mode".into(), selected(html, "privacy_mode")));
    for network in [
        "linkedin",
        "x",
        "facebook",
        "instagram",
        "threads",
        "bluesky",
        "xing",
        "tiktok",
        "youtube",
        "email",
        "other",
    ] {
        for side in ["cpm", "cpc"] {
            let name = format!("{side}_{network}");
            let value = input_value(html, &name);
            fields.push((name, value));
        }
    }
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((name.to_string(), value.to_string())),
        }
    }
    fields
}

/// The `value` of the input named `name`.
fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no input {name}"));
    let tag_end = at + html[at..].find('>').unwrap();
    let tag = &html[at..tag_end];
    tag.split("value=\"")
        .nth(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .unwrap_or_default()
}

/// The selected option's value of the select named `name`.
fn selected(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\"")).unwrap();
    let end = at + html[at..].find("</select>").unwrap();
    let select = &html[at..end];
    let option = select
        .split("<option ")
        .find(|o| o.contains(" selected"))
        .expect("a selected option");
    option
        .split("value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

async fn post_settings(
    app: &TestApp,
    browser: &reqwest::Client,
    form: &[(String, String)],
) -> reqwest::Response {
    browser
        .post(app.url("/admin/settings"))
        .form(form)
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn the_settings_page_shows_defaults_and_saves_only_changes() {
    let app = TestApp::spawn().await;
    let browser = admin(&app).await;
    let html = page(&browser, app.url("/admin/settings")).await;
    assert!(html.contains("Default: UTC (CHORUS_TIMEZONE)"), "{html}");
    assert!(html.contains("Default: 302 Found (recommended) (CHORUS_REDIRECT_STATUS)"));
    assert!(html.contains("employees see only their own figures and rank"));
    assert!(html.contains("Raw clicks older than this are deleted every hour"));
    assert!(!html.contains("name=\"reset\""), "nothing to reset yet");

    // Saving the untouched form stores nothing: every setting keeps following the
    // configuration.
    let res = post_settings(&app, &browser, &settings_form(&html, &[])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/admin/settings?done=unchanged");
    let stored = api_settings(&app).await;
    assert!(stored["origins"]
        .as_object()
        .unwrap()
        .values()
        .all(|o| o == "config"));

    let res = post_settings(
        &app,
        &browser,
        &settings_form(
            &html,
            &[
                ("timezone", "Asia/Seoul"),
                ("redirect_status", "307"),
                ("slug_length", "9"),
                ("default_currency", "eur"),
                ("exchange_rates", "usd=0.9, GBP=1.17"),
                ("cpm_linkedin", "12.50"),
                ("cpc_x", "0.8"),
                ("privacy_mode", "opt_in"),
                ("click_retention_days", "400"),
            ],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/admin/settings?done=saved");
    let stored = api_settings(&app).await;
    assert_eq!(stored["timezone"], "Asia/Seoul");
    assert_eq!(stored["redirect_status"], 307);
    assert_eq!(stored["slug_length"], 9);
    assert_eq!(stored["default_currency"], "EUR");
    assert_eq!(
        stored["exchange_rates"],
        serde_json::json!({"USD": 0.9, "GBP": 1.17})
    );
    assert_eq!(
        stored["emv_rates"],
        serde_json::json!({"linkedin": {"cpm_cents": 1250, "cpc_cents": 0},
                           "x": {"cpm_cents": 0, "cpc_cents": 80}})
    );
    assert_eq!(stored["privacy_mode"], "opt_in");
    assert_eq!(stored["click_retention_days"], 400);
    assert_eq!(stored["origins"]["attribution_window_days"], "config");

    let html = page(&browser, app.url("/admin/settings?done=saved")).await;
    assert!(html.contains("Settings saved."));
    assert!(html.contains("value=\"Asia/Seoul\""));
    assert!(html.contains("value=\"12.50\""));
    assert!(html.contains("name=\"reset\" value=\"timezone\""));
    assert!(!html.contains("name=\"reset\" value=\"attribution_window_days\""));

    // Reset one setting to its default.
    let res = browser
        .post(app.url("/admin/settings"))
        .form(&[
            ("csrf", hidden_field(&html, "csrf").as_str()),
            ("reset", "timezone"),
            ("timezone", "ignored/when-resetting"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/admin/settings?done=reset&field=timezone"
    );
    let stored = api_settings(&app).await;
    assert_eq!(stored["timezone"], "UTC");
    assert_eq!(stored["origins"]["timezone"], "config");
    assert_eq!(stored["redirect_status"], 307, "the others stay");
    let html = page(
        &browser,
        app.url("/admin/settings?done=reset&field=timezone"),
    )
    .await;
    assert!(html.contains("Time zone is back to its default."), "{html}");
}

#[actix_web::test]
async fn every_broken_field_is_reported_at_once_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let browser = admin(&app).await;
    let html = page(&browser, app.url("/admin/settings")).await;
    let before = api_settings(&app).await;
    let res = post_settings(
        &app,
        &browser,
        &settings_form(
            &html,
            &[
                ("timezone", "Mars/Olympus"),
                ("default_currency", "euro"),
                ("exchange_rates", "EUR"),
                ("cpm_linkedin", "12.345"),
                ("cpc_x", "-1"),
                ("redirect_status", "303"),
                ("slug_length", "seven"),
                ("attribution_window_days", "0"),
                ("privacy_mode", "secret"),
                ("click_retention_days", "soon"),
            ],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for message in [
        "“Mars/Olympus” is not a time zone",
        "“EUR” is not CODE=RATE",
        "“euro” is not an ISO 4217 currency code",
        "“12.345” is not an amount with at most 2 decimals",
        "“-1” is not an amount",
        "303 is not one of 301, 302, 307 and 308.",
        "Enter a whole number.",
        "Choose from 1 to 3650 days.",
        "“secret” is not a privacy mode.",
        "Enter a whole number of days, or leave it blank to keep raw clicks.",
    ] {
        assert!(html.contains(message), "{message} missing");
    }
    assert!(html.contains("fields need a change; nothing was saved."));
    assert!(
        html.contains("value=\"Mars/Olympus\""),
        "what was typed is kept"
    );
    assert!(html.contains("value=\"12.345\""));
    assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"s-timezone-error\""));
    assert_eq!(api_settings(&app).await, before, "nothing saved");

    // The rules that join fields, and the remaining ranges.
    let html = page(&browser, app.url("/admin/settings")).await;
    for (changes, message) in [
        (
            vec![("click_retention_days", "10")],
            "Raw clicks kept 10 days would be gone before the attribution window of 30 days ends.",
        ),
        (
            vec![("exchange_rates", "USD=1.1")],
            "USD is the default currency and needs no rate.",
        ),
        (
            vec![("exchange_rates", "EUR=0")],
            "The rate of EUR must be a positive number",
        ),
        (
            vec![("exchange_rates", "EUR=1, eur=2")],
            "EUR is listed twice.",
        ),
        (vec![("slug_length", "4")], "Choose a length from 5 to 32."),
        (
            vec![("click_retention_days", "0")],
            "Choose from 1 to 36500 days",
        ),
        (
            vec![("cpm_youtube", "99999999999")],
            "is not an amount with at most 2 decimals",
        ),
    ] {
        let res = post_settings(&app, &browser, &settings_form(&html, &changes)).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{changes:?}"
        );
        let text = res.text().await.unwrap();
        assert!(text.contains(message), "{message} missing for {changes:?}");
    }
    assert_eq!(api_settings(&app).await, before, "nothing saved");

    // A reset of something that is not a setting, and a form without its token.
    let res = browser
        .post(app.url("/admin/settings"))
        .form(&[
            ("csrf", hidden_field(&html, "csrf").as_str()),
            ("reset", "colour"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = browser
        .post(app.url("/admin/settings"))
        .form(&[("slug_length", "9")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(api_settings(&app).await, before);
}

#[actix_web::test]
async fn only_admins_see_settings_and_keys() {
    let app = TestApp::spawn().await;
    app.create_user("emp@example.com", "employee", PASSWORD);
    let employee = app.login("emp@example.com", PASSWORD).await;
    for path in ["/admin/settings", "/admin/keys", "/admin/keys/1/revoke"] {
        let res = employee.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        let res = crate::common::client()
            .get(app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path} signed out");
    }
}

#[actix_web::test]
async fn settings_and_keys_pages_speak_korean() {
    let app = TestApp::spawn().await;
    let browser = admin(&app).await;
    for (path, korean, english) in [
        (
            "/admin/settings",
            &[
                "설정 저장",
                "기본값: UTC (CHORUS_TIMEZONE)",
                "획득 미디어 가치",
            ][..],
            &[
                "Save settings",
                "Default:",
                "Time zone",
                "Earned media value",
            ][..],
        ),
        (
            "/admin/keys",
            &["키 만들기", "허용된 출처"][..],
            &["Create a key", "Allowed origins", "Never"][..],
        ),
    ] {
        let html = browser
            .get(app.url(path))
            .header("Accept-Language", "ko-KR,ko;q=0.9")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for k in korean {
            assert!(html.contains(k), "{path}: {k} missing");
        }
        for e in english {
            assert!(!html.contains(e), "{path}: {e} still shown");
        }
    }
}

/// Creates a key on the page; the redirect's location.
async fn create_key(
    app: &TestApp,
    browser: &reqwest::Client,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = page(browser, app.url("/admin/keys")).await;
    let csrf = hidden_field(&html, "csrf");
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    browser
        .post(app.url("/admin/keys"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// The secret in the page, if it shows one.
fn shown_secret(html: &str) -> Option<String> {
    let at = html.find("id=\"new-key-secret\"")?;
    let rest = &html[at..];
    let tag = &rest[..rest.find('>')?];
    Some(tag.split("value=\"").nth(1)?.split('"').next()?.to_string())
}

#[actix_web::test]
async fn a_new_key_is_shown_once_works_and_is_revoked_after_confirmation() {
    let app = TestApp::spawn().await;
    let browser = admin(&app).await;
    let res = create_key(
        &app,
        &browser,
        &[
            ("name", "Website"),
            ("kind", "publishable"),
            (
                "origins",
                "https://www.example.com\nhttps://shop.example.com/",
            ),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/admin/keys?done=created&name=Website"
    );
    let html = page(&browser, app.url("/admin/keys?done=created&name=Website")).await;
    assert!(html.contains("Key “Website” created."));
    let secret = shown_secret(&html).expect("the secret is shown");
    assert!(secret.starts_with("chr_pk_"), "{secret}");
    assert!(html.contains("https://shop.example.com"));
    assert!(html.contains("Publishable"));
    // Never again: not on a reload, not anywhere.
    let again = page(&browser, app.url("/admin/keys?done=created&name=Website")).await;
    assert_eq!(shown_secret(&again), None);
    assert!(!again.contains(&secret));

    let res = create_key(&app, &browser, &[("name", "CRM"), ("kind", "full")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(&browser, app.url("/admin/keys")).await;
    let secret = shown_secret(&html).expect("the secret is shown");
    assert!(secret.starts_with("chr_sk_"));
    let use_key = |key: String| {
        let url = app.url("/api/v1/employees");
        async move {
            crate::common::client()
                .get(url)
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(use_key(secret.clone()).await, StatusCode::OK);
    let listed = app.list("/api/v1/api-keys", "api_keys").await;
    let crm = listed.iter().find(|k| k["name"] == "CRM").unwrap();
    let id = crm["id"].as_i64().unwrap();
    let html = page(&browser, app.url("/admin/keys")).await;
    let row = &html[html.find(&format!("data-key=\"{id}\"")).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(!row.contains("Never"), "the use is listed: {row}");

    // Revoke: a confirmation first, then the key answers 401.
    let confirm = page(&browser, app.url(&format!("/admin/keys/{id}/revoke"))).await;
    assert!(confirm.contains("Revoke the key “CRM”?"));
    assert_eq!(use_key(secret.clone()).await, StatusCode::OK, "not yet");
    let csrf = hidden_field(&confirm, "csrf");
    let res = browser
        .post(app.url(&format!("/admin/keys/{id}/revoke")))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = browser
        .post(app.url(&format!("/admin/keys/{id}/revoke")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/admin/keys?done=revoked&name=CRM"
    );
    assert_eq!(use_key(secret).await, StatusCode::UNAUTHORIZED);
    let html = page(&browser, app.url("/admin/keys?done=revoked&name=CRM")).await;
    assert!(html.contains("Key “CRM” revoked: it no longer works."));
    assert!(html.contains("Revoked "));
    for (method, status) in [
        ("get", StatusCode::NOT_FOUND),
        ("post", StatusCode::NOT_FOUND),
    ] {
        let res = if method == "get" {
            browser
                .get(app.url(&format!("/admin/keys/{id}/revoke")))
                .send()
                .await
                .unwrap()
        } else {
            browser
                .post(app.url(&format!("/admin/keys/{id}/revoke")))
                .form(&[("csrf", csrf.as_str())])
                .send()
                .await
                .unwrap()
        };
        assert_eq!(res.status(), status, "{method} on a revoked key");
    }
    let res = browser
        .get(app.url("/admin/keys/999999/revoke"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn every_broken_key_field_is_reported_at_once() {
    let app = TestApp::spawn().await;
    let browser = admin(&app).await;
    let before = app.list("/api/v1/api-keys", "api_keys").await.len();
    let many: String = (0..21)
        .map(|i| format!("https://s{i}.example.com"))
        .collect::<Vec<_>>()
        .join("\n");
    for (fields, messages) in [
        (
            vec![("name", " "), ("kind", "publishable"), ("origins", "")],
            vec![
                "Name must not be empty.",
                "A publishable key needs at least one origin it may be used from.",
            ],
        ),
        (
            vec![("name", "k"), ("kind", "admin")],
            vec!["Choose full or publishable (got “admin”)."],
        ),
        (
            vec![
                ("name", "k"),
                ("kind", "full"),
                ("origins", "https://a.example"),
            ],
            vec!["Only publishable keys have origins."],
        ),
        (
            vec![
                ("name", "k"),
                ("kind", "publishable"),
                ("origins", "a.example/shop"),
            ],
            vec!["“a.example/shop” is not an origin"],
        ),
        (
            vec![
                ("name", "k"),
                ("kind", "publishable"),
                ("origins", "ftp://a.example"),
            ],
            vec!["“ftp://a.example” must start with https:// or http://."],
        ),
        (
            vec![
                ("name", "k"),
                ("kind", "publishable"),
                ("origins", "https://a.example, https://A.example/"),
            ],
            vec!["https://a.example is listed twice."],
        ),
        (
            vec![
                ("name", "k"),
                ("kind", "publishable"),
                ("origins", many.as_str()),
            ],
            vec!["At most 20 origins."],
        ),
    ] {
        let res = create_key(&app, &browser, &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let html = res.text().await.unwrap();
        for message in messages {
            assert!(html.contains(message), "{message} missing for {fields:?}");
        }
        assert_eq!(shown_secret(&html), None);
    }
    // What was typed is kept.
    let res = create_key(
        &app,
        &browser,
        &[
            ("name", "Shop"),
            ("kind", "publishable"),
            ("origins", "shop.example"),
        ],
    )
    .await;
    let html = res.text().await.unwrap();
    assert!(html.contains("value=\"Shop\""));
    assert!(html.contains(">shop.example</textarea>"));
    assert!(html.contains("id=\"key-kind-publishable\" checked"));
    // No token, wrong token.
    let res = browser
        .post(app.url("/admin/keys"))
        .form(&[("name", "k"), ("kind", "full")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        app.list("/api/v1/api-keys", "api_keys").await.len(),
        before,
        "nothing was created"
    );
}
