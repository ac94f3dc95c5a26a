//! `static/chorus.js` in a real browser: a person clicks a share's short link, lands on the
//! company website (another origin), and the website reports a lead through the script and
//! a publishable key — the redirect, the first-party cookie, CORS and attribution end to end.
//!
//! Needs headless Chromium (see `browser_support`); `scripts/test` installs it.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpResponse, HttpServer};
use reqwest::StatusCode;
use serde_json::Value;

use crate::browser_support::Browser;
use crate::common::TestApp;

/// A stand-in for the company website: its own actix-web server on its own port (so its
/// origin differs from Chorus's), serving pages that load chorus.js from Chorus.
struct CompanySite {
    origin: String,
    handle: actix_web::dev::ServerHandle,
    /// Requests to the site's own `POST /api/v1/conversions` (see `CompanySite::capturing`).
    captured: Captured,
}

/// (Authorization header, JSON body) of each conversion request the site received.
type Captured = Arc<Mutex<Vec<(String, Value)>>>;

/// What the site's pages need to know about Chorus.
#[derive(Clone)]
struct SiteConfig {
    chorus: String,
    key: String,
    /// `data-endpoint`: Chorus, or the site itself to capture what the script sends.
    endpoint: String,
}

/// `<head>` of every page: the snippet as the README gives it.
fn head(config: &SiteConfig, extra: &str) -> String {
    format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>Acme</title>
<script>
  // Shows an answer or a failure in the page, for the test to read.
  function show(id, text) {{
    const pre = document.createElement("pre");
    pre.id = id;
    pre.textContent = text;
    document.body.appendChild(pre);
  }}
  function report(promise) {{
    promise.then(
      (answer) => show("answer", JSON.stringify(answer)),
      (err) => show("failure", String(err) + " " + JSON.stringify(err && err.body || null)));
  }}
</script>
{extra}
<script src="{chorus}/static/chorus.js" data-key="{key}" data-endpoint="{endpoint}"
        data-param="chorus_click" data-window-days="30" defer></script>
</head>"#,
        chorus = config.chorus,
        key = config.key,
        endpoint = config.endpoint,
    )
}

/// A landing page with a "Get a demo" button that reports a lead.
async fn landing(config: web::Data<SiteConfig>) -> HttpResponse {
    let html = format!(
        r#"{head}
<body><h1 id="pricing">Acme pricing</h1>
<button id="demo" type="button">Get a demo</button>
<script>
  document.getElementById("demo").addEventListener("click", () => {{
    report(Chorus.conversion({{kind: "lead", external_id: "lead-1"}}));
  }});
</script>
</body></html>"#,
        head = head(&config, "")
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html)
}

/// A thank-you page that reports a signup as it loads, before chorus.js has run: the call
/// goes through the queue of the snippet.
async fn thanks(config: web::Data<SiteConfig>) -> HttpResponse {
    let queue = r#"<script>
  window.Chorus = window.Chorus || {q: [], conversion: function (c) {
    var q = this.q; return new Promise(function (ok, fail) { q.push(["conversion", c, ok, fail]); });
  }};
  report(Chorus.conversion({kind: "signup", external_id: "signup-1"}));
</script>"#;
    let html = format!(
        "{head}\n<body><h1>Thank you</h1></body></html>",
        head = head(&config, queue)
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html)
}

/// The site's stand-in for Chorus's endpoint: records the request, answers like Chorus.
async fn capture(
    req: actix_web::HttpRequest,
    body: web::Json<Value>,
    captured: web::Data<Captured>,
) -> HttpResponse {
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    captured.lock().unwrap().push((auth, body.into_inner()));
    HttpResponse::Created().json(serde_json::json!({"id": 1, "attributed": true}))
}

