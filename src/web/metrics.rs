//! `GET /metrics`: Prometheus text exposition of the click pipeline and the pool.

use std::sync::atomic::Ordering;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

use super::AppState;

pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let mut registry = Registry::with_prefix("chorus");
    let stats = &state.writer_stats;
    let counters = [
        (
            "clicks_committed",
            "Clicks committed to the database by the writer",
            &stats.committed,
        ),
        (
            "clicks_spooled",
            "Clicks written to the spool because the database could not commit",
            &stats.spooled,
        ),
        (
            "clicks_replayed",
            "Spooled clicks later committed",
            &stats.replayed,
        ),
        (
            "clicks_failed",
            "Clicks neither committed nor spooled (their redirects failed)",
            &stats.failed,
        ),
        (
            "click_batches",
            "Batches committed by the writer",
            &stats.batches,
        ),
    ];
    for (name, help, value) in counters {
        registry.register(name, help, ConstCounter::new(value.load(Ordering::Relaxed)));
    }
    registry.register(
        "clicks_pending",
        "Clicks answered but not yet committed or spooled (queued or being written)",
        ConstGauge::new(i64::try_from(stats.pending.load(Ordering::Relaxed)).unwrap_or(i64::MAX)),
    );
    let lag = stats
        .oldest_uncommitted(chrono::Utc::now().timestamp_millis())
        .map_or(0.0, |age| age.as_secs_f64());
    registry.register(
        "clicks_oldest_uncommitted_seconds",
        "Age of the oldest answered click not yet in the database (0 when there is none)",
        ConstGauge::new(lag),
    );
    let pool = state.db.pool_state();
    registry.register(
        "db_connections",
        "Open database connections",
        ConstGauge::new(i64::from(pool.connections)),
    );
    registry.register(
        "db_connections_idle",
        "Idle database connections",
        ConstGauge::new(i64::from(pool.idle_connections)),
    );
    registry.register(
        "cached_links",
        "Short links held in memory",
        ConstGauge::new(state.links.len() as i64),
    );
    let mut body = String::new();
    if encode(&mut body, &registry).is_err() {
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}
