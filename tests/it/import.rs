//! CSV import: `chorus import KIND FILE [--dry-run]` run as a user would, and the admin
//! page `/admin/import`. Valid files are stored all at once, a file with any bad row is
//! refused whole with a report naming its lines, a dry run stores nothing, re-imported
//! mentions count as duplicates.

use std::process::{Command, Output};

use chorus::config::RawSettings;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{binary, hidden_field, page, TestApp};

const PASSWORD: &str = "correct horse battery";

/// `chorus import ARGS…` on the test's database; `file` is written into the test's
/// directory first.
fn import(app: &TestApp, kind: &str, file: &[u8], extra: &[&str]) -> Output {
    let path = app.dir.path().join(format!("{kind}.csv"));
    std::fs::write(&path, file).unwrap();
    Command::new(binary())
        .arg("import")
        .arg(kind)
        .arg(&path)
        .args(extra)
        .current_dir(app.dir.path())
        .env("CHORUS_DATABASE_URL", &app.database_url)
        .env("CHORUS_LOG", "warn")
        .output()
        .expect("run chorus")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts exit status 3 ("refused, nothing imported") and returns the report lines
/// (`line N, column: …`) of standard error.
fn refused(out: &Output) -> Vec<String> {
    assert_eq!(out.status.code(), Some(3), "{}", stderr(out));
    stderr(out)
        .lines()
        .filter(|l| l.starts_with("line "))
        .map(str::to_owned)
        .collect()
}

fn succeeded(out: &Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    stdout(out)
}

async fn brand(app: &TestApp) {
    let res = app
        .post(
            "/api/v1/brands",
            &json!({"name": "Acme", "own": true, "keywords": ["acme", "아크미"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

async fn mentions(app: &TestApp) -> Vec<Value> {
    app.list("/api/v1/mentions?limit=1000", "mentions").await
}

const MENTIONS: &str = "\u{feff}Brand,channel,author,text,occurred_at,sentiment,external_id\r\n\
Acme,x,@kim,\"Acme의 새 기능, 정말 좋아요!\",2026-03-01T09:30:00+09:00,,1\r\n\
acme,naver_blog,이서연,\"배송이 늦었어요.\n그래도 \"\"괜찮\"\"습니다.\",2026-03-01 14:05,negative,nb-7\r\n\
Acme,news,Daily,Acme opens a lab,2026-03-02,,\r\n";

#[actix_web::test]
async fn mentions_are_imported_once_and_repeats_count_as_duplicates() {
    let app = TestApp::spawn().await;
    brand(&app).await;

    let out = import(&app, "mentions", MENTIONS.as_bytes(), &["--dry-run"]);
    let said = succeeded(&out);
    assert!(
        said.contains("All 3 rows are valid. An import would add 3 mentions."),
        "{said}"
    );
    assert!(mentions(&app).await.is_empty(), "a dry run stores nothing");

    let said = succeeded(&import(&app, "mentions", MENTIONS.as_bytes(), &[]));
    assert!(said.contains("Added 3 mentions from 3 rows."), "{said}");
    let stored = mentions(&app).await;
    assert_eq!(stored.len(), 3);
    let kim = stored.iter().find(|m| m["author"] == "@kim").unwrap();
    assert_eq!(kim["text"], "Acme의 새 기능, 정말 좋아요!");
    assert_eq!(kim["brand"], "Acme");
    assert_eq!(kim["occurred_at"], "2026-03-01T00:30:00Z");
    assert_eq!(kim["sentiment_source"], "computed");
    let lee = stored.iter().find(|m| m["author"] == "이서연").unwrap();
    assert_eq!(lee["text"], "배송이 늦었어요.\n그래도 \"괜찮\"습니다.");
    assert_eq!(lee["sentiment"], "negative");
    assert_eq!(lee["sentiment_source"], "given");
    assert_eq!(
        lee["occurred_at"], "2026-03-01T14:05:00Z",
        "local time, zone UTC"
    );

    // The dry run sees the stored ones; the import skips them. The row without an
    // external id cannot be recognised and is added again.
    let said = succeeded(&import(
        &app,
        "mentions",
        MENTIONS.as_bytes(),
        &["--dry-run"],
    ));
    assert!(
        said.contains("An import would add 1 mention, skip 2 duplicates."),
        "{said}"
    );
    let said = succeeded(&import(&app, "mentions", MENTIONS.as_bytes(), &[]));
    assert!(
        said.contains("Added 1 mention, skipped 2 duplicates from 3 rows."),
        "{said}"
    );
    assert_eq!(mentions(&app).await.len(), 4);

    // Repeats within one file are duplicates too, in the dry run and the import.
    let twice = "brand,channel,author,text,occurred_at,external_id\n\
                 Acme,x,a,one,2026-03-01,r-1\n\
                 Acme,x,a,one again,2026-03-01,r-1\n\
                 Acme,linkedin,a,another channel,2026-03-01,r-1\n";
    let said = succeeded(&import(&app, "mentions", twice.as_bytes(), &["--dry-run"]));
    assert!(
        said.contains("would add 2 mentions, skip 1 duplicate"),
        "{said}"
    );
    let said = succeeded(&import(&app, "mentions", twice.as_bytes(), &[]));
    assert!(
        said.contains("Added 2 mentions, skipped 1 duplicate"),
        "{said}"
    );
}

#[actix_web::test]
async fn a_mentions_file_with_bad_rows_is_refused_whole() {
    let app = TestApp::spawn().await;
    brand(&app).await;
    let mixed = "brand,channel,author,text,occurred_at,author_reach\n\
                 Acme,x,a,fine,2026-03-01,\n\
                 Acme,x,a,\"multi\nline\",yesterday,\n\
                 Globex,x,a,unknown brand,2026-03-01,\n\
                 Acme,x,a,fine,2026-03-01,-5\n\
                 Acme,x,a,an, unquoted comma,2026-03-01,\n\
                 Acme,x,a,fine,2026-03-02,\"1,200\"\n";
    for dry_run in [true, false] {
        let args: &[&str] = if dry_run { &["--dry-run"] } else { &[] };
        let out = import(&app, "mentions", mixed.as_bytes(), args);
        let lines = refused(&out);
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[0].starts_with("line 3, occurred_at: \"yesterday\" is not a time"));
        assert!(lines[1].starts_with("line 5, brand: no brand named \"Globex\""));
        assert!(lines[2].starts_with("line 6, author_reach: must not be negative"));
        assert!(lines[3].starts_with("line 7: has 7 values where the first line names 6"));
        let summary = stderr(&out);
        assert!(
            summary.contains("4 of 6 rows have errors (4 errors in all)"),
            "{summary}"
        );
        assert!(summary.contains(if dry_run {
            "an import would be refused"
        } else {
            "nothing was imported"
        }));
    }
    assert!(mentions(&app).await.is_empty(), "nothing half-imported");
}

#[actix_web::test]
async fn files_that_do_not_fit_are_refused_before_any_row() {
    let app = TestApp::spawn().await;
    brand(&app).await;
    let cases: [(&str, &[u8], &str); 6] = [
        (
            "mentions",
            b"brand,channel,author,text,occurred_at,sentimnet\nAcme,x,a,t,2026-03-01,positive\n",
            "unknown column \"sentimnet\"; the columns of a mentions file are: brand, channel, author, text, occurred_at (required); kind, sentiment",
        ),
        (
            "mentions",
            b"brand,text\nAcme,t\n",
            "missing columns channel, author, occurred_at",
        ),
        (
            "metrics",
            b"likes,comments,reshares\n1,2,3\n",
            "missing column share_id or slug",
        ),
        ("followers", b"", "the file is empty"),
        (
            "support-cases",
            b"channel;opened_at\ntwitter;2026-03-01\n",
            "separate columns with commas",
        ),
        (
            "mentions",
            b"\xff\xfeb\x00r\x00",
            "the file is UTF-16 text; save it as CSV UTF-8",
        ),
    ];
    for (kind, file, message) in cases {
        let out = import(&app, kind, file, &[]);
        assert_eq!(out.status.code(), Some(3), "{kind}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{kind}: {}", stderr(&out));
        assert!(stderr(&out).contains("nothing was imported"));
    }
    // Unknown columns may be skipped on request, with a warning.
    let out = import(
        &app,
        "mentions",
        b"brand,channel,author,text,occurred_at,likes\nAcme,x,a,t,2026-03-01,5\n",
        &["--ignore-unknown-columns"],
    );
    assert!(succeeded(&out).contains("Added 1 mention"));
    assert!(stderr(&out).contains("warning: column \"likes\" is not imported"));
    // A missing file is not a refusal of its content.
    let out = Command::new(binary())
        .args(["import", "mentions", "no-such-file.csv"])
        .current_dir(app.dir.path())
        .env("CHORUS_DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read no-such-file.csv"));
    // A header alone is an empty import, not an error.
    let out = import(
        &app,
        "mentions",
        b"brand,channel,author,text,occurred_at\n\n",
        &[],
    );
    assert!(succeeded(&out).contains("The file has no rows"));
}

/// An employee `kim@example.com` with a share of a content item; returns (employee id,
/// share id, slug).
async fn employee_with_share(app: &TestApp) -> (i64, i64, String) {
    let kim = app.create_employee("kim@example.com", "Kim", None).await;
    let content = app.content_for("https://example.com/post").await;
    let share = app
        .create_share(&kim["id"], &content["id"], "linkedin")
        .await;
    (
        kim["id"].as_i64().unwrap(),
        share["id"].as_i64().unwrap(),
        share["slug"].as_str().unwrap().to_owned(),
    )
}

#[actix_web::test]
async fn metrics_snapshots_name_their_share_by_id_or_slug() {
    let app = TestApp::spawn().await;
    let (_, share, slug) = employee_with_share(&app).await;
    let path = format!("/api/v1/shares/{share}/metrics");

    let mixed = format!(
        "slug,share_id,likes,comments,reshares,impressions,observed_at\n\
         {slug},,10,2,1,900,2026-03-01T10:00:00Z\n\
         ,999999,1,1,1,,2026-03-01\n\
         nope,,1,1,1,,2026-03-01\n\
         {slug},{other},1,1,1,,2026-03-01\n\
         ,{share},-1,x,1,,2999-01-01\n",
        other = share + 1
    );
    let lines = refused(&import(&app, "metrics", mixed.as_bytes(), &[]));
    assert_eq!(
        lines,
        [
            "line 3, share_id: no share 999999".to_owned(),
            "line 4, slug: no share with slug \"nope\"".to_owned(),
            format!("line 5, slug: \"{slug}\" is share {share}, not share {} as share_id says", share + 1),
            "line 6, likes: must not be negative (got -1)".to_owned(),
            "line 6, comments: must be a whole number (got \"x\")".to_owned(),
            "line 6, observed_at: lies in the future; send times that have happened (clocks may differ by 5 minutes at most)".to_owned(),
        ]
    );
    assert!(app.list(&path, "metrics").await.is_empty());

    let good = format!(
        "share_id,slug,likes,comments,reshares,impressions,observed_at\n\
         ,{slug},10,2,1,900,2026-03-01T10:00:00Z\n\
         {share},,\"1,200\",20,10,,2026-03-02 10:00\n\
         {share},{slug},5,0,0,50,2026-02-01\n"
    );
    let said = succeeded(&import(&app, "metrics", good.as_bytes(), &["--dry-run"]));
    assert!(said.contains("would add 3 metrics snapshots"), "{said}");
    assert!(app.list(&path, "metrics").await.is_empty());
    let said = succeeded(&import(&app, "metrics", good.as_bytes(), &[]));
    assert!(
        said.contains("Added 3 metrics snapshots from 3 rows."),
        "{said}"
    );
    let stored = app.list(&path, "metrics").await;
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[0]["likes"], 1200, "newest first");
    assert_eq!(stored[0]["impressions"], Value::Null);
    assert!(stored.iter().all(|m| m["source"] == "import"));
}

#[actix_web::test]
async fn follower_snapshots_name_their_employee_by_id_or_email() {
    let app = TestApp::spawn().await;
    let (kim, _, _) = employee_with_share(&app).await;
    let path = format!("/api/v1/employees/{kim}/followers");
    let mixed = format!(
        "employee_email,employee_id,network,followers,observed_at\n\
         KIM@example.com,,linkedin,1250,2026-03-01\n\
         nobody@example.com,,x,5,2026-03-01\n\
         ,{kim},LinkedIn,5,2026-03-01\n\
         ,,x,5,2026-03-01\n"
    );
    let lines = refused(&import(&app, "followers", mixed.as_bytes(), &[]));
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        lines[0],
        "line 3, employee_email: no employee with employee_email \"nobody@example.com\""
    );
    assert!(lines[1].starts_with("line 4, network: unknown network \"LinkedIn\""));
    assert_eq!(
        lines[2],
        "line 5, employee_id: give employee_id or employee_email"
    );
    assert!(app.list(&path, "followers").await.is_empty());

    let good = format!(
        "employee_id,employee_email,network,followers,observed_at\n\
         ,kim@example.com,linkedin,\"1,250\",2026-03-01\n\
         {kim},,x,830,2026-03-02T09:00:00+09:00\n"
    );
    let said = succeeded(&import(&app, "followers", good.as_bytes(), &[]));
    assert!(said.contains("Added 2 follower snapshots"), "{said}");
    let stored = app.list(&path, "followers").await;
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|f| f["source"] == "import"));
    assert!(stored
        .iter()
        .any(|f| f["network"] == "linkedin" && f["followers"] == 1250));
}