impl CompanySite {
    /// Binds a port first (the key must name the origin), then serves with `key`.
    fn bind() -> (TcpListener, String) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the site");
        let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        (listener, origin)
    }

    /// A site whose pages report to Chorus at `chorus`.
    fn start(listener: TcpListener, origin: String, chorus: &str, key: &str) -> CompanySite {
        let endpoint = chorus.to_string();
        CompanySite::serve(listener, origin, chorus, key, endpoint)
    }

    /// A site whose pages load chorus.js from Chorus but report to the site itself, which
    /// records each request: shows exactly what the script sends.
    fn capturing(listener: TcpListener, origin: String, chorus: &str) -> CompanySite {
        let endpoint = origin.clone();
        CompanySite::serve(listener, origin, chorus, "chr_pk_capture", endpoint)
    }

    fn serve(
        listener: TcpListener,
        origin: String,
        chorus: &str,
        key: &str,
        endpoint: String,
    ) -> CompanySite {
        let config = SiteConfig {
            chorus: chorus.to_string(),
            key: key.to_string(),
            endpoint,
        };
        let captured: Captured = Arc::default();
        let shared = captured.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(config.clone()))
                .app_data(web::Data::new(shared.clone()))
                .route("/landing", web::get().to(landing))
                .route("/thanks", web::get().to(thanks))
                .route("/api/v1/conversions", web::post().to(capture))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        CompanySite {
            origin,
            handle,
            captured,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }
}

/// Chorus, the company website with a publishable key for its origin, and a browser.
async fn setup() -> (TestApp, CompanySite, Browser) {
    let app = TestApp::spawn().await;
    let (listener, origin) = CompanySite::bind();
    let key = app.publishable_key_for(&origin);
    assert!(key.starts_with("chr_pk_"));
    let site = CompanySite::start(listener, origin, &app.address, &key);
    let browser = Browser::start().await;
    (app, site, browser)
}

/// Waits for the page's `#answer` (or fails with its `#failure`) and parses it.
async fn answer(browser: &Browser) -> Value {
    let text = browser
        .wait_for(
            "(document.getElementById('answer') || document.getElementById('failure') || {}).id",
        )
        .await;
    let shown = browser
        .js(&format!(
            "return document.getElementById('{}').textContent",
            text.as_str().unwrap()
        ))
        .await;
    let shown = shown.as_str().unwrap_or_default().to_string();
    assert_eq!(
        text,
        "answer",
        "the conversion failed in the page: {shown}\n{}",
        browser.logs()
    );
    serde_json::from_str(&shown).unwrap_or_else(|e| panic!("answer {shown:?} is no JSON: {e}"))
}

/// `GET /api/v1/conversions/{id}` with the full key.
/// The stored conversion with `external_id`, read with the full key: the page's
/// publishable key is answered `{"accepted": true}` and nothing stored.
async fn conversion(app: &TestApp, external_id: &str) -> Value {
    let list = app
        .list("/api/v1/conversions?limit=1000", "conversions")
        .await;
    let found = list
        .into_iter()
        .find(|c| c["external_id"] == external_id)
        .unwrap_or_else(|| panic!("conversion {external_id} stored"));
    let res = app
        .get(&format!("/api/v1/conversions/{}", found["id"]))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "conversion {external_id}");
    res.json().await.unwrap()
}

