//! An upgrade keeps the clicks the previous release left in the journal and the spool, and
//! a line that cannot be replayed stops the start instead of being skipped.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chorus::config::{RawSettings, Settings};
use chorus::startup::{Application, StartError};

use crate::common::{binary, fresh_database_url, TestApp};

/// A journal line as the releases before versioned records wrote it: the serde form of
/// `NewClick` (produced by that code), for share 7.
const PREVIOUS_JOURNAL_LINE: &str = r#"{"click_id":"from-the-journal","share_id":7,"occurred_at":"2023-11-14T22:13:20","day":"2023-11-14","visitor":"v","kind":"human","flag_reason":null,"country":"KR","region":null,"city":"서울","referrer_host":null,"browser":null,"os":null,"device":null}"#;

/// A spool line of those releases: one batch of one click, for share 7.
const PREVIOUS_SPOOL_LINE: &str = r#"{"clicks":[{"click_id":"from-the-spool","share_id":7,"occurred_at":"2023-11-14T22:13:21.250","day":"2023-11-14","visitor":"w","kind":"flagged","flag_reason":"repeat","country":"KR","region":"11","city":"서울","referrer_host":"www.linkedin.com","browser":"Firefox","os":"Linux","device":"desktop"}],"demote":[]}"#;

fn for_share(line: &str, share_id: i64) -> String {
    line.replace(r#""share_id":7"#, &format!(r#""share_id":{share_id}"#))
}

fn settings(database_url: &str, spool_dir: &Path) -> Settings {
    Settings::validate(RawSettings {
        bind: Some("127.0.0.1:0".into()),
        database_url: Some(database_url.to_string()),
        spool_dir: Some(spool_dir.display().to_string()),
        pool_size: Some(2),
        ..RawSettings::default()
    })
    .expect("settings are valid")
}

#[actix_web::test]
async fn clicks_the_previous_release_left_in_the_journal_and_the_spool_are_stored_after_the_upgrade(
) {
    let app = TestApp::spawn().await;
    let share_id = app.share_by_new_employee("upgrade", "linkedin").await["id"]
        .as_i64()
        .unwrap();
    // The directory the previous release stopped on; the new release starts on it (next to
    // the test server, which keeps a directory of its own).
    let left = app.dir.path().join("left-by-the-previous-release");
    std::fs::create_dir_all(&left).unwrap();
    let segment = left.join("clicks-00000001.journal");
    std::fs::write(
        &segment,
        format!("{}\n", for_share(PREVIOUS_JOURNAL_LINE, share_id)),
    )
    .unwrap();
    let spool = left.join("clicks.spool");
    std::fs::write(
        &spool,
        format!("{}\n", for_share(PREVIOUS_SPOOL_LINE, share_id)),
    )
    .unwrap();

    let upgraded = Application::build(settings(&app.database_url, &left))
        .unwrap_or_else(|err| panic!("the new release starts: {err}"));
    assert_eq!(upgraded.writer_stats().replayed.load(Ordering::Relaxed), 2);
    let handle = upgraded.handle();
    let running = actix_web::rt::spawn(upgraded.run_until_stopped());
    handle.stop(true).await;
    running.await.unwrap().unwrap();

    let mut stored: Vec<(String, String)> = app
        .clicks_of(share_id)
        .await
        .into_iter()
        .map(|c| (c.click_id, c.kind))
        .collect();
    stored.sort();
    assert_eq!(
        stored,
        [
            ("from-the-journal".to_string(), "human".to_string()),
            ("from-the-spool".to_string(), "flagged".to_string()),
        ]
    );
    assert!(!segment.exists(), "the replayed segment is deleted");
    assert_eq!(
        std::fs::metadata(&spool).unwrap().len(),
        0,
        "the spool is emptied"
    );
}

#[actix_web::test]
async fn chorus_serve_refuses_to_start_on_a_corrupt_journal_line_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path());
    let spool = dir.path().join("spool");
    std::fs::create_dir_all(&spool).unwrap();
    let segment = spool.join("clicks-00000001.journal");
    // A mangled line with a good one after it: not a write cut off by a crash.
    std::fs::write(
        &segment,
        format!("{PREVIOUS_JOURNAL_LINE}\n{{\"click_id\":\"x\",\"sha\n{PREVIOUS_JOURNAL_LINE}\n"),
    )
    .unwrap();
    let stderr = dir.path().join("stderr.txt");
    let mut child = Command::new(binary())
        .arg("serve")
        .current_dir(dir.path())
        .env("CHORUS_BIND", "127.0.0.1:0")
        .env("CHORUS_DATABASE_URL", &database_url)
        .env("CHORUS_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("start chorus");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chorus serve started on a corrupt journal segment");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let message = std::fs::read_to_string(&stderr).unwrap();
    assert!(!status.success(), "{message}");
    assert!(message.contains("clicks-00000001.journal"), "{message}");
    assert!(message.contains("line 2"), "{message}");
    assert!(segment.exists(), "the segment is left for the operator");
}

#[actix_web::test]
async fn a_spool_written_by_a_newer_release_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path());
    let spool_dir = dir.path().join("spool");
    std::fs::create_dir_all(&spool_dir).unwrap();
    let newer = PREVIOUS_SPOOL_LINE.replacen('{', r#"{"v":2,"#, 1);
    std::fs::write(spool_dir.join("clicks.spool"), format!("{newer}\n")).unwrap();
    let err = match Application::build(settings(&database_url, &spool_dir)) {
        Ok(_) => panic!("started on a spool it cannot read"),
        Err(err) => err,
    };
    assert!(matches!(err, StartError::Spool(_)), "{err}");
    let message = err.to_string();
    assert!(message.contains("CHORUS_SPOOL_DIR"), "{message}");
    assert!(message.contains("clicks.spool"), "{message}");
    assert!(message.contains("version 2"), "{message}");
}

#[actix_web::test]
async fn a_start_in_database_mode_stores_what_a_journal_mode_run_left() {
    let app = TestApp::spawn().await;
    let share_id = app.share_by_new_employee("modes", "linkedin").await["id"]
        .as_i64()
        .unwrap();
    let left = app.dir.path().join("left-by-a-journal-mode-run");
    std::fs::create_dir_all(&left).unwrap();
    std::fs::write(
        left.join("clicks-00000001.journal"),
        format!("{}\n", for_share(PREVIOUS_JOURNAL_LINE, share_id)),
    )
    .unwrap();
    let mut settings = settings(&app.database_url, &left);
    settings.click_durability = chorus::config::ClickDurability::Database;
    let restarted =
        Application::build(settings).unwrap_or_else(|err| panic!("starts in database mode: {err}"));
    assert_eq!(restarted.writer_stats().replayed.load(Ordering::Relaxed), 1);
    let handle = restarted.handle();
    let running = actix_web::rt::spawn(restarted.run_until_stopped());
    handle.stop(true).await;
    running.await.unwrap().unwrap();

    let stored: Vec<String> = app
        .clicks_of(share_id)
        .await
        .into_iter()
        .map(|c| c.click_id)
        .collect();
    assert_eq!(stored, ["from-the-journal"]);
    let journals = std::fs::read_dir(&left)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".journal"))
        .count();
    assert_eq!(
        journals, 0,
        "replayed segments are deleted, no new one is left"
    );
}
