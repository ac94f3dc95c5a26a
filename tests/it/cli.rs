//! The `chorus` binary's commands, run as a user would run them.

use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::StatusCode;

use crate::common::{binary, fresh_database_url, TestApp};

fn chorus(
    database_url: &str,
    dir: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
) -> std::process::Output {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("CHORUS_DATABASE_URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run chorus");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("chorus finishes")
}

#[actix_web::test]
async fn apikey_create_prints_a_working_key_on_the_last_line() {
    let app = TestApp::spawn().await;
    let out = chorus(
        &app.database_url,
        app.dir.path(),
        &["apikey", "create", "--name", "website"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let key = stdout.trim_end().lines().last().unwrap();
    assert!(key.starts_with("chr_sk_") && !key.contains(' '), "{stdout}");
    let res = app
        .client
        .get(app.url("/api/v1/employees"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let out = chorus(&app.database_url, app.dir.path(), &["apikey", "list"], None);
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.contains("website") && !listing.contains(key),
        "secrets are never listed: {listing}"
    );
    let id = listing
        .lines()
        .find(|l| l.contains("website"))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    let out = chorus(
        &app.database_url,
        app.dir.path(),
        &["apikey", "revoke", &id],
        None,
    );
    assert!(out.status.success());
    let res = app
        .client
        .get(app.url("/api/v1/employees"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "revoked");
    let out = chorus(
        &app.database_url,
        app.dir.path(),
        &["apikey", "revoke", &id],
        None,
    );
    assert!(!out.status.success());
}

#[actix_web::test]
async fn admin_create_reads_the_password_from_stdin_and_can_sign_in() {
    let app = TestApp::spawn().await;
    let out = chorus(
        &app.database_url,
        app.dir.path(),
        &[
            "admin",
            "create",
            "--email",
            "root@example.com",
            "--name",
            "Root",
            "--password-stdin",
        ],
        Some("a long enough secret\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let browser = app.login("root@example.com", "a long enough secret").await;
    assert_eq!(
        browser
            .get(app.url("/admin"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let again = chorus(
        &app.database_url,
        app.dir.path(),
        &[
            "admin",
            "create",
            "--email",
            "root@example.com",
            "--name",
            "Root",
            "--password-stdin",
        ],
        Some("a long enough secret\n"),
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let short = chorus(
        &app.database_url,
        app.dir.path(),
        &[
            "admin",
            "create",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10"));
}

#[test]
fn bad_settings_stop_the_program_with_one_line_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(dir.path());
    for (var, value, expected) in [
        ("CHORUS_TIMEZONE", "Mars/Olympus", "CHORUS_TIMEZONE"),
        ("CHORUS_DATABASE_URL", "mysql://nope", "CHORUS_DATABASE_URL"),
        ("CHORUS_GEOIP_PATH", "/missing.mmdb", "CHORUS_GEOIP_PATH"),
        ("CHORUS_BIND", "not an address", "CHORUS_BIND"),
    ] {
        let out = Command::new(binary())
            .arg("migrate")
            .current_dir(dir.path())
            .env("CHORUS_DATABASE_URL", &url)
            .env(var, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[test]
fn migrate_prepares_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(dir.path());
    let out = Command::new(binary())
        .arg("migrate")
        .current_dir(dir.path())
        .env("CHORUS_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
}