#[actix_web::test]
async fn a_lead_on_the_website_is_attributed_to_the_share_that_brought_the_visitor() {
    let (app, site, browser) = setup().await;
    let employee = app
        .create_employee("ada@example.com", "Ada Lovelace", None)
        .await;
    let content = app
        .content_for(&site.url("/landing?ref=advocacy#pricing"))
        .await;
    let share = app
        .create_share(&employee["id"], &content["id"], "linkedin")
        .await;

    // The person clicks the short link: Chorus redirects, adding the click id.
    browser.goto(share["short_url"].as_str().unwrap()).await;
    browser
        .wait_for("document.readyState === 'complete' && window.Chorus && window.Chorus.version")
        .await;
    let clicks = app.clicks_of(share["id"].as_i64().unwrap()).await;
    assert_eq!(clicks.len(), 1, "the redirect recorded the click");
    assert_eq!(clicks[0].kind, "human", "the browser is taken for a person");
    let click_id = &clicks[0].click_id;

    // chorus.js kept the id in a first-party cookie and cleaned the address bar.
    let landed = browser.current_url().await;
    assert_eq!(landed.origin().ascii_serialization(), site.origin);
    assert_eq!(landed.path(), "/landing");
    let params: Vec<(String, String)> = landed.query_pairs().into_owned().collect();
    assert!(
        params.iter().all(|(k, _)| k != "chorus_click"),
        "the click id is gone from the visible URL: {landed}"
    );
    assert!(
        params.contains(&("ref".into(), "advocacy".into())),
        "{landed}"
    );
    assert!(
        params.contains(&("utm_source".into(), "linkedin".into())),
        "{landed}"
    );
    assert_eq!(landed.fragment(), Some("pricing"), "the hash stays");
    let cookie = browser.js("return document.cookie").await;
    let cookie = cookie.as_str().unwrap();
    assert!(
        cookie.contains(&format!("chorus_clicks={click_id}~")),
        "cookie {cookie:?} keeps click {click_id}"
    );
    assert_eq!(
        browser.js("return Chorus.clickIds()").await,
        serde_json::json!([click_id])
    );

    // The person asks for a demo: the page reports a lead across origins (CORS).
    browser.click("#demo").await;
    let answer = answer(&browser).await;
    assert_eq!(
        answer,
        serde_json::json!({"accepted": true}),
        "nothing stored told"
    );

    let res = app.get(&format!("/api/v1/shares/{}", share["id"])).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["stats"]["conversions"], 1, "{body}");
    let stored = conversion(&app, "lead-1").await;
    assert_eq!(stored["attributed"], true, "{stored}");
    assert_eq!(stored["share_id"], share["id"], "{stored}");
    assert_eq!(stored["employee_id"], employee["id"], "{stored}");
    assert_eq!(stored["kind"], "lead", "{stored}");
    assert_eq!(stored["external_id"], "lead-1", "{stored}");
    assert_eq!(&stored["click_id"], click_id, "{stored}");

    browser.close().await;
    site.handle.stop(false).await;
}

#[actix_web::test]
async fn a_conversion_without_a_click_id_is_reported_unattributed() {
    let (app, site, browser) = setup().await;

    // Straight to the thank-you page, no short link: no click id anywhere. The page calls
    // Chorus.conversion before chorus.js has loaded (the queued snippet).
    browser.goto(&site.url("/thanks")).await;
    let answer = answer(&browser).await;
    assert_eq!(answer, serde_json::json!({"accepted": true}));
    let stored = conversion(&app, "signup-1").await;
    assert_eq!(stored["attributed"], false, "{stored}");
    assert_eq!(stored["kind"], "signup", "{stored}");
    assert_eq!(stored["external_id"], "signup-1", "{stored}");
    assert_eq!(stored["click_id"], Value::Null, "{stored}");
    assert_eq!(
        browser.js("return Chorus.clickIds()").await,
        serde_json::json!([])
    );
    let cookie = browser.js("return document.cookie").await;
    assert!(
        !cookie.as_str().unwrap().contains("chorus_clicks"),
        "no cookie without a click: {cookie}"
    );

    browser.close().await;
    site.handle.stop(false).await;
}

