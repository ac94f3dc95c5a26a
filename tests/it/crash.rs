//! The promise behind every report: a redirect a visitor saw answered is a stored click,
//! even when the server is killed (SIGKILL) under load.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{binary, fresh_database_url};

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `chorus serve` on a port of its own choosing and waits for its "listening" line;
/// keeps reading its output so the child never blocks on a full pipe.
async fn start(dir: &std::path::Path, database_url: &str, durability: &str) -> Server {
    let mut child = Command::new(binary())
        .arg("serve")
        .current_dir(dir)
        .env("CHORUS_BIND", "127.0.0.1:0")
        .env("CHORUS_CLICK_DURABILITY", durability)
        .env("CHORUS_DATABASE_URL", database_url)
        .env("CHORUS_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chorus");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(rest) = line.strip_prefix("Chorus is listening on ") {
                let _ = tx.send(
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
        }
    });
    let address = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("chorus did not start");
    let server = Server { child, address };
    let client = reqwest::Client::new();
    let health = client
        .get(format!("{}/healthz", server.address))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), StatusCode::OK);
    server
}

/// How the server is stopped mid-load.
#[derive(Clone, Copy)]
enum Stop {
    Kill,
    Terminate,
}

/// The default: a redirect is answered once its click is in the journal; the restart
/// replays what the database had not received yet.
#[actix_web::test]
async fn every_answered_redirect_survives_kill_9() {
    load_then_stop(Stop::Kill, "journal").await;
}

/// Every redirect waits for its database commit.
#[actix_web::test]
async fn every_answered_redirect_survives_kill_9_when_answers_wait_for_the_database() {
    load_then_stop(Stop::Kill, "database").await;
}

#[actix_web::test]
async fn sigterm_drains_the_queue_and_exits_cleanly() {
    load_then_stop(Stop::Terminate, "journal").await;
}

fn journal_segments(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("spool"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".journal"))
                .count()
        })
        .unwrap_or(0)
}

