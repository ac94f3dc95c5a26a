//! Content preview images: fetched once by the server from the content's Open Graph image
//! URL (public addresses only unless allowed, size-limited, image bytes only, redirects
//! checked), stored, and served by Chorus to signed-in people; the feed never hot-links.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use chorus::config::RawSettings;
use chorus::db::schema::{content, content_images};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{client, page, TestApp};

const PASSWORD: &str = "correct horse battery";
/// A PNG's signature and header: enough for the sniffing, and for comparing bytes back.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

type Hits = Arc<Mutex<HashMap<String, usize>>>;

/// A company website with images, pages and failures; counts requests per path.
async fn image_site() -> (String, Hits, actix_web::dev::ServerHandle) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let hits: Hits = Arc::default();
    let counted = hits.clone();
    let server = HttpServer::new(move || {
        let counted = counted.clone();
        App::new().default_service(web::to(move |req: HttpRequest| {
            let counted = counted.clone();
            async move {
                *counted
                    .lock()
                    .unwrap()
                    .entry(req.path().to_string())
                    .or_default() += 1;
                match req.path() {
                    // Claims to be a JPEG: the bytes say PNG, and PNG is what is served.
                    "/og.png" => HttpResponse::Ok().content_type("image/jpeg").body(PNG),
                    "/moved" => HttpResponse::Found()
                        .insert_header(("location", "/og.png"))
                        .finish(),
                    "/loop" => HttpResponse::Found()
                        .insert_header(("location", "/loop"))
                        .finish(),
                    "/page" => HttpResponse::Ok()
                        .content_type("image/png")
                        .body("<!doctype html><script>alert(1)</script>"),
                    "/logo.svg" => HttpResponse::Ok()
                        .content_type("image/svg+xml")
                        .body("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
                    "/huge.png" => {
                        let mut body = PNG.to_vec();
                        body.resize(3 * 1024 * 1024, 0);
                        HttpResponse::Ok().content_type("image/png").body(body)
                    }
                    _ => HttpResponse::NotFound().finish(),
                }
            }
        }))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (origin, hits, handle)
}

fn set_image(app: &TestApp, id: i64, url: &str) {
    let url = url.to_string();
    app.db()
        .run_sync(move |conn| {
            diesel::update(content::table.find(id))
                .set(content::preview_image_url.eq(Some(url)))
                .execute(conn)?;
            Ok(())
        })
        .expect("set image URL");
}

/// (content id, failure) of every stored fetch.
fn fetches(app: &TestApp) -> HashMap<i64, Option<String>> {
    app.db()
        .run_sync(|conn| {
            Ok(content_images::table
                .select((content_images::content_id, content_images::failure))
                .load::<(i64, Option<String>)>(conn)?)
        })
        .expect("fetches")
        .into_iter()
        .collect()
}

async fn wait_for_fetches(app: &TestApp, n: usize) -> HashMap<i64, Option<String>> {
    for _ in 0..200 {
        let done = fetches(app);
        if done.len() >= n {
            return done;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("only {:?} fetched", fetches(app));
}

fn fast_fetching(allow_private: bool) -> RawSettings {
    RawSettings {
        image_fetch_ms: Some(100),
        image_fetch_private: Some(allow_private),
        ..RawSettings::default()
    }
}

#[actix_web::test]
async fn preview_images_are_fetched_once_checked_and_served_by_chorus() {
    let (site, hits, handle) = image_site().await;
    let app = TestApp::spawn_with(fast_fetching(true)).await;
    app.create_user("emp@example.com", "employee", PASSWORD);
    let mut ids = HashMap::new();
    for (name, path) in [
        ("plain", "/og.png"),
        ("moved", "/moved"),
        ("loop", "/loop"),
        ("page", "/page"),
        ("svg", "/logo.svg"),
        ("huge", "/huge.png"),
        ("gone", "/missing.png"),
    ] {
        let item = app
            .create_content(
                json!({"title": format!("Post {name}"), "url": "https://example.com/p"}),
            )
            .await;
        let id = item["id"].as_i64().unwrap();
        set_image(&app, id, &format!("{site}{path}"));
        ids.insert(name, id);
    }

    let done = wait_for_fetches(&app, ids.len()).await;
    assert_eq!(done[&ids["plain"]], None);
    assert_eq!(done[&ids["moved"]], None, "a redirect is followed");
    for (name, why) in [
        ("loop", "redirects"),
        ("page", "not a PNG"),
        ("svg", "not a PNG"),
        ("huge", "larger than 2 MiB"),
        ("gone", "404"),
    ] {
        let failure = done[&ids[name]].clone().unwrap_or_default();
        assert!(failure.contains(why), "{name}: {failure}");
    }

    let browser = app.login("emp@example.com", PASSWORD).await;
    for name in ["plain", "moved"] {
        let res = browser
            .get(app.url(&format!("/content/{}/image", ids[name])))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        assert_eq!(
            res.headers()["content-type"],
            "image/png",
            "sniffed, not claimed"
        );
        assert!(res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox"));
        assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    }
    for name in ["loop", "page", "svg", "huge", "gone"] {
        let res = browser
            .get(app.url(&format!("/content/{}/image", ids[name])))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{name}");
    }
    // Not for strangers.
    let res = client()
        .get(app.url(&format!("/content/{}/image", ids["plain"])))
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), StatusCode::OK);

    // The feed shows Chorus's copy, never the site's URL.
    let html = page(&browser, app.url("/feed")).await;
    assert!(html.contains(&format!("src=\"/content/{}/image\"", ids["plain"])));
    assert!(!html.contains(&site), "no third-party image in the feed");
    assert!(!html.contains(&format!("/content/{}/image", ids["page"])));

    // Fetched once: later passes leave stored images alone.
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        hits.lock().unwrap()["/og.png"],
        2,
        "once directly, once redirected"
    );

    // A new image URL is fetched again, and the old image is no longer shown meanwhile.
    set_image(&app, ids["page"], &format!("{site}/og.png"));
    for _ in 0..200 {
        if fetches(&app)[&ids["page"]].is_none() {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let res = browser
        .get(app.url(&format!("/content/{}/image", ids["page"])))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    handle.stop(false).await;
}

#[actix_web::test]
async fn private_addresses_are_not_fetched_by_default() {
    let (site, hits, handle) = image_site().await;
    let app = TestApp::spawn_with(fast_fetching(false)).await;
    let item = app
        .create_content(json!({"title": "Inside", "url": "https://example.com/p"}))
        .await;
    let id = item["id"].as_i64().unwrap();
    set_image(&app, id, &format!("{site}/og.png"));
    let done = wait_for_fetches(&app, 1).await;
    let failure = done[&id].clone().unwrap_or_default();
    assert!(failure.contains("not a public one"), "{failure}");
    assert!(
        hits.lock().unwrap().is_empty(),
        "no request reached the address"
    );
    handle.stop(false).await;
}
