//! The UI language: the employee's stored choice, then `Accept-Language`, then
//! `CHORUS_DEFAULT_LOCALE`; the header's switch form (CSRF-protected) stores the choice.

use chorus::config::RawSettings;
use reqwest::StatusCode;

use crate::common::{hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

/// Every admin page that exists today.
const ADMIN_PAGES: &[&str] = &[
    "/admin",
    "/admin/links",
    "/admin/employees",
    "/admin/conversions",
    "/admin/mentions",
    "/admin/brands",
    "/admin/sentiment",
    "/admin/support",
    "/admin/import",
    "/admin/leaderboards",
    "/admin/content",
    "/admin/campaigns",
    "/admin/keys",
    "/admin/settings",
    "/feed",
    "/me",
];

/// Pages whose every word is in the catalogs: no English may show through in Korean.
const FULLY_TRANSLATED: &[(&str, &str, &[&str])] = &[
    (
        "/admin",
        "임직원 옹호 활동",
        &["Overview", "Clicks per day", "Employee advocacy", "No data"],
    ),
    (
        "/admin/employees",
        "직원 추가",
        &["Employees and teams", "Add employee", "E-mail"],
    ),
    (
        "/admin/links",
        "공유 링크",
        &["Share links", "Links appear here"],
    ),
    (
        "/me",
        "내 팔로워",
        &["My links", "Your followers", "Save follower counts"],
    ),
    (
        "/admin/sentiment",
        "단어 추가 또는 변경",
        &[
            "Try it",
            "Score it",
            "No changes yet",
            "Add or change a word",
        ],
    ),
    (
        "/admin/mentions",
        "전체 브랜드",
        &[
            "All brands",
            "Text contains",
            "No mentions",
            "Any sentiment",
        ],
    ),
    (
        "/admin/brands",
        "자사 브랜드와 경쟁사",
        &[
            "Own brand and competitors",
            "No brands yet",
            "Add brand",
            "Intended attributes",
        ],
    ),
    (
        "/admin/support",
        "문의 추가",
        &[
            "Support cases",
            "Add case",
            "Median first response",
            "Opened from",
        ],
    ),
    (
        "/admin/conversions",
        "전체 캠페인",
        &[
            "All campaigns",
            "Download CSV",
            "Attribution",
            "No conversions",
        ],
    ),
    (
        "/admin/settings",
        "설정 저장",
        &[
            "Settings",
            "Save settings",
            "Reset to default",
            "Default in force",
        ],
    ),
    (
        "/feed",
        "회사 콘텐츠 공유하기",
        &["Share company content", "All campaigns", "Title or topic"],
    ),
    (
        "/admin/leaderboards",
        "순위표",
        &["Leaderboards", "Employees by clicks", "Top shares"],
    ),
];

async fn switch(
    app: &TestApp,
    browser: &reqwest::Client,
    locale: &str,
    csrf: &str,
) -> reqwest::Response {
    browser
        .post(app.url("/me/locale"))
        .header("referer", app.url("/admin/employees"))
        .form(&[("locale", locale), ("csrf", csrf)])
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn an_admin_who_chose_korean_gets_korean_pages() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = app.login("boss@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/admin")).await;
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("Sign out"),
        "{html}"
    );

    let res = switch(&app, &browser, "ko", &hidden_field(&html, "csrf")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/admin/employees",
        "back to the page"
    );

    for path in ADMIN_PAGES {
        let res = browser
            .get(app.url(path))
            // The stored choice wins over the browser's.
            .header("accept-language", "en-US,en;q=0.9")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains("<html lang=\"ko\">"), "{path}");
        assert!(
            html.contains("로그아웃") && html.contains("언어"),
            "{path}: Korean header"
        );
        assert!(!html.contains("Sign out"), "{path}: English header");
    }
    for (path, korean, english) in FULLY_TRANSLATED {
        let html = page(&browser, app.url(path)).await;
        assert!(html.contains(korean), "{path}: {korean}");
        for word in *english {
            assert!(!html.contains(word), "{path}: English {word:?} left");
        }
    }

    // Stored in employees.locale: a new session is Korean too, and back to English works.
    let again = app.login("boss@example.com", PASSWORD).await;
    let html = page(&again, app.url("/admin")).await;
    assert!(html.contains("<html lang=\"ko\">"));
    let res = switch(&app, &again, "en", &hidden_field(&html, "csrf")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(&browser, app.url("/admin")).await;
    assert!(html.contains("<html lang=\"en\">") && html.contains("Overview"));
}

#[actix_web::test]
async fn a_forged_switch_is_refused() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = app.login("boss@example.com", PASSWORD).await;
    for csrf in ["", "0123456789abcdef0123456789abcdef"] {
        let res = switch(&app, &browser, "ko", csrf).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "csrf {csrf:?}");
    }
    let res = browser
        .post(app.url("/me/locale"))
        .form(&[("locale", "ko")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = page(&browser, app.url("/admin")).await;
    assert!(html.contains("<html lang=\"en\">"), "nothing was stored");

    // Unknown languages are refused too; signed-out posts go to the login page.
    let res = switch(&app, &browser, "fr", &hidden_field(&html, "csrf")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = switch(&app, &app.client, "ko", "x").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
}

#[actix_web::test]
async fn accept_language_picks_korean_on_the_login_page() {
    let app = TestApp::spawn().await;
    let get = |lang: Option<&'static str>| {
        let mut req = app.client.get(app.url("/login"));
        if let Some(lang) = lang {
            req = req.header("accept-language", lang);
        }
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let html = get(Some("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7")).await;
    assert!(html.contains("<html lang=\"ko\">"), "{html}");
    assert!(html.contains("로그인") && html.contains("비밀번호"));
    assert!(!html.contains("Sign in") && !html.contains("Password"));

    let html = get(Some("en;q=0.3, ko;q=0.8")).await;
    assert!(html.contains("<html lang=\"ko\">"), "q-values decide");
    for lang in [
        None,
        Some("en-GB"),
        Some("fr, de;q=0.5"),
        Some("ko;q=0, en;q=0.1"),
    ] {
        let html = get(lang).await;
        assert!(
            html.contains("<html lang=\"en\">") && html.contains("Sign in"),
            "{lang:?}"
        );
    }

    // A wrong password answers in the same language.
    let html = get(Some("ko")).await;
    let res = app
        .client
        .post(app.url("/login"))
        .header("accept-language", "ko")
        .form(&[
            ("email", "nobody@example.com"),
            ("password", "wrong password"),
            ("csrf", &hidden_field(&html, "csrf")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("이메일 또는 비밀번호가 올바르지 않습니다."));

    // Error pages outside the page routes negotiate as well.
    let res = app
        .client
        .get(app.url("/no/such/page"))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("페이지를 찾을 수 없습니다"));
}

#[actix_web::test]
async fn the_instance_default_applies_when_nobody_says() {
    let app = TestApp::spawn_with(RawSettings {
        default_locale: Some("ko".into()),
        ..RawSettings::default()
    })
    .await;
    let html = page(&app.client, app.url("/login")).await;
    assert!(html.contains("<html lang=\"ko\">") && html.contains("로그인"));
    let res = app
        .client
        .get(app.url("/login"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("<html lang=\"en\">"));
}