#[actix_web::test]
async fn the_script_sends_the_newest_click_and_the_earlier_ones_as_touchpoints() {
    let app = TestApp::spawn().await;
    let (listener, origin) = CompanySite::bind();
    let site = CompanySite::capturing(listener, origin, &app.address);
    let browser = Browser::start().await;
    let employee = app
        .create_employee("grace@example.com", "Grace Hopper", None)
        .await;
    let landing = app.content_for(&site.url("/landing")).await;
    let first = app
        .create_share(&employee["id"], &landing["id"], "linkedin")
        .await;
    let second = app.create_share(&employee["id"], &landing["id"], "x").await;

    // An expired id and garbage from an earlier visit are dropped on the next landing.
    browser.goto(&site.url("/landing")).await;
    browser
        .js("document.cookie = 'chorus_clicks=expiredClick1~1000.not*an*id~' + Math.floor(Date.now() / 1000) + '; Path=/'; return true")
        .await;

    let mut ids = Vec::new();
    for share in [&first, &second] {
        browser.goto(share["short_url"].as_str().unwrap()).await;
        browser
            .wait_for("document.readyState === 'complete' && window.Chorus && window.Chorus.version && !location.search.includes('chorus_click')")
            .await;
        let clicks = app.clicks_of(share["id"].as_i64().unwrap()).await;
        ids.push(clicks[0].click_id.clone());
    }
    assert_eq!(
        browser.js("return Chorus.clickIds()").await,
        serde_json::json!(ids)
    );
    let cookie = browser.js("return document.cookie").await;
    let value = cookie
        .as_str()
        .unwrap()
        .split("; ")
        .find_map(|c| c.strip_prefix("chorus_clicks="))
        .unwrap_or_else(|| panic!("chorus_clicks in {cookie}"))
        .to_string();
    let kept: Vec<&str> = value
        .split('.')
        .map(|item| item.split('~').next().unwrap())
        .collect();
    assert_eq!(
        kept, ids,
        "cookie {value:?}: newest last, expired and garbage gone"
    );

    browser.click("#demo").await;
    let answer = answer(&browser).await;
    assert_eq!(answer["attributed"], true);
    let captured = site.captured.lock().unwrap().clone();
    assert_eq!(captured.len(), 1, "one request: {captured:?}");
    let (auth, body) = &captured[0];
    assert_eq!(auth, "Bearer chr_pk_capture");
    assert_eq!(
        body,
        &serde_json::json!({
            "kind": "lead",
            "external_id": "lead-1",
            "click_id": ids[1],
            "touchpoints": [ids[0]],
        })
    );

    browser.close().await;
    site.handle.stop(false).await;
}

/// Saves the page as `target/screenshots/<name>-<width>.png` at that window width.
async fn screenshot(browser: &Browser, name: &str, width: u32) -> std::path::PathBuf {
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
    std::fs::write(&path, png).expect("write screenshot");
    path
}