#[actix_web::test]
async fn support_cases_are_created_or_update_the_case_they_name() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/api/v1/support-cases",
            &json!({"channel": "twitter", "opened_at": "2026-03-01T09:00:00Z", "external_id": "zd-1"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let cases = || async { app.list("/api/v1/support-cases", "support_cases").await };

    let mixed = "channel,opened_at,first_response_at,resolved_at,external_id\n\
                 twitter,2026-03-01T09:00:00Z,2026-03-01T08:00:00Z,,zd-2\n\
                 Customer Care,2026-03-01,,,\n\
                 twitter,2026-03-01T09:00:00Z,2026-03-01T09:20:00Z,,zd-1\n";
    let lines = refused(&import(&app, "support-cases", mixed.as_bytes(), &[]));
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[0],
        "line 2, first_response_at: must not be before opened_at"
    );
    assert!(lines[1].starts_with("line 3, channel: must be 1 to 32 characters"));
    assert_eq!(cases().await.len(), 1);

    let good = "channel,opened_at,first_response_at,resolved_at,external_id\n\
                twitter,2026-03-01T09:00:00Z,2026-03-01T09:20:00Z,,zd-1\n\
                facebook_dm,2026-03-02 10:15,,,zd-2\n\
                facebook_dm,2026-03-02 10:15,,2026-03-02 12:00,zd-2\n\
                app-store,2026-03-03,,,\n";
    let said = succeeded(&import(
        &app,
        "support-cases",
        good.as_bytes(),
        &["--dry-run"],
    ));
    assert!(
        said.contains("would add 2 support cases, update 2 cases"),
        "{said}"
    );
    let said = succeeded(&import(&app, "support-cases", good.as_bytes(), &[]));
    assert!(
        said.contains("Added 2 support cases, updated 2 cases from 4 rows."),
        "{said}"
    );
    let stored = cases().await;
    assert_eq!(stored.len(), 3);
    let zd1 = stored.iter().find(|c| c["external_id"] == "zd-1").unwrap();
    assert_eq!(zd1["first_response_seconds"], 1200);
    let zd2 = stored.iter().find(|c| c["external_id"] == "zd-2").unwrap();
    assert_eq!(
        zd2["status"], "resolved",
        "the later row updated the earlier one"
    );

    // Sending the same file again changes nothing.
    let said = succeeded(&import(&app, "support-cases", good.as_bytes(), &[]));
    assert!(said.contains("Added 1 support case"), "{said}");
    assert!(said.contains("left 3 cases unchanged"), "{said}");

    // An update that would put the stored times out of order refuses the file.
    let late = "channel,opened_at,external_id\ntwitter,2026-03-01T10:00:00Z,zd-1\n";
    let lines = refused(&import(&app, "support-cases", late.as_bytes(), &[]));
    assert_eq!(
        lines,
        ["line 2, first_response_at: must not be before opened_at once merged with the case stored under external_id \"zd-1\""]
    );
}

