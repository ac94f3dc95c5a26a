//! The admin pages for brands, mentions and sentiment words: they render, their forms
//! work with the CSRF token, and refused input shows an error beside its field and
//! changes nothing.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::api_mentions::mention;
use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

async fn admin(app: &TestApp) -> reqwest::Client {
    app.create_user("boss@example.com", "admin", PASSWORD);
    app.login("boss@example.com", PASSWORD).await
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

async fn brand_names(app: &TestApp) -> Vec<Value> {
    app.list("/api/v1/brands", "brands").await
}

#[actix_web::test]
async fn admins_create_brands_and_edit_their_keywords() {
    let app = TestApp::spawn().await;
    let browser = admin(&app).await;
    let html = page(&browser, app.url("/admin/brands")).await;
    assert!(
        html.contains("href=\"/admin/brands\" aria-current=\"page\""),
        "nav entry"
    );
    assert!(html.contains("No brands yet"));
    let csrf = hidden_field(&html, "csrf");

    let res = post_form(
        &browser,
        &app,
        "/admin/brands",
        &[
            ("csrf", &csrf),
            ("name", "Acme"),
            ("own", "on"),
            ("keywords", "acme, Acme Corp\n아크미"),
            ("intended_attributes", "reliable, 친절한"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_form(
        &browser,
        &app,
        "/admin/brands",
        &[
            ("csrf", &csrf),
            ("name", "Globex"),
            ("keywords", "globex"),
            ("intended_attributes", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let brands = brand_names(&app).await;
    assert_eq!(
        brands[0]["keywords"],
        json!(["acme", "Acme Corp", "아크미"])
    );
    assert_eq!(
        brands[0]["intended_attributes"],
        json!(["reliable", "친절한"])
    );
    assert_eq!(brands[0]["own"], true);
    assert_eq!(brands[1]["own"], false);

    // Refused forms: the error beside the field, the typed values kept, nothing stored.
    let refused = [
        (
            vec![("name", " "), ("keywords", "x")],
            "brand-name-error",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![("name", "Initech"), ("keywords", " , ")],
            "brand-keywords-error",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![
                ("name", "Initech"),
                ("keywords", "initech"),
                ("intended_attributes", "fast"),
            ],
            "brand-attributes-error",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![("name", "ACME"), ("keywords", "acme")],
            "brand-name-error",
            StatusCode::CONFLICT,
        ),
        (
            vec![("name", "Initech"), ("own", "on"), ("keywords", "initech")],
            "brand-own-error",
            StatusCode::CONFLICT,
        ),
    ];
    for (fields, error_id, status) in refused {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields.iter().copied());
        let res = post_form(&browser, &app, "/admin/brands", &all).await;
        assert_eq!(res.status(), status, "{fields:?}");
        let html = res.text().await.unwrap();
        assert!(html.contains(&format!("id=\"{error_id}\"")), "{fields:?}");
        assert!(html.contains("aria-invalid=\"true\""));
        let typed = fields
            .iter()
            .find(|(k, _)| *k == "name")
            .map_or("", |(_, v)| *v);
        assert!(
            html.contains(&format!("value=\"{typed}\"")),
            "the typed name is kept"
        );
    }
    let res = post_form(
        &browser,
        &app,
        "/admin/brands",
        &[
            ("csrf", "forged"),
            ("name", "Initech"),
            ("keywords", "initech"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "CSRF checked");
    assert_eq!(
        brand_names(&app).await.len(),
        2,
        "nothing stored by a refusal"
    );

    let acme = brands[0]["id"].as_i64().unwrap();
    let globex = brands[1]["id"].as_i64().unwrap();
    let res = post_form(
        &browser,
        &app,
        &format!("/admin/brands/{acme}/keywords"),
        &[
            ("csrf", &csrf),
            ("keyword", "ACME Inc, acme"),
            ("kind", "keyword"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_form(
        &browser,
        &app,
        &format!("/admin/brands/{acme}/keywords"),
        &[
            ("csrf", &csrf),
            ("keyword", "innovative"),
            ("kind", "attribute"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_form(
        &browser,
        &app,
        &format!("/admin/brands/{globex}/keywords"),
        &[("csrf", &csrf), ("keyword", "cheap"), ("kind", "attribute")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains(&format!("id=\"kw-{globex}-error\"")));
    let res = post_form(
        &browser,
        &app,
        &format!("/admin/brands/{globex}/keywords"),
        &[("csrf", &csrf), ("keyword", " "), ("kind", "keyword")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let brands = brand_names(&app).await;
    assert_eq!(
        brands[0]["keywords"],
        json!(["acme", "Acme Corp", "아크미", "ACME Inc"])
    );
    assert_eq!(
        brands[0]["intended_attributes"],
        json!(["reliable", "친절한", "innovative"])
    );
    assert_eq!(brands[1]["keywords"], json!(["globex"]));
    assert_eq!(brands[1]["intended_attributes"], json!([]));

    // Remove: a keyword by its button; the last keyword of a brand stays.
    let html = page(&browser, app.url("/admin/brands")).await;
    assert!(html.contains("아크미") && html.contains("innovative") && html.contains("own brand"));
    let remove_path = |html: &str, brand: i64| -> Vec<String> {
        let marker = format!("action=\"/admin/brands/{brand}/keywords/");
        html.match_indices(&marker)
            .map(|(i, _)| {
                let rest = &html[i + "action=\"".len()..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .collect()
    };
    let acme_removes = remove_path(&html, acme);
    assert_eq!(acme_removes.len(), 7, "4 keywords and 3 attributes");
    let res = post_form(&browser, &app, &acme_removes[1], &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        brand_names(&app).await[0]["keywords"],
        json!(["acme", "아크미", "ACME Inc"])
    );
    let globex_remove = remove_path(&html, globex);
    let res = post_form(&browser, &app, &globex_remove[0], &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("at least one keyword"));
    assert_eq!(brand_names(&app).await[1]["keywords"], json!(["globex"]));

    let staff = {
        app.create_user("staff@example.com", "employee", PASSWORD);
        app.login("staff@example.com", PASSWORD).await
    };
    for path in ["/admin/brands", "/admin/mentions", "/admin/sentiment"] {
        let res = staff.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
}

#[actix_web::test]
async fn the_mentions_browser_filters_and_pages() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    let mut items: Vec<Value> = (0..55).map(|n| mention("Acme", n)).collect();
    items.extend((55..60).map(|n| mention("Globex", n)));
    items[0]["text"] = json!("<script>alert('x')</script> Acme 배송이 너무 늦어서 실망했어요");
    items[0]["occurred_at"] = json!("2026-05-01T12:00:00Z");
    items[0]["author_reach"] = json!(12345);
    items[0]["channel"] = json!("naver_blog");
    items[1]["text"] = json!("I love Acme");
    items[1]["occurred_at"] = json!("2026-05-02T12:00:00Z");
    items[2]["text"] = json!(format!("Acme {}", "very long text ".repeat(40)));
    items[2]["occurred_at"] = json!("2026-04-30T12:00:00Z");
    let res = app.post_mentions(items).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let browser = admin(&app).await;
    let html = page(&browser, app.url("/admin/mentions")).await;
    assert!(html.contains("href=\"/admin/mentions\" aria-current=\"page\""));
    assert_eq!(html.matches("data-mention=").count(), 50, "50 a page");
    assert!(html.contains("Mentions 1–50 of 60"));
    assert!(html.contains("rel=\"next\""));
    assert!(!html.contains("rel=\"prev\""));
    assert!(html.contains("&#60;script&#62;"), "text is escaped");
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("12,345"), "reach");
    assert!(html.contains(
        "class=\"sentiment negative\">negative</span> <span class=\"muted small source\">computed"
    ));
    assert!(html.contains("…"), "long texts are cut");

    let second = page(&browser, app.url("/admin/mentions?page=2")).await;
    assert_eq!(second.matches("data-mention=").count(), 10);
    assert!(second.contains("Mentions 51–60 of 60"));
    assert!(second.contains("rel=\"prev\""));

    let brands = app.list("/api/v1/brands", "brands").await;
    let globex = brands[1]["id"].as_i64().unwrap();
    let only = page(
        &browser,
        app.url(&format!("/admin/mentions?brand_id={globex}")),
    )
    .await;
    assert_eq!(only.matches("data-mention=").count(), 5);
    assert!(only.contains(&format!("<option value=\"{globex}\" selected>")));
    let negative = page(
        &browser,
        app.url("/admin/mentions?sentiment=negative&channel=naver_blog"),
    )
    .await;
    assert_eq!(negative.matches("data-mention=").count(), 1);
    let text = page(&browser, app.url("/admin/mentions?q=%EB%B0%B0%EC%86%A1")).await; // 배송
    assert_eq!(text.matches("data-mention=").count(), 1);
    let period = page(
        &browser,
        app.url("/admin/mentions?from=2026-05-01&to=2026-05-02"),
    )
    .await;
    assert_eq!(
        period.matches("data-mention=").count(),
        2,
        "both days included"
    );

    let res = browser
        .get(app.url("/admin/mentions?from=05/01/2026&sentiment=great"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"f-from-error\"") && html.contains("id=\"f-sentiment-error\""));
    assert!(!html.contains("data-mention="));
}

#[actix_web::test]
async fn admins_edit_the_sentiment_words_and_new_mentions_use_them() {
    let app = TestApp::spawn().await;
    app.brands_acme_and_globex().await;
    let browser = admin(&app).await;
    let html = page(&browser, app.url("/admin/sentiment")).await;
    assert!(html.contains("href=\"/admin/sentiment\" aria-current=\"page\""));
    assert!(html.contains("No changes yet"));
    let csrf = hidden_field(&html, "csrf");

    let tried = page(
        &browser,
        app.url("/admin/sentiment?text=The%20design%20is%20sleek"),
    )
    .await;
    assert!(tried.contains("id=\"try-result\"") && tried.contains("sentiment neutral"));

    for (language, word, polarity, error_id) in [
        ("en", "two words", "2", "w-word-error"),
        ("ko", "sleek", "2", "w-word-error"),
        ("en", "sleek", "9", "w-polarity-error"),
        ("fr", "chic", "2", "w-language-error"),
    ] {
        let res = post_form(
            &browser,
            &app,
            "/admin/sentiment",
            &[
                ("csrf", &csrf),
                ("language", language),
                ("word", word),
                ("polarity", polarity),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{word}");
        let html = res.text().await.unwrap();
        assert!(html.contains(&format!("id=\"{error_id}\"")), "{word}");
        assert!(html.contains("No changes yet"), "nothing saved");
    }

    for (language, word, polarity) in [
        ("en", "Sleek", "2"),
        ("en", "great", "0"),
        ("ko", "갓성비", "3"),
    ] {
        let res = post_form(
            &browser,
            &app,
            "/admin/sentiment",
            &[
                ("csrf", &csrf),
                ("language", language),
                ("word", word),
                ("polarity", polarity),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{word}");
    }
    let html = page(&browser, app.url("/admin/sentiment?text=so%20sleek")).await;
    assert_eq!(html.matches("data-word=").count(), 3);
    assert!(
        html.contains("sentiment positive"),
        "the try-it box uses the change at once"
    );

    let items = vec![
        json!({"brand": "Acme", "channel": "x", "author": "a", "text": "The new Acme phone is sleek",
               "occurred_at": "2026-03-01T09:00:00Z"}),
        json!({"brand": "Acme", "channel": "x", "author": "b", "text": "Acme is great",
               "occurred_at": "2026-03-01T09:01:00Z"}),
        json!({"brand": "Acme", "channel": "x", "author": "c", "text": "아크미 갓성비 인정",
               "occurred_at": "2026-03-01T09:02:00Z"}),
    ];
    assert_eq!(app.post_mentions(items).await.status(), StatusCode::CREATED);
    let body = app.mentions("").await;
    let sentiments: Vec<&str> = body["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["sentiment"].as_str().unwrap())
        .collect();
    assert_eq!(
        sentiments,
        ["positive", "neutral", "positive"],
        "newest first: 갓성비, great (removed), sleek"
    );

    // Undo "great": the built-in list applies again.
    let html = page(&browser, app.url("/admin/sentiment")).await;
    let marker = "action=\"/admin/sentiment/";
    let actions: Vec<String> = html
        .match_indices(marker)
        .map(|(i, _)| {
            let rest = &html[i + "action=\"".len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect();
    let first_row = html.find("data-word=").unwrap();
    assert!(
        html[first_row..].starts_with("data-word=\"great\""),
        "rows by language, then word"
    );
    let great = &actions[0];
    let res = post_form(&browser, &app, great, &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(&browser, app.url("/admin/sentiment?text=great")).await;
    assert_eq!(html.matches("data-word=").count(), 2);
    assert!(html.contains("sentiment positive"));
}