/// The header's language form switches an admin to Korean, and the choice sticks.
#[actix_web::test]
async fn an_admin_switches_to_korean_from_the_header() {
    let app = TestApp::spawn().await;
    app.create_user("boss@example.com", "admin", "correct horse battery");
    let browser = Browser::start().await;
    browser.goto(&app.url("/login")).await;
    browser
        .js(
            r#"document.getElementById("email").value = "boss@example.com";
               document.getElementById("password").value = "correct horse battery";
               return true;"#,
        )
        .await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser
        .wait_for("document.querySelector('#language-form') && location.pathname === '/admin'")
        .await;
    assert_eq!(
        browser.js("return document.documentElement.lang").await,
        "en"
    );

    // At this window width (1024 px) the header is one menu button, as on a tablet.
    browser.click("#menu > summary").await;
    browser
        .js(r#"document.getElementById("language").value = "ko"; return true;"#)
        .await;
    browser.click("#language-apply").await;
    browser
        .wait_for("document.documentElement.lang === 'ko' && location.pathname === '/admin'")
        .await;
    // textContent: the closed menu's words count too.
    let text = browser.js("return document.body.textContent").await;
    let text = text.as_str().unwrap_or_default().to_string();
    for korean in ["대시보드", "일별 클릭수", "로그아웃", "임직원 옹호 활동"] {
        assert!(text.contains(korean), "{korean} missing from: {text}");
    }
    for english in ["Overview", "Sign out", "Clicks per day"] {
        assert!(!text.contains(english), "{english} still shown: {text}");
    }
    for width in [1366, 390] {
        let path = screenshot(&browser, "admin-ko", width).await;
        assert!(std::fs::metadata(&path).expect("saved").len() > 1000);
    }
    browser.goto(&app.url("/admin/employees")).await;
    browser
        .wait_for("document.documentElement.lang === 'ko'")
        .await;
    for width in [1366, 390] {
        screenshot(&browser, "employees-ko", width).await;
    }
    browser.close().await;
}

/// The feed on a phone: the employee signs in, lands on the feed, taps LinkedIn once and
/// the browser is on its way to LinkedIn's compose window with the short link (the sandbox
/// has no internet: the navigation fails, the address is what counts).
#[actix_web::test]
async fn an_employee_shares_to_linkedin_from_the_feed_in_one_tap() {
    let app = TestApp::spawn().await;
    let me = app.create_user("ada@example.com", "employee", "correct horse battery");
    let campaign = app
        .create_campaign(serde_json::json!({"name": "Spring Launch"}))
        .await;
    app.create_content(serde_json::json!({"title": "How we cut cloud costs by 40%",
        "url": "https://blog.example.com/cloud-costs", "topics": ["Cloud", "FinOps"],
        "suggested_text": "Our platform team wrote up how they cut our cloud bill by 40%. Worth a read if you run anything on Kubernetes."}))
        .await;
    let item = app
        .create_content(serde_json::json!({"title": "Introducing Chorus 2.0: share in two taps",
            "url": "https://www.example.com/news/chorus-2?ref=feed", "campaign_id": campaign["id"],
            "topics": ["Product", "Launch"],
            "suggested_text": "We just launched Chorus 2.0 🎉 Sharing company news now takes two taps. Have a look!"}))
        .await;
    let browser = Browser::start().await;
    browser
        .client
        .set_window_size(390, 900)
        .await
        .expect("resize the window");
    browser.goto(&app.url("/login")).await;
    browser
        .js(
            r#"document.getElementById("email").value = "ada@example.com";
               document.getElementById("password").value = "correct horse battery";
               return true;"#,
        )
        .await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser
        .wait_for("location.pathname === '/feed' && document.querySelector('.feed-card')")
        .await;
    for width in [1366, 390] {
        let path = screenshot(&browser, "feed", width).await;
        assert!(std::fs::metadata(&path).expect("saved").len() > 1000);
    }
    // At 390 px: nothing wider than the screen, and every share button a thumb's size.
    let layout = browser
        .js(r#"const buttons = [...document.querySelectorAll('.feed-targets button')];
               return {
                 overflow: document.documentElement.scrollWidth - window.innerWidth,
                 smallest: Math.min(...buttons.map((b) => b.getBoundingClientRect().height)),
                 columns: new Set([...document.querySelectorAll('.feed-card')].map((c) => c.getBoundingClientRect().left)).size,
               };"#)
        .await;
    assert!(layout["overflow"].as_f64().unwrap() <= 0.0, "{layout}");
    assert!(layout["smallest"].as_f64().unwrap() >= 44.0, "{layout}");
    assert_eq!(layout["columns"], 1, "{layout}");

    // "Copy link" (feed.js): the link is made, copied, and shown with its QR code in place.
    browser
        .click(&format!("#content-{} .copy-link-form button", item["id"]))
        .await;
    let shown = browser
        .wait_for(&format!(
            "document.querySelector('#content-{} .feed-link-field').value",
            item["id"]
        ))
        .await;
    let copied = app
        .list(
            &format!("/api/v1/shares?employee_id={me}&network=other"),
            "shares",
        )
        .await;
    assert_eq!(copied.len(), 1, "{copied:?}");
    assert_eq!(shown, copied[0]["short_url"]);
    assert_eq!(
        browser.current_url().await.path(),
        "/feed",
        "copying stays on the feed"
    );

    browser
        .click(&format!(
            "#content-{} button[data-target='linkedin']",
            item["id"]
        ))
        .await;
    let deadline = std::time::Instant::now() + crate::browser_support::WAIT;
    let landed = loop {
        let url = browser.current_url().await;
        if url.host_str() == Some("www.linkedin.com") {
            break url;
        }
        if std::time::Instant::now() >= deadline {
            let text = browser.js("return document.body.innerText").await;
            panic!("still on {url} after the tap: {text}\n{}", browser.logs());
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(landed.path(), "/feed/");
    let shares = app
        .list(
            &format!("/api/v1/shares?employee_id={me}&network=linkedin"),
            "shares",
        )
        .await;
    assert_eq!(shares.len(), 1, "{shares:?}");
    let shared: Vec<(String, String)> = landed.query_pairs().into_owned().collect();
    // The compose box carries the suggested text and the short link (issue 13).
    assert_eq!(
        shared,
        vec![
            ("shareActive".to_string(), "true".to_string()),
            (
                "text".to_string(),
                format!(
                    "We just launched Chorus 2.0 🎉 Sharing company news now takes two taps. Have a look! {}",
                    shares[0]["short_url"].as_str().unwrap()
                )
            )
        ]
    );
    browser.close().await;
}
