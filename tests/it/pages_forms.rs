//! Forms behave the same everywhere (issue 12): every broken field is reported at once,
//! beside its field, with what was typed kept; a stored form redirects (POST/redirect/GET)
//! to a page with a notice. One test per form that did not.

use reqwest::StatusCode;

use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

async fn admin(app: &TestApp) -> (reqwest::Client, String) {
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = app.login("boss@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/admin/brands")).await;
    let csrf = hidden_field(&html, "csrf");
    (browser, csrf)
}

async fn post_form(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The text of the element with this id (up to the next tag).
fn text_of(html: &str, id: &str) -> String {
    html.split(&format!("id=\"{id}\">"))
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no element {id} in {html}"))
        .to_string()
}

/// A redirect after success, and the notice on the page it leads to.
async fn follow(client: &reqwest::Client, app: &TestApp, res: reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let html = page(client, app.url(&location)).await;
    html.split("class=\"notice\" role=\"status\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no notice after {location}"))
        .to_string()
}

/// Regression: a taken name was hidden behind "keyword required" (the domain's check
/// stopped at the first rule and the name was looked up only afterwards).
#[actix_web::test]
async fn the_brand_form_reports_a_taken_name_and_every_other_field_at_once() {
    let app = TestApp::spawn().await;
    let (browser, csrf) = admin(&app).await;
    let res = post_form(
        &browser,
        &app,
        "/admin/brands",
        &[
            ("csrf", &csrf),
            ("name", "Acme"),
            ("own", "on"),
            ("keywords", "acme"),
        ],
    )
    .await;
    assert_eq!(follow(&browser, &app, res).await, "Added Acme.");

    // A taken name (other case), a second own brand, no keyword and attributes: all four.
    let res = post_form(
        &browser,
        &app,
        "/admin/brands",
        &[
            ("csrf", &csrf),
            ("name", "ACME"),
            ("own", "on"),
            ("keywords", " , "),
            ("intended_attributes", "fast, 빠른"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(
        text_of(&html, "brand-name-error"),
        "There is already a brand named “Acme”."
    );
    assert!(text_of(&html, "brand-own-error").contains("is already the own brand"));
    assert_eq!(
        text_of(&html, "brand-keywords-error"),
        "Give at least one keyword (the brand&#39;s name, usually)."
    );
    assert!(
        !html.contains("id=\"brand-attributes-error\""),
        "attributes are fine on an own brand"
    );
    assert_eq!(html.matches("aria-invalid=\"true\"").count(), 3);
    assert!(html.contains("value=\"ACME\""), "the typed name is kept");
    assert!(
        html.contains(">fast, 빠른</textarea>"),
        "the typed attributes are kept"
    );

    // A competitor: a taken name and attributes (which only the own brand has) together.
    let res = post_form(
        &browser,
        &app,
        "/admin/brands",
        &[
            ("csrf", &csrf),
            ("name", "acme"),
            ("keywords", "acme"),
            ("intended_attributes", "cheap"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"brand-name-error\""));
    assert_eq!(
        text_of(&html, "brand-attributes-error"),
        "Only the own brand has intended attributes."
    );
    assert_eq!(app.list("/api/v1/brands", "brands").await.len(), 1);

    // Only the stored state in the way: 409, still beside the field.
    let res = post_form(
        &browser,
        &app,
        "/admin/brands",
        &[("csrf", &csrf), ("name", "acme"), ("keywords", "acme")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("id=\"brand-name-error\""));

    // In Korean, the same errors in Korean.
    let res = browser
        .post(app.url("/admin/brands"))
        .header("accept-language", "ko")
        .form(&[("csrf", csrf.as_str()), ("name", "Acme"), ("keywords", "")])
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(text_of(&html, "brand-name-error").contains("Acme"));
    assert!(!text_of(&html, "brand-name-error").contains("already"));
    assert!(!text_of(&html, "brand-keywords-error").contains("keyword"));
}

/// Regression: the word form stopped at the first broken field.
#[actix_web::test]
async fn the_sentiment_word_form_reports_every_field_at_once() {
    let app = TestApp::spawn().await;
    let (browser, csrf) = admin(&app).await;
    let res = post_form(
        &browser,
        &app,
        "/admin/sentiment",
        &[
            ("csrf", &csrf),
            ("language", "fr"),
            ("word", "two words"),
            ("polarity", "9"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(
        text_of(&html, "w-language-error"),
        "Choose English (en) or Korean (ko)."
    );
    assert_eq!(
        text_of(&html, "w-word-error"),
        "One word: letters and digits only, no spaces or punctuation."
    );
    assert_eq!(
        text_of(&html, "w-polarity-error"),
        "A whole number from -3 to 3."
    );
    assert!(
        html.contains("value=\"two words\""),
        "the typed word is kept"
    );

    // Hangul with English chosen and a polarity that is not a number: both.
    let res = post_form(
        &browser,
        &app,
        "/admin/sentiment",
        &[
            ("csrf", &csrf),
            ("language", "en"),
            ("word", "좋다"),
            ("polarity", "lots"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"w-word-error\""));
    assert!(html.contains("id=\"w-polarity-error\""));
    assert!(!html.contains("id=\"w-language-error\""));

    let res = post_form(
        &browser,
        &app,
        "/admin/sentiment",
        &[
            ("csrf", &csrf),
            ("language", "ko"),
            ("word", "좋다"),
            ("polarity", "2"),
        ],
    )
    .await;
    let notice = follow(&browser, &app, res).await;
    assert!(notice.contains("좋다"), "{notice}");
}

/// The support case form: an over-long external id was reported in English on a Korean
/// page (the domain's sentence); now every field error comes from the catalogs.
#[actix_web::test]
async fn the_support_case_form_reports_every_field_in_the_page_language() {
    let app = TestApp::spawn().await;
    let (browser, csrf) = admin(&app).await;
    let long_id = "x".repeat(300);
    let fields = [
        ("csrf", csrf.as_str()),
        ("channel", "not a channel!"),
        ("opened_at", "2026-03-01T10:00"),
        ("first_response_at", "2026-02-01T10:00"),
        ("resolved_at", ""),
        ("external_id", long_id.as_str()),
    ];
    let res = post_form(&browser, &app, "/admin/support", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for id in [
        "case-channel-error",
        "case-first-error",
        "case-external-error",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(
        text_of(&html, "case-external-error").contains("at most 256 characters"),
        "{}",
        text_of(&html, "case-external-error")
    );
    assert!(
        html.contains("value=\"not a channel!\""),
        "typed values kept"
    );

    let res = browser
        .post(app.url("/admin/support"))
        .header("accept-language", "ko-KR,ko;q=0.9")
        .form(&fields)
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    let external = text_of(&html, "case-external-error");
    assert!(
        external.contains("256") && !external.contains("characters"),
        "{external}"
    );

    let res = post_form(
        &browser,
        &app,
        "/admin/support",
        &[
            ("csrf", csrf.as_str()),
            ("channel", "twitter"),
            ("opened_at", "2026-03-01T10:00"),
        ],
    )
    .await;
    assert_eq!(follow(&browser, &app, res).await, "Added the case.");
}

/// Pages answered outside the page middleware (short-link errors, QR codes, static files)
/// speak the visitor's language: `Accept-Language`, then `CHORUS_DEFAULT_LOCALE`.
#[actix_web::test]
async fn short_link_qr_and_static_errors_negotiate_the_language() {
    let app = TestApp::spawn().await;
    let korean = |path: &str| {
        crate::common::client()
            .get(app.url(path))
            .header("accept-language", "ko-KR,ko;q=0.9,en;q=0.5")
            .send()
    };
    let res = korean("/nosuchlink").await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["vary"], "Accept-Language");
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"ko\">"));
    assert!(html.contains("링크를 찾을 수 없습니다"), "{html}");
    assert!(!html.contains("Link not found"));

    let share = app.share_by_new_employee("gone", "linkedin").await;
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/shares/{}", share["id"])))
        .bearer_auth(&app.api_key)
        .json(&serde_json::json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = korean(&format!("/{}", share["slug"].as_str().unwrap()))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("더 이상 사용할 수 없는 링크입니다"));

    let res = korean("/qr/nosuchlink.svg").await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("링크를 찾을 수 없습니다"));
    let res = korean("/static/css/nothing-here.css").await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("페이지를 찾을 수 없습니다"));

    // English is asked for: English.
    let res = crate::common::client()
        .get(app.url("/nosuchlink"))
        .header("accept-language", "en-US")
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("Link not found"));
}

#[actix_web::test]
async fn without_accept_language_the_instance_default_applies() {
    let app = TestApp::spawn_with(chorus::config::RawSettings {
        default_locale: Some("ko".into()),
        ..chorus::config::RawSettings::default()
    })
    .await;
    for (path, text) in [
        ("/nosuchlink", "링크를 찾을 수 없습니다"),
        ("/qr/nosuchlink.png", "링크를 찾을 수 없습니다"),
        ("/static/js/nothing.js", "페이지를 찾을 수 없습니다"),
    ] {
        let res = crate::common::client()
            .get(app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(res.text().await.unwrap().contains(text), "{path}");
    }
}

/// The import page's row errors in Korean (the engine writes English for the CLI; the
/// page takes its sentences from the catalogs), in English unchanged.
#[actix_web::test]
async fn csv_import_row_errors_are_shown_in_the_page_language() {
    use reqwest::multipart::{Form, Part};
    let app = TestApp::spawn().await;
    let (browser, csrf) = admin(&app).await;
    let file = b"share_id,likes,comments,reshares\n,-1,2,3\n4,5,6\n".to_vec();
    let form = |csrf: &str| {
        Form::new()
            .text("csrf", csrf.to_owned())
            .text("kind", "metrics")
            .part(
                "file",
                Part::bytes(file.clone())
                    .file_name("metrics.csv")
                    .mime_str("text/csv")
                    .unwrap(),
            )
            .text("action", "check")
    };
    let res = browser
        .post(app.url("/admin/import"))
        .header("accept-language", "ko")
        .multipart(form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    let table = html
        .split("id=\"import-errors\"")
        .nth(1)
        .expect("the error table")
        .split("</table>")
        .next()
        .unwrap();
    for korean in [
        "share_id 또는 slug 값을 입력하세요.",
        "음수일 수 없습니다(입력값: -1).",
        "첫 줄의 열은 4개인데 값이 3개입니다.",
    ] {
        assert!(table.contains(korean), "{korean} in {table}");
    }
    assert!(
        html.contains("2행 중 2행에 오류가 있습니다(오류 총 3개)"),
        "the summary in Korean"
    );
    for english in [
        "give share_id",
        "must not be negative",
        "where the first line",
    ] {
        assert!(!table.contains(english), "{english} in {table}");
    }

    // The columns' descriptions too, CRM layouts included.
    let html = browser
        .get(app.url("/admin/import"))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for korean in ["작성자(최대 200자)", "Closed Won은 매출"] {
        assert!(html.contains(korean), "{korean}");
    }
    for english in ["who wrote it", "Closed Won is a sale", "the share&#39;s id"] {
        assert!(!html.contains(english), "{english}");
    }

    let res = browser
        .post(app.url("/admin/import"))
        .header("accept-language", "en")
        .multipart(form(&csrf))
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(
        html.contains("must not be negative (got -1)"),
        "the CLI's words"
    );
}

/// The upload form: a layout that does not exist and no file are reported together.
#[actix_web::test]
async fn the_import_form_reports_its_choices_and_the_file_at_once() {
    use reqwest::multipart::Form;
    let app = TestApp::spawn().await;
    let (browser, csrf) = admin(&app).await;
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("kind", "conversions")
        .text("layout", "oracle")
        .text("action", "check");
    let res = browser
        .post(app.url("/admin/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"import-form-error\""), "the layout");
    assert!(html.contains("id=\"import-file-error\""), "the file");
    assert!(
        html.contains("<option value=\"conversions\" selected>"),
        "the chosen kind is kept"
    );
}

/// Regression: the employee forms reported a taken e-mail only once every other field was
/// valid (the address was looked up only when saving).
#[actix_web::test]
async fn the_employee_forms_report_a_taken_email_beside_the_other_mistakes() {
    let app = TestApp::spawn().await;
    let (browser, csrf) = admin(&app).await;
    let other = app.create_user("taken@example.com", "employee", PASSWORD);
    let res = post_form(
        &browser,
        &app,
        "/admin/employees",
        &[
            ("csrf", csrf.as_str()),
            ("email", "taken@example.com"),
            ("name", ""),
            ("team", ""),
            ("role", "employee"),
            ("password", "short"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        text_of(&html, "emp-email-error").contains("already"),
        "{html}"
    );
    text_of(&html, "emp-name-error");
    text_of(&html, "emp-password-error");
    assert!(
        html.contains("value=\"taken@example.com\""),
        "what was typed is kept"
    );

    // Editing someone else onto that address, with a bad name too.
    let me = app.create_user("mine@example.com", "employee", PASSWORD);
    let res = post_form(
        &browser,
        &app,
        &format!("/admin/employees/{me}"),
        &[
            ("csrf", csrf.as_str()),
            ("email", "taken@example.com"),
            ("name", ""),
            ("team", ""),
            ("role", "employee"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        text_of(&html, "emp-email-error").contains("already"),
        "{html}"
    );
    text_of(&html, "emp-name-error");
    // Keeping one's own address is not "taken".
    let res = post_form(
        &browser,
        &app,
        &format!("/admin/employees/{other}"),
        &[
            ("csrf", csrf.as_str()),
            ("email", "taken@example.com"),
            ("name", "Still Taken"),
            ("team", ""),
            ("role", "employee"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}
