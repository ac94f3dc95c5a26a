//! CSV import of conversions: `chorus import conversions FILE [--layout …]` run as a user
//! would, and the admin page. Rows are attributed as `POST /api/v1/conversions` attributes
//! them (a click made through the real redirect, customer continuity, unattributed rows
//! with their reason), repeats of `(kind, external_id)` are duplicates, a file with one bad
//! row stores nothing, and the KPIs and conversion boards count what was imported.

use std::path::PathBuf;
use std::process::{Command, Output};

use chorus::config::RawSettings;
use chrono::{Duration, Utc};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{binary, hidden_field, page, TestApp};

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const LINKEDIN_BOT: &str =
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)";
const PASSWORD: &str = "correct horse battery";
/// The click id the sample files carry in their custom field.
const SAMPLE_CLICK: &str = "Xq7pZ2mK9sT4vB8n";

/// An app that believes X-Forwarded-For from loopback, so the test can play visitors.
async fn app() -> TestApp {
    TestApp::spawn_with(RawSettings {
        trusted_proxies: Some("127.0.0.1, ::1".into()),
        ..RawSettings::default()
    })
    .await
}

/// A share by a fresh employee `Person {who}` of fresh content in a fresh campaign;
/// returns (share id, slug, employee id).
async fn shared(app: &TestApp, who: &str) -> (i64, String, i64) {
    let employee = app
        .create_employee(
            &format!("{who}@example.com"),
            &format!("Person {who}"),
            None,
        )
        .await;
    let campaign = app
        .create_campaign(json!({"name": format!("Campaign {who}")}))
        .await;
    let content = app
        .create_content(json!({
            "title": format!("Post {who}"),
            "url": format!("https://example.com/{who}"),
            "campaign_id": campaign["id"],
        }))
        .await;
    let share = app
        .create_share(&employee["id"], &content["id"], "linkedin")
        .await;
    (
        share["id"].as_i64().unwrap(),
        share["slug"].as_str().unwrap().to_owned(),
        employee["id"].as_i64().unwrap(),
    )
}

/// Follows a short link as a visitor; returns the click id from `Location`, once the click
/// is in the database (the CLI is another process).
async fn click(app: &TestApp, slug: &str, ua: &str) -> String {
    let res = crate::common::client()
        .get(app.url(&format!("/{slug}")))
        .header("User-Agent", ua)
        .header("X-Forwarded-For", "81.2.69.142")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    let id = location
        .query_pairs()
        .find(|(k, _)| k == "chorus_click")
        .map(|(_, v)| v.into_owned())
        .expect("click id in Location");
    app.clicks.settle().await;
    id
}

