//! The click writer's database work alone: `store::clicks::insert_batch` on a fresh SQLite
//! file (or the PostgreSQL database in `DATABASE_URL`), the way the writer thread calls it.
//! No HTTP, no journal: rows per second the store can take, for BENCHMARKS.md.
//!
//!     cargo run --release --example click_writer -- [CLICKS] [BATCH] [SHARES]
//!
//! Defaults: 300 000 clicks in batches of 1 000 over 10 000 shares, every click a new human
//! visitor (the benchmark's worst case: one unique-visitor row per click). The rollups above
//! `click_rollups` are held and written once a second, as the writer does on SQLite;
//! `HOLD_SECS=0` writes them with every batch (PostgreSQL, or before they were held).

use std::time::Instant;

use chorus::config::{RawSettings, Settings};
use chorus::store::clicks::{
    insert_batch_holding, write_held, ClickKind, Delivery, HeldRollups, NewClick, Visitors,
};
use diesel::connection::SimpleConnection;

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().expect("a number"));
    let clicks = args.next().unwrap_or(300_000);
    let batch = args.next().unwrap_or(1_000);
    let shares = args.next().unwrap_or(10_000) as i64;
    // Seconds the rollups above `click_rollups` are held (0: written with every batch).
    let hold_secs = std::env::var("HOLD_SECS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(1.0);

    let dir = tempfile::tempdir().expect("temp dir");
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let settings = Settings::validate(RawSettings {
        database_url: Some(url.clone()),
        ..Default::default()
    })
    .expect("settings");
    let db = chorus::startup::open_database(&settings).expect("database");
    db.run_sync(|conn| {
        conn.batch_execute(
            "INSERT INTO employees (id, email, name, role, active, leaderboard_opt_in, created_at)
               VALUES (1, 'bench@example.com', 'Bench', 'employee', true, true, '2026-01-01 00:00:00');
             INSERT INTO content (id, title, url, origin, click_param, created_at)
               VALUES (1, 't', 'https://example.com/', 'curated', true, '2026-01-01 00:00:00');",
        )?;
        let mut sql = String::new();
        // Spread over the networks as shares are: the per-network rollups get a handful of
        // keys a day, not one per share.
        // One share per (employee, content, network): a content item per six shares.
        let networks = ["linkedin", "x", "facebook", "instagram", "threads", "bluesky"];
        for id in 1..=shares {
            let network = networks[id as usize % networks.len()];
            let content = 1 + (id - 1) / networks.len() as i64;
            if content > 1 && (id - 1) % networks.len() as i64 == 0 {
                sql.push_str(&format!(
                    "INSERT INTO content (id, title, url, origin, click_param, created_at)
                       VALUES ({content}, 't', 'https://example.com/{content}', 'curated', true, '2026-01-01 00:00:00');"
                ));
            }
            sql.push_str(&format!(
                "INSERT INTO shares (id, employee_id, content_id, network, slug, token, destination, created_at)
                   VALUES ({id}, 1, {content}, '{network}', 's{id}', 't{id}', 'https://example.com/', '2026-01-01 00:00:00');"
            ));
        }
        conn.batch_execute(&format!("BEGIN; {sql} COMMIT;"))?;
        Ok(())
    })
    .expect("seed");

    let connector =
        chorus::db::Connector::new(settings.database_url.clone(), settings.sqlite_synchronous);
    let mut conn = connector.connect_for_writer().expect("writer connection");
    let mut visitors = Visitors::for_connection(&conn);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let mut written = 0;
    let mut n = 0u64;
    let mut held = HeldRollups::default();
    let mut held_since = Instant::now();
    while written < clicks {
        let rows: Vec<NewClick> = (0..batch.min(clicks - written))
            .map(|_| {
                n += 1;
                let at =
                    day.and_hms_opt(12, 0, 0).unwrap() + chrono::TimeDelta::milliseconds(n as i64);
                NewClick {
                    click_id: format!("{n:016}"),
                    share_id: 1 + (n.wrapping_mul(2_654_435_761) % shares as u64) as i64,
                    occurred_at: at,
                    day,
                    visitor: format!("{:032x}", n.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                    kind: ClickKind::Human,
                    flag_reason: None,
                    country: Some("KR".into()),
                    region: None,
                    city: None,
                    referrer_host: Some("linkedin.com".into()),
                    browser: Some("Chrome".into()),
                    os: Some("Windows".into()),
                    device: Some("desktop".into()),
                }
            })
            .collect();
        // As the writer does: the rollups above `click_rollups` are written once a second
        // (or at 50 000 rows held), not with every batch.
        let due = held.rows() >= 50_000 || held_since.elapsed().as_secs_f64() >= hold_secs;
        insert_batch_holding(
            &mut conn,
            &mut visitors,
            &mut held,
            &rows,
            &[],
            Delivery::First,
            due,
        )
        .expect("batch");
        if due {
            held_since = Instant::now();
        }
        written += rows.len();
    }
    write_held(&mut conn, &mut held).expect("held rollups");
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_start;
    println!(
        "{written} clicks in batches of {batch} over {shares} shares: {secs:.2} s = {:.0} rows/s \
         ({:.1} µs per click; CPU {:.1} µs per click, so {:.0} rows/s on an idle core)",
        written as f64 / secs,
        secs * 1e6 / written as f64,
        cpu * 1e6 / written as f64,
        written as f64 / cpu
    );
}

/// CPU time (user + system) this process has used, from /proc (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the file, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}
