//! Korean everywhere (issue 12): an admin with data (the demo) switches to Korean in
//! headless Chromium, and no English text of the catalogs remains on the dashboard, the
//! feed, the settings page, the leaderboards, content or campaigns. Screenshots at 1366
//! and 390 px under `target/screenshots/`.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use crate::browser_support::Browser;
use crate::common::{binary, TestApp};

const PASSWORD: &str = "correct horse battery";
/// Shorter catalog texts ("Name", "Team", "Clicks") may be words of the data itself.
const MIN_LEN: usize = 12;

/// The pages to check, with the demo's period where the page takes one.
const PAGES: &[(&str, &str)] = &[
    (
        "dashboard",
        "/admin?range=custom&from=2026-01-01&to=2026-03-01",
    ),
    ("feed", "/feed"),
    ("settings", "/admin/settings"),
    (
        "leaderboards",
        "/admin/leaderboards?range=custom&from=2026-01-01&to=2026-03-01",
    ),
    ("content", "/admin/content"),
    ("campaigns", "/admin/campaigns"),
];

/// The literal text runs of a pattern (select variants included); placeables split them.
fn runs(pattern: &Pattern<String>, out: &mut Vec<String>) {
    let mut current = String::new();
    for element in &pattern.elements {
        match element {
            PatternElement::TextElement { value } => current.push_str(value),
            PatternElement::Placeable { expression } => {
                out.push(std::mem::take(&mut current));
                match expression {
                    Expression::Select { variants, .. } => {
                        for v in variants {
                            runs(&v.value, out);
                        }
                    }
                    Expression::Inline(InlineExpression::StringLiteral { value }) => {
                        current.push_str(value)
                    }
                    Expression::Inline(_) => {}
                }
            }
        }
    }
    out.push(current);
}

/// Every message of one language: id → its text runs, trimmed.
fn catalog(lang: &str) -> BTreeMap<String, Vec<String>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang);
    let mut messages = BTreeMap::new();
    for file in std::fs::read_dir(&dir).expect("catalog directory") {
        let path = file.unwrap().path();
        if path.extension().is_none_or(|x| x != "ftl") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let resource = fluent_syntax::parser::parse(source)
            .unwrap_or_else(|(_, e)| panic!("{}: {e:?}", path.display()));
        for entry in resource.body {
            if let Entry::Message(m) = entry {
                let mut texts = Vec::new();
                if let Some(value) = &m.value {
                    runs(value, &mut texts);
                }
                let texts = texts
                    .into_iter()
                    .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|t| !t.is_empty())
                    .collect();
                messages.insert(m.id.name, texts);
            }
        }
    }
    messages
}

/// The English texts that must not show on a Korean page: runs of at least [`MIN_LEN`]
/// characters of messages whose Korean text differs (brand names, "English", formulas
/// written the same in both are left out), with some letters in them.
pub(crate) fn english_texts() -> Vec<(String, String)> {
    let en = catalog("en");
    let ko = catalog("ko");
    let mut out = Vec::new();
    for (id, runs) in &en {
        let korean = ko.get(id).cloned().unwrap_or_default();
        for run in runs {
            if run.chars().count() < MIN_LEN
                || korean.contains(run)
                || run.chars().filter(|c| c.is_ascii_alphabetic()).count() < 6
            {
                continue;
            }
            out.push((id.clone(), run.clone()));
        }
    }
    assert!(out.len() > 300, "the catalogs were read: {}", out.len());
    out
}

/// Saves the page as `target/screenshots/<name>-<width>.png` at that window width.
async fn screenshot(browser: &Browser, name: &str, width: u32) {
    browser
        .client
        .set_window_size(width, 900)
        .await
        .expect("resize the window");
    browser.wait_for("document.readyState === 'complete'").await;
    let png = browser.client.screenshot().await.expect("screenshot");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    let path = dir.join(format!("{name}-{width}.png"));
    std::fs::write(&path, &png).expect("write screenshot");
    assert!(png.len() > 1000, "{}", path.display());
}

#[actix_web::test]
async fn an_admin_with_data_sees_no_english_in_korean() {
    let mut app = TestApp::spawn().await;
    let out = Command::new(binary())
        .args(["demo", "--today", "2026-03-01"])
        .current_dir(app.dir.path())
        .env("CHORUS_DATABASE_URL", &app.database_url)
        .stdin(Stdio::null())
        .output()
        .expect("run chorus demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.restart().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let english = english_texts();

    let browser = Browser::start().await;
    browser.goto(&app.url("/login")).await;
    browser
        .js(&format!(
            r#"document.getElementById("email").value = "boss@example.com";
               document.getElementById("password").value = "{PASSWORD}";
               return true;"#
        ))
        .await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser
        .wait_for("document.querySelector('#language-form') && location.pathname === '/admin'")
        .await;
    browser.click("#menu > summary").await;
    browser
        .js(r#"document.getElementById("language").value = "ko"; return true;"#)
        .await;
    browser.click("#language-apply").await;
    browser
        .wait_for("document.documentElement.lang === 'ko' && location.pathname === '/admin'")
        .await;

    let mut found = Vec::new();
    for (name, path) in PAGES {
        browser.goto(&app.url(path)).await;
        browser
            .wait_for(
                "document.readyState === 'complete' && document.documentElement.lang === 'ko'",
            )
            .await;
        for width in [1366, 390] {
            screenshot(&browser, &format!("{name}-ko-data"), width).await;
        }
        // Open every fold (menus, formulas, details) so their words count too.
        let text = browser
            .js(
                "document.querySelectorAll('details').forEach(d => d.open = true); \
                 return document.body.innerText",
            )
            .await;
        let text = text.as_str().unwrap_or_default().to_string();
        assert!(
            text.chars().filter(|c| ('가'..='힣').contains(c)).count() > 50,
            "{path} is in Korean: {text}"
        );
        for (id, run) in &english {
            if text.contains(run.as_str()) {
                found.push(format!("{path}: {id} = {run:?}"));
            }
        }
    }
    browser.close().await;
    assert!(
        found.is_empty(),
        "English catalog text on Korean pages:\n{}",
        found.join("\n")
    );
}