async fn load_then_stop(stop: Stop, durability: &str) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path());
    let mut server = start(dir.path(), &database_url, durability).await;

    let out = Command::new(binary())
        .args(["apikey", "create", "--name", "crash"])
        .current_dir(dir.path())
        .env("CHORUS_DATABASE_URL", &database_url)
        .output()
        .unwrap();
    let key = String::from_utf8(out.stdout)
        .unwrap()
        .trim_end()
        .lines()
        .last()
        .unwrap()
        .to_string();
    let api = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        api.post(format!("{}{path}", server.address))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let employee: Value = post(
        "/api/v1/employees",
        json!({"email": "load@example.com", "name": "Load"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let mut slugs = Vec::new();
    for i in 0..20 {
        let content: Value = post(
            "/api/v1/content",
            json!({"title": format!("post {i}"), "url": format!("https://example.com/{i}")}),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        let share: Value = post("/api/v1/shares", json!({"employee_id": employee["id"], "content_id": content["id"], "network": "linkedin"}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        slugs.push(share["slug"].as_str().unwrap().to_string());
    }

    // Sixteen clients click as fast as they can; each answered redirect's click id is kept.
    let answered = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop_at = Instant::now() + Duration::from_millis(2500);
    let mut tasks = Vec::new();
    for worker in 0..16 {
        let (answered, slugs, address) = (answered.clone(), slugs.clone(), server.address.clone());
        tasks.push(actix_web::rt::spawn(async move {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let mut i = worker;
            while Instant::now() < stop_at {
                i += 7;
                let slug = &slugs[i % slugs.len()];
                let Ok(res) = client
                    .get(format!("{address}/{slug}"))
                    .header("User-Agent", browser(worker, i))
                    .send()
                    .await
                else {
                    continue;
                };
                if res.status() == StatusCode::FOUND {
                    let location = res.headers()["location"].to_str().unwrap().to_string();
                    let id = url::Url::parse(&location)
                        .unwrap()
                        .query_pairs()
                        .find(|(k, _)| k == "chorus_click")
                        .unwrap()
                        .1
                        .into_owned();
                    answered.lock().unwrap().push(id);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    match stop {
        Stop::Kill => {
            server.child.kill().expect("SIGKILL"); // kill -9, mid-load
            server.child.wait().unwrap();
        }
        Stop::Terminate => {
            let pid = server.child.id().to_string();
            assert!(Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success());
            let status = server.child.wait().unwrap();
            assert!(status.success(), "a graceful stop exits 0, got {status}");
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    assert!(
        answered.len() >= 50,
        "the load reached the server ({} answers)",
        answered.len()
    );

    // After a graceful stop everything is already in the database; after kill -9 the
    // restart may first replay what the spool holds.
    let restarted = match stop {
        Stop::Kill => {
            let restarted = start(dir.path(), &database_url, durability).await;
            // Replayed segments are deleted; only the new process's own one is left.
            assert!(
                journal_segments(dir.path()) <= 1,
                "replayed segments are deleted"
            );
            Some(restarted)
        }
        Stop::Terminate => {
            assert_eq!(
                journal_segments(dir.path()),
                0,
                "a drained journal is deleted"
            );
            let spool = dir.path().join("spool").join("clicks.spool");
            assert_eq!(
                std::fs::metadata(&spool).map(|m| m.len()).unwrap_or(0),
                0,
                "nothing left in the spool"
            );
            None
        }
    };
    let settings = chorus::config::Settings::validate(chorus::config::RawSettings {
        database_url: Some(database_url.clone()),
        ..Default::default()
    })
    .unwrap();
    let db = chorus::startup::open_database(&settings).unwrap();
    let stored = db
        .run_sync(|conn| chorus::store::clicks::count_existing(conn, &answered))
        .unwrap();
    assert_eq!(
        stored as usize,
        answered.len(),
        "every answered redirect is a stored click"
    );
    drop(restarted);
    // What a writer held when it was killed is rebuilt by the next start; the restarted
    // server may itself have been killed holding its replays.
    db.run_sync(chorus::store::clicks::rebuild_marked_days)
        .unwrap();
    rollups_match_clicks(&db);
    rollups_above_match(&db);
}

/// The rollups above `click_rollups` say what it and the stored clicks say: human clicks
/// and unique visitors per day and network, per share and month, and human clicks per
/// country of the click per share and day.
fn rollups_above_match(db: &chorus::db::Db) {
    use chorus::db::schema::{
        click_breakdowns, click_days, click_rollups, click_share_months, clicks, shares,
    };
    use chrono::{Datelike, NaiveDate};
    use diesel::prelude::*;
    use std::collections::BTreeMap;

    type Loaded = (
        Vec<(i64, NaiveDate, i64, i64)>,
        BTreeMap<i64, String>,
        Vec<(i64, NaiveDate, Option<String>)>,
        Vec<(NaiveDate, String, i64, i64)>,
        Vec<(NaiveDate, i64, i64, i64)>,
        Vec<(NaiveDate, i64, String, i64)>,
    );
    let (rollups, networks, humans, days, months, countries): Loaded = db
        .run_sync(|conn| {
            Ok((
                click_rollups::table
                    .select((
                        click_rollups::share_id,
                        click_rollups::day,
                        click_rollups::human,
                        click_rollups::unique_visitors,
                    ))
                    .load(conn)?,
                shares::table
                    .select((shares::id, shares::network))
                    .load::<(i64, String)>(conn)?
                    .into_iter()
                    .collect(),
                clicks::table
                    .filter(clicks::kind.eq("human"))
                    .select((clicks::share_id, clicks::day, clicks::country))
                    .load(conn)?,
                click_days::table
                    .select((
                        click_days::day,
                        click_days::network,
                        click_days::human,
                        click_days::unique_visitors,
                    ))
                    .load(conn)?,
                click_share_months::table
                    .select((
                        click_share_months::month,
                        click_share_months::share_id,
                        click_share_months::human,
                        click_share_months::unique_visitors,
                    ))
                    .load(conn)?,
                click_breakdowns::table
                    .filter(click_breakdowns::dimension.eq(1))
                    .select((
                        click_breakdowns::day,
                        click_breakdowns::share_id,
                        click_breakdowns::value,
                        click_breakdowns::human,
                    ))
                    .load(conn)?,
            ))
        })
        .unwrap();
    fn nonzero<K: Ord>(m: BTreeMap<K, (i64, i64)>) -> BTreeMap<K, (i64, i64)> {
        m.into_iter().filter(|(_, v)| *v != (0, 0)).collect()
    }
    let mut per_day = BTreeMap::new();
    let mut per_month = BTreeMap::new();
    for (share_id, day, human, unique) in &rollups {
        let network = networks[share_id].clone();
        let e: &mut (i64, i64) = per_day.entry((*day, network)).or_default();
        *e = (e.0 + human, e.1 + unique);
        let month = day.with_day(1).unwrap();
        let e: &mut (i64, i64) = per_month.entry((month, *share_id)).or_default();
        *e = (e.0 + human, e.1 + unique);
    }
    let stored_days = days
        .into_iter()
        .map(|(d, n, h, u)| ((d, n), (h, u)))
        .collect();
    assert_eq!(nonzero(stored_days), nonzero(per_day), "click_days");
    let stored_months = months
        .into_iter()
        .map(|(m, s, h, u)| ((m, s), (h, u)))
        .collect();
    assert_eq!(
        nonzero(stored_months),
        nonzero(per_month),
        "click_share_months"
    );
    let mut per_country: BTreeMap<(NaiveDate, i64, String), i64> = BTreeMap::new();
    for (share_id, day, country) in humans {
        *per_country
            .entry((day, share_id, country.unwrap_or_default()))
            .or_default() += 1;
    }
    let stored: BTreeMap<(NaiveDate, i64, String), i64> = countries
        .into_iter()
        .map(|(d, s, v, h)| ((d, s, v), h))
        .filter(|(_, h)| *h != 0)
        .collect();
    assert!(!stored.is_empty(), "the load had human clicks");
    assert_eq!(stored, per_country, "click_breakdowns by country");
}

/// A browser user agent, so that clicks are human. Half of the clients play visitors who
/// keep to one link (their first click counts, repeats are flagged); the other half play
/// visitors who open many links at once (scanner bursts: flagged, earlier clicks demoted).
fn browser(worker: usize, i: usize) -> String {
    // 500 is a multiple of the 20 links, so a visitor of the first kind meets one link only.
    let visitor = if worker < 8 { i % 500 } else { 1000 + i % 499 };
    format!("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.{visitor}.0 Safari/537.36")
}

/// The daily rollups say what the stored clicks say: human, unique, flagged, bot and preview
/// counts per share and day — after replays, burst demotions and a rebuilt visitor book.
fn rollups_match_clicks(db: &chorus::db::Db) {
    use chorus::db::schema::{click_rollups, clicks};
    use chrono::NaiveDate;
    use diesel::prelude::*;
    use std::collections::{BTreeMap, HashSet};

    type Counts = (i64, i64, i64, i64, i64);
    let (rows, rollups) = db
        .run_sync(|conn| {
            let rows: Vec<(i64, NaiveDate, String, String)> = clicks::table
                .select((clicks::share_id, clicks::day, clicks::visitor, clicks::kind))
                .load(conn)?;
            let rollups: Vec<(i64, NaiveDate, i64, i64, i64, i64, i64)> = click_rollups::table
                .select((
                    click_rollups::share_id,
                    click_rollups::day,
                    click_rollups::human,
                    click_rollups::unique_visitors,
                    click_rollups::flagged,
                    click_rollups::bot,
                    click_rollups::preview,
                ))
                .load(conn)?;
            Ok((rows, rollups))
        })
        .unwrap();
    let mut expected: BTreeMap<(i64, NaiveDate), Counts> = BTreeMap::new();
    let mut seen: HashSet<(i64, NaiveDate, String)> = HashSet::new();
    for (share_id, day, visitor, kind) in rows {
        let e = expected.entry((share_id, day)).or_default();
        match kind.as_str() {
            "human" => {
                e.0 += 1;
                if seen.insert((share_id, day, visitor)) {
                    e.1 += 1;
                }
            }
            "flagged" => e.2 += 1,
            "bot" => e.3 += 1,
            "preview" => e.4 += 1,
            other => panic!("unknown kind {other}"),
        }
    }
    let actual: BTreeMap<(i64, NaiveDate), Counts> = rollups
        .into_iter()
        .map(|(s, d, h, u, f, b, p)| ((s, d), (h, u, f, b, p)))
        .filter(|(_, c)| *c != (0, 0, 0, 0, 0))
        .collect();
    let (human, flagged) = expected
        .values()
        .fold((0, 0), |(h, f), c| (h + c.0, f + c.2));
    assert!(
        human > 0 && flagged > 0,
        "the load had human and flagged clicks: {expected:?}"
    );
    assert_eq!(
        actual, expected,
        "rollups (human, unique, flagged, bot, preview)"
    );
}