/// `chorus import conversions FILE ARGS…` on the test's database.
fn import(app: &TestApp, file: &str, extra: &[&str]) -> Output {
    let path = app.dir.path().join("conversions.csv");
    std::fs::write(&path, file).unwrap();
    Command::new(binary())
        .arg("import")
        .arg("conversions")
        .arg(&path)
        .args(extra)
        .current_dir(app.dir.path())
        .env("CHORUS_DATABASE_URL", &app.database_url)
        .env("CHORUS_LOG", "warn")
        .output()
        .expect("run chorus")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts success and returns standard output.
fn succeeded(out: &Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts exit status 3 (refused, nothing imported) and returns the report lines.
fn refused(out: &Output) -> Vec<String> {
    assert_eq!(out.status.code(), Some(3), "{}", stderr(out));
    stderr(out)
        .lines()
        .filter(|l| l.starts_with("line "))
        .map(str::to_owned)
        .collect()
}

async fn all_conversions(app: &TestApp) -> Vec<Value> {
    app.list("/api/v1/conversions?limit=1000", "conversions")
        .await
}

/// The stored conversion of `kind` and `external_id`.
async fn stored(app: &TestApp, kind: &str, external_id: &str) -> Value {
    let all = all_conversions(app).await;
    let found: Vec<&Value> = all
        .iter()
        .filter(|c| c["kind"] == kind && c["external_id"] == external_id)
        .collect();
    assert_eq!(found.len(), 1, "{kind} {external_id} in {all:?}");
    found[0].clone()
}

fn sample(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docs/samples")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn today() -> String {
    Utc::now().format("%Y-%m-%d").to_string()
}

/// `/api/v1/kpis` totals over every day up to tomorrow.
async fn kpis(app: &TestApp) -> Value {
    let to = (Utc::now() + Duration::days(1)).format("%Y-%m-%d");
    let res = app
        .get(&format!("/api/v1/kpis?from=2020-01-01&to={to}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json::<Value>().await.unwrap()["totals"].clone()
}

/// A leaderboard's rows over the same period, as (label, value).
async fn board(app: &TestApp, query: &str) -> Vec<(String, f64)> {
    let to = (Utc::now() + Duration::days(1)).format("%Y-%m-%d");
    let sep = if query.contains('?') { '&' } else { '?' };
    let res = app
        .get(&format!(
            "/api/v1/leaderboards/{query}{sep}from=2020-01-01&to={to}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    let body: Value = res.json().await.unwrap();
    body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap().to_owned(),
                r["value"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn a_file_is_attributed_as_the_api_attributes_and_the_reports_agree() {
    let app = app().await;
    let (ada_share, ada_slug, ada) = shared(&app, "ada").await;
    let (bob_share, _, _) = shared(&app, "bob").await;
    let human = click(&app, &ada_slug, CHROME).await;
    let bot = click(&app, &ada_slug, LINKEDIN_BOT).await;
    let today = today();

    // Through the API: a customer acquired by Ada's share (a signup on a bare date, which
    // counts to the end of its day), and an unattributed sale.
    let signup = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "signup", "click_id": human, "customer_id": "cust-ada",
                    "external_id": "su-1", "occurred_at": today}),
        )
        .await;
    assert_eq!(signup.status(), StatusCode::CREATED);
    let signup: Value = signup.json().await.unwrap();
    assert_eq!(signup["attributed"], true, "{signup}");
    let res = app
        .post(
            "/api/v1/conversions",
            &json!({"kind": "sale", "value_cents": 500, "external_id": "order-api"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let file = format!(
        "kind,occurred_at,value,currency,external_id,click_id,customer_id\n\
         sale,{today},\"1,250.00\",USD,order-1,{human},cust-new\n\
         lead,{today},,,lead-1,,cust-ada\n\
         sale,{today},99.00,USD,order-2,NoSuchClick00000,\n\
         sale,{today},5.00,,order-api,,\n\
         signup,{today},,,su-2,{bot},\n\
         lead,{today},,,lead-1,,cust-ada\n\
         lead,{today},,,,,cust-unknown\n"
    );
    let said = succeeded(&import(&app, &file, &["--dry-run"]));
    assert!(
        said.contains(
            "All 7 rows are valid. An import would add 5 conversions, skip 2 duplicates. \
             Nothing was stored (dry run)."
        ),
        "{said}"
    );
    assert_eq!(
        all_conversions(&app).await.len(),
        2,
        "a dry run stores nothing"
    );

    let said = succeeded(&import(&app, &file, &[]));
    assert!(
        said.contains(
            "Added 5 conversions, skipped 2 duplicates from 7 rows. Attributed 2 (1 by click, \
             1 by customer id); 3 unattributed (1 of a customer seen for the first time, 1 \
             with an unknown click id, 1 with a bot, preview or self click)."
        ),
        "{said}"
    );
    assert_eq!(all_conversions(&app).await.len(), 7);

    let sale = stored(&app, "sale", "order-1").await;
    assert_eq!(sale["attributed"], true, "{sale}");
    assert_eq!(
        (&sale["share_id"], &sale["employee_id"]),
        (&json!(ada_share), &json!(ada))
    );
    assert_eq!(sale["value_cents"], 125_000);
    assert_eq!(sale["currency"], "USD");
    assert_eq!(sale["click_id"], human.as_str());
    assert_eq!(sale["customer_id"], "cust-new");
    assert_eq!(
        sale["occurred_at"],
        format!("{today}T00:00:00Z"),
        "a bare date is midnight in the configured zone"
    );

    // Customer continuity: the customer first seen through Ada's click stays hers.
    let lead = stored(&app, "lead", "lead-1").await;
    assert_eq!(lead["attributed"], true, "{lead}");
    assert_eq!(lead["share_id"], ada_share);
    assert_eq!(lead["campaign_id"], signup["campaign_id"]);
    assert_eq!(lead["click_id"], Value::Null, "the row sent no click id");
    let detail: Value = app
        .get(&format!("/api/v1/conversions/{}", lead["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        detail["touchpoints"],
        json!([{"position": 0, "click_id": human, "attributed": true, "share_id": ada_share,
                "employee_id": ada, "campaign_id": signup["campaign_id"]}]),
        "the acquiring conversion's touchpoints, so every model agrees"
    );

    for (kind, id) in [("sale", "order-2"), ("signup", "su-2")] {
        let c = stored(&app, kind, id).await;
        assert_eq!(c["attributed"], false, "{c}");
        assert_eq!(c["share_id"], Value::Null);
    }
    assert_eq!(
        stored(&app, "sale", "order-api").await["value_cents"],
        500,
        "the API's conversion, untouched by the duplicate row"
    );

    // Again: everything is a duplicate but the row without an external id.
    let said = succeeded(&import(&app, &file, &[]));
    assert!(
        said.contains("Added 1 conversion, skipped 6 duplicates from 7 rows."),
        "{said}"
    );
    assert_eq!(all_conversions(&app).await.len(), 8);

    // The KPIs and boards count what was imported: Ada's signup (API), sale and lead.
    let totals = kpis(&app).await;
    assert_eq!(totals["conversions"], 3, "{totals}");
    assert_eq!(totals["leads"], 2, "the API's signup and the imported lead");
    assert_eq!(totals["revenue_cents"], 125_000, "attributed sales only");
    assert_eq!(totals["unattributed_conversions"], 5);
    let ada_name = "Person ada".to_owned();
    for query in [
        "employees-conversions",
        "employees-conversions?model=first_click",
        "employees-conversions?model=linear",
    ] {
        assert_eq!(
            board(&app, query).await,
            [(ada_name.clone(), 3.0)],
            "{query}"
        );
    }
    for query in [
        "employees-revenue",
        "employees-revenue?model=linear",
        "employees-revenue?revenue=influenced",
    ] {
        assert_eq!(
            board(&app, query).await,
            [(ada_name.clone(), 125_000.0)],
            "{query}"
        );
    }
    let stats: Value = app
        .get(&format!("/api/v1/shares/{ada_share}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            &stats["stats"]["conversions"],
            &stats["stats"]["revenue_cents"]
        ),
        (&json!(3), &json!(125_000))
    );
    let bob: Value = app
        .get(&format!("/api/v1/shares/{bob_share}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bob["stats"]["conversions"], 0);
}

#[actix_web::test]
async fn the_api_continues_a_customer_as_the_import_does() {
    let app = app().await;
    let (share, slug, _) = shared(&app, "dee").await;
    let human = click(&app, &slug, CHROME).await;
    let post = |body: Value| {
        let app = &app;
        async move {
            let res = app.post("/api/v1/conversions", &body).await;
            assert_eq!(res.status(), StatusCode::CREATED, "{body}");
            res.json::<Value>().await.unwrap()
        }
    };
    let first =
        post(json!({"kind": "sale", "click_id": human, "customer_id": 77, "value_cents": 100}))
            .await;
    assert_eq!(first["attributed"], true);
    let again = post(json!({"kind": "sale", "customer_id": "77", "value_cents": 200})).await;
    assert_eq!(
        (&again["attributed"], &again["share_id"]),
        (&json!(true), &json!(share)),
        "{again}"
    );
    // A click id that does not earn is judged alone, customer or not.
    let unknown =
        post(json!({"kind": "sale", "click_id": "NoSuchClick00000", "customer_id": "77"})).await;
    assert_eq!(unknown["attributed"], false);
    // A customer first seen unattributed stays unattributed, even after a later click.
    post(json!({"kind": "lead", "customer_id": "walk-in"})).await;
    post(json!({"kind": "sale", "click_id": human, "customer_id": "walk-in"})).await;
    let later = post(json!({"kind": "sale", "customer_id": "walk-in"})).await;
    assert_eq!(later["attributed"], false, "{later}");
}

#[actix_web::test]
async fn a_file_with_one_bad_row_imports_nothing_and_names_the_line() {
    let app = app().await;
    let today = today();
    let file = format!(
        "kind,occurred_at,value,currency,external_id,click_id,customer_id\n\
         sale,{today},10.00,USD,o-1,,c-1\n\
         lead,{today},,,l-1,,c-1\n\
         sale,{today},\"12,50\",EUR,o-2,,c-2\n\
         sale,{today},3.00,USD,o-3,,c-3\n"
    );
    for args in [&["--dry-run"][..], &[]] {
        let out = import(&app, &file, args);
        let lines = refused(&out);
        assert_eq!(
            lines,
            ["line 4, value: \"12,50\" is not an amount; write digits with a point before the decimals, such as 1250.00 or 1,250.00"],
            "{args:?}"
        );
        assert!(
            stderr(&out).contains("1 of 4 rows has errors (1 error in all)"),
            "{}",
            stderr(&out)
        );
    }
    assert!(
        all_conversions(&app).await.is_empty(),
        "nothing half-imported"
    );

    // A header that fits no layout is refused before any row.
    let out = import(&app, "kind,occurred_at\nsale,2026-03-01\n", &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("missing column click_id or customer_id"),
        "{}",
        stderr(&out)
    );
}

#[actix_web::test]
async fn the_crm_samples_import_as_exported() {
    let app = app().await;
    let (share, slug, _) = shared(&app, "cy").await;
    let today = today();
    let human = click(&app, &slug, CHROME).await;

    // Salesforce, detected from the header: the won opportunity carries the real click,
    // and the account's later opportunity is credited to the same share.
    let salesforce = sample("conversions-salesforce.csv")
        .replace(SAMPLE_CLICK, &human)
        .replace("2026-03-12", &today)
        .replace("2026-03-16", &today);
    let said = succeeded(&import(&app, &salesforce, &["--dry-run"]));
    assert!(
        said.contains("An import would add 4 conversions."),
        "{said}"
    );
    let out = import(&app, &salesforce, &[]);
    let said = succeeded(&out);
    assert!(
        said.contains(
            "Added 4 conversions from 4 rows. Attributed 2 (1 by click, 1 by customer id); 2 \
             unattributed (1 of a customer seen for the first time, 1 with an unknown click id)."
        ),
        "{said}"
    );
    assert!(
        stderr(&out).contains("warning: column \"Opportunity Name\" is not imported"),
        "{}",
        stderr(&out)
    );
    let won = stored(&app, "sale", "0068d00000Kx3TqAAJ").await;
    assert_eq!(won["attributed"], true, "{won}");
    assert_eq!(won["share_id"], share);
    assert_eq!(
        (&won["value_cents"], &won["currency"]),
        (&json!(4_800_000), &json!("EUR"))
    );
    assert_eq!(won["customer_id"], "0018d00000Pq7LmAAJ");
    let open = stored(&app, "lead", "0068d00000Kx3UbAAJ").await;
    assert_eq!(open["attributed"], true, "{open}");
    assert_eq!(open["share_id"], share);
    let lost = stored(&app, "lead", "0068d00000Kx3VcAAJ").await;
    assert_eq!(
        lost["attributed"], false,
        "Closed Lost is a lead, here unattributed"
    );
    assert_eq!(
        lost["occurred_at"], "2026-03-05T00:00:00Z",
        "its Created Date"
    );

    // Once more, named explicitly: all duplicates.
    let said = succeeded(&import(&app, &salesforce, &["--layout", "salesforce"]));
    assert!(
        said.contains("Added 0 conversions, skipped 4 duplicates from 4 rows."),
        "{said}"
    );

    // HubSpot: local times of the export, a sale a minute after the click.
    let soon = (Utc::now() + Duration::minutes(1))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let hubspot = sample("conversions-hubspot.csv")
        .replace(SAMPLE_CLICK, &human)
        .replace("2026-03-12 16:20", &soon)
        .replace("2026-03-16 09:00", &soon);
    let said = succeeded(&import(&app, &hubspot, &["--layout", "hubspot"]));
    assert!(
        said.contains(
            "Added 4 conversions from 4 rows. Attributed 2 (1 by click, 1 by customer id)"
        ),
        "{said}"
    );
    let won = stored(&app, "sale", "15873920114").await;
    assert_eq!(
        (&won["attributed"], &won["share_id"], &won["value_cents"]),
        (&json!(true), &json!(share), &json!(2_400_000))
    );
    let add_on = stored(&app, "lead", "15873920115").await;
    assert_eq!(add_on["share_id"], share, "the company's later deal");
    assert_eq!(all_conversions(&app).await.len(), 8);

    // A layout that does not fit is said so.
    let out = import(&app, &hubspot, &["--layout", "chorus"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("unknown columns \"Record ID\""),
        "{}",
        stderr(&out)
    );
    let totals = kpis(&app).await;
    assert_eq!(totals["conversions"], 4, "{totals}");
    assert_eq!(totals["leads"], 2);
    assert_eq!(
        totals["revenue_cents"], 0,
        "the attributed sales are in EUR, not the default USD"
    );
}

fn upload_form(csrf: &str, layout: &str, action: &str, file: &[u8]) -> Form {
    Form::new()
        .text("csrf", csrf.to_owned())
        .text("kind", "conversions")
        .text("layout", layout.to_owned())
        .part(
            "file",
            Part::bytes(file.to_vec())
                .file_name("deals.csv")
                .mime_str("text/csv")
                .unwrap(),
        )
        .text("action", action.to_owned())
}

async fn upload(browser: &reqwest::Client, app: &TestApp, form: Form) -> (StatusCode, String) {
    let res = browser
        .post(app.url("/admin/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[actix_web::test]
async fn admins_import_a_crm_export_on_the_page() {
    let app = app().await;
    app.create_user("boss@example.com", "admin", PASSWORD);
    let browser = app.login("boss@example.com", PASSWORD).await;
    let html = page(&browser, app.url("/admin/import?kind=conversions")).await;
    assert!(html.contains("<option value=\"conversions\" selected>Conversions</option>"));
    assert!(html.contains("<option value=\"hubspot\">HubSpot deals export</option>"));
    assert!(
        html.contains("<code>Opportunity ID</code>") && html.contains("<code>Record ID</code>")
    );
    let csrf = hidden_field(&html, "csrf");
    for (name, file) in [
        ("conversions.csv", "conversions.csv"),
        ("conversions-salesforce.csv", "conversions-salesforce.csv"),
        ("conversions-hubspot.csv", "conversions-hubspot.csv"),
    ] {
        let res = browser
            .get(app.url(&format!("/admin/import/{name}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        assert_eq!(res.text().await.unwrap(), sample(file), "{name}");
    }
    let hubspot = sample("conversions-hubspot.csv");

    let (status, html) = upload(
        &browser,
        &app,
        upload_form(&csrf, "hubspot", "check", hubspot.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("An import would add 4 conversions."),
        "{html}"
    );
    assert!(
        all_conversions(&app).await.is_empty(),
        "a check stores nothing"
    );

    let broken = hubspot.replace("9500.00", "\"9.500,00\"");
    let (status, html) = upload(
        &browser,
        &app,
        upload_form(&csrf, "", "import", broken.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Nothing was imported"));
    assert!(
        html.contains("<td class=\"num\" data-label=\"Line\">4</td>"),
        "{html}"
    );
    assert!(
        html.contains("<code>Amount</code>"),
        "the export's own column"
    );
    assert!(all_conversions(&app).await.is_empty());

    let (status, html) = upload(
        &browser,
        &app,
        upload_form(&csrf, "chorus", "import", hubspot.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("unknown columns"), "{html}");
    assert!(
        html.contains("<option value=\"chorus\" selected>"),
        "the choice is kept"
    );

    // The sample as exported: its click ids name no click here, so nothing is
    // attributed, and the company whose first deal was unattributed stays so.
    let (status, html) = upload(
        &browser,
        &app,
        upload_form(&csrf, "hubspot", "import", hubspot.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains(
            "Added 4 conversions from 4 rows. None attributed; 4 unattributed (1 of a \
             customer seen for the first time, 1 of a customer not acquired through a share, \
             2 with an unknown click id)."
        ),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"value\" id=\"import-attribution\">0 / 4</span>"),
        "{html}"
    );
    assert_eq!(all_conversions(&app).await.len(), 4);
}