// ---------------------------------------------------------------------------------------
// The admin page
// ---------------------------------------------------------------------------------------

async fn admin(app: &TestApp) -> reqwest::Client {
    app.create_user("boss@example.com", "admin", PASSWORD);
    app.login("boss@example.com", PASSWORD).await
}

fn upload_form(csrf: &str, kind: &str, action: &str, file: &[u8]) -> Form {
    Form::new()
        .text("csrf", csrf.to_owned())
        .text("kind", kind.to_owned())
        .part(
            "file",
            Part::bytes(file.to_vec())
                .file_name("upload.csv")
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
async fn admins_check_and_import_files_on_the_page() {
    let app = TestApp::spawn().await;
    brand(&app).await;
    let browser = admin(&app).await;
    let html = page(&browser, app.url("/admin/import")).await;
    assert!(
        html.contains("href=\"/admin/import\" aria-current=\"page\""),
        "nav entry"
    );
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(
        html.contains("<code>occurred_at</code>") && html.contains("<code>employee_email</code>")
    );
    let csrf = hidden_field(&html, "csrf");

    // Every kind's example file downloads and passes a check.
    for kind in ["mentions", "metrics", "followers", "support-cases"] {
        let res = browser
            .get(app.url(&format!("/admin/import/{kind}.csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("chorus-{kind}-example.csv")));
        let example = res.bytes().await.unwrap();
        if kind == "mentions" {
            let (status, html) =
                upload(&browser, &app, upload_form(&csrf, kind, "check", &example)).await;
            assert_eq!(status, StatusCode::OK, "{html}");
            assert!(html.contains("All 3 rows are valid"), "{html}");
        }
    }

    let (status, html) = upload(
        &browser,
        &app,
        upload_form(&csrf, "mentions", "check", MENTIONS.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("The file can be imported"));
    assert!(html.contains("An import would add 3 mentions."));
    assert!(mentions(&app).await.is_empty(), "a check stores nothing");

    let (status, html) = upload(
        &browser,
        &app,
        upload_form(&csrf, "mentions", "import", MENTIONS.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Added 3 mentions from 3 rows."), "{html}");
    assert_eq!(mentions(&app).await.len(), 3);

    let mixed = "brand,channel,author,text,occurred_at\n\
                 Acme,x,a,fine,2026-03-01\n\
                 Acme,x,a,<b>bad</b>,soon\n";
    let (status, html) = upload(
        &browser,
        &app,
        upload_form(&csrf, "mentions", "import", mixed.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Nothing was imported"));
    assert!(html.contains("id=\"import-errors\""));
    assert!(
        html.contains("<td class=\"num\" data-label=\"Line\">3</td>"),
        "{html}"
    );
    assert!(html.contains("<code>occurred_at</code>"));
    assert_eq!(mentions(&app).await.len(), 3, "nothing of the mixed file");

    let (status, html) = upload(
        &browser,
        &app,
        upload_form(&csrf, "mentions", "import", b"brand,text\nAcme,t\n"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"import-file-error\""));
    assert!(html.contains("missing columns channel, author, occurred_at"));

    let (status, html) = upload(
        &browser,
        &app,
        upload_form(&csrf, "mentions", "import", b""),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Choose a CSV file."));
}

#[actix_web::test]
async fn uploads_need_the_token_and_respect_the_size_limit() {
    let app = TestApp::spawn_with(RawSettings {
        import_max_mb: Some(1),
        ..RawSettings::default()
    })
    .await;
    brand(&app).await;
    let browser = admin(&app).await;
    let csrf = hidden_field(&page(&browser, app.url("/admin/import")).await, "csrf");

    let (status, _) = upload(
        &browser,
        &app,
        upload_form("wrong", "mentions", "import", MENTIONS.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a wrong token");
    let without_token = Form::new()
        .text("kind", "mentions")
        .part(
            "file",
            Part::bytes(MENTIONS.as_bytes().to_vec()).file_name("m.csv"),
        )
        .text("action", "import");
    let (status, _) = upload(&browser, &app, without_token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no token");
    assert!(mentions(&app).await.is_empty());

    // The token may come as a header instead (scripts).
    let form = Form::new()
        .text("kind", "mentions")
        .part(
            "file",
            Part::bytes(MENTIONS.as_bytes().to_vec()).file_name("m.csv"),
        )
        .text("action", "import");
    let res = browser
        .post(app.url("/admin/import"))
        .header("X-CSRF-Token", &csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(mentions(&app).await.len(), 3);

    // Over the limit: refused with a message, whether announced or found while streaming.
    let mut big = b"brand,channel,author,text,occurred_at\n".to_vec();
    while big.len() < 1024 * 1024 + 100 {
        big.extend_from_slice(b"Acme,x,a,some text,2026-03-01\n");
    }
    let (status, html) = upload(
        &browser,
        &app,
        upload_form(&csrf, "mentions", "import", &big),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(html.contains("larger than 1 MiB"), "{html}");
    let stream = futures_util::stream::iter(
        big.chunks(64 * 1024)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("kind", "mentions")
        .part(
            "file",
            Part::stream(reqwest::Body::wrap_stream(stream)).file_name("big.csv"),
        )
        .text("action", "import");
    let (status, html) = upload(&browser, &app, form).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(html.contains("larger than 1 MiB"));
    assert_eq!(mentions(&app).await.len(), 3);

    // Employees do not import.
    app.create_user("emp@example.com", "employee", PASSWORD);
    let employee = app.login("emp@example.com", PASSWORD).await;
    let res = employee.get(app.url("/admin/import")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// On a Korean page, the notes about skipped columns and the rarer row errors (a row
/// whose two references name different employees) read in Korean too.
#[actix_web::test]
async fn korean_import_pages_translate_warnings_and_reference_mismatches() {
    let app = TestApp::spawn().await;
    let (kim, _, _) = employee_with_share(&app).await;
    let other = app.create_employee("lee@example.com", "Lee", None).await["id"]
        .as_i64()
        .unwrap();
    let browser = admin(&app).await;
    let korean = |req: reqwest::RequestBuilder| req.header("accept-language", "ko");
    let html = korean(browser.get(app.url("/admin/import")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden_field(&html, "csrf");
    let file = format!(
        "employee_id,employee_email,network,followers,observed_at,notes\n\
         {other},kim@example.com,linkedin,10,2026-03-01,x\n"
    );
    let form =
        upload_form(&csrf, "followers", "check", file.as_bytes()).text("ignore_unknown", "on");
    let res = korean(browser.post(app.url("/admin/import")).multipart(form))
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(
        html.contains("&#34;notes&#34; 열은 가져오지 않습니다."),
        "the skipped column, in Korean: {html}"
    );
    assert!(
        html.contains(&format!(
            "은(는) 직원 {kim}이며, employee_id에 적힌 직원 {other}가 아닙니다."
        )),
        "the mismatch, in Korean: {html}"
    );
    assert!(!html.contains("is not imported") && !html.contains(" as employee_id says"));
}
