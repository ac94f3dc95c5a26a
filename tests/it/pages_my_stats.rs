//! "My stats" on `/me`: the employee's own row on every employee board over the last 30
//! days, with their rank, equal to the API's boards for the same period.

use chorus::config::RawSettings;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{page, TestApp};

const PASSWORD: &str = "correct horse battery";
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

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

/// The text of the tile labelled `label` in the my-stats card.
fn tile<'a>(html: &'a str, label: &str) -> &'a str {
    let card = &html[html.find("id=\"my-stats\"").expect("my stats card")..];
    let at = card
        .find(&format!("<span class=\"label\">{label}</span>"))
        .unwrap_or_else(|| panic!("tile {label}"));
    let rest = &card[at..];
    &rest[..rest.find("</div>").unwrap()]
}

#[actix_web::test]
async fn an_employee_sees_their_results_and_rank_on_every_board() {
    let app = TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        ..RawSettings::default()
    })
    .await;
    let content = app
        .create_content(json!({"title": "Launch", "url": "https://example.com/launch"}))
        .await;
    let mut slugs = Vec::new();
    for (email, name) in [
        ("ana@example.com", "Ana"),
        ("bo@example.com", "Bo"),
        ("cy@example.com", "Cy"),
    ] {
        let id = app.create_user(email, "employee", PASSWORD);
        let share = app
            .create_share(&Value::from(id), &content["id"], "linkedin")
            .await;
        slugs.push((name, id, share["slug"].as_str().unwrap().to_string()));
    }
    clicks(&app, &slugs[0].2, 5, 10).await;
    clicks(&app, &slugs[1].2, 2, 20).await;
    // Cy's link was never clicked: on the shares board, not on the clicks board.

    let board: Value = app
        .get("/api/v1/leaderboards/employees-clicks?limit=1000")
        .await
        .json()
        .await
        .unwrap();
    let rows = board["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{board}");

    let bo = app.login("bo@example.com", PASSWORD).await;
    let html = page(&bo, app.url("/me")).await;
    assert!(html.contains("My results, last 30 days"), "{html}");
    let clicks_tile = tile(&html, "Clicks");
    assert!(clicks_tile.contains(">2<"), "{clicks_tile}");
    assert!(clicks_tile.contains("Rank 2 of 2"), "{clicks_tile}");
    let shares_tile = tile(&html, "Shares");
    assert!(shares_tile.contains(">1<"), "{shares_tile}");
    assert!(shares_tile.contains("of 3"), "{shares_tile}");

    let cy = app.login("cy@example.com", PASSWORD).await;
    let html = page(&cy, app.url("/me")).await;
    let clicks_tile = tile(&html, "Clicks");
    assert!(clicks_tile.contains("Not ranked yet"), "{clicks_tile}");

    // In Korean, with the same numbers.
    let res = bo
        .get(app.url("/me"))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(
        html.contains("2명 중 2위") || html.contains("Rank 2 of 2"),
        "{html}"
    );
}
