//! `/healthz`: 200 once the server accepts requests and its database answers; `degraded`
//! (still 200, so a load balancer keeps sending redirects, which are answered from the
//! journal) when the click writer has fallen behind by more than `CHORUS_CLICK_LAG_SECONDS`,
//! or while it restarts after a panic (`clicks.writer_restarts` counts those).

use std::sync::atomic::Ordering;

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde_json::json;

use super::AppState;

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let db = state
        .db
        .run(|conn| conn.batch_execute("SELECT 1").map_err(Into::into))
        .await;
    let stats = &state.writer_stats;
    let lag = stats.oldest_uncommitted(chrono::Utc::now().timestamp_millis());
    let clicks = json!({
        "pending": stats.pending.load(Ordering::Relaxed),
        "oldest_uncommitted_s": lag.map(|age| age.as_secs_f64()),
        "writer_restarts": stats.restarts.load(Ordering::Relaxed),
    });
    let database = state.db.backend_name();
    match db {
        Ok(()) => {
            let restarting = stats.restarting.load(Ordering::Relaxed);
            let status =
                if restarting || lag.is_some_and(|age| age > state.settings.click_lag_alert) {
                    "degraded"
                } else {
                    "ok"
                };
            HttpResponse::Ok()
                .insert_header(("Cache-Control", "no-store"))
                .json(json!({"status": status, "database": database, "clicks": clicks}))
        }
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
            HttpResponse::ServiceUnavailable()
                .insert_header(("Cache-Control", "no-store"))
                .json(json!({"status": "unavailable", "database": database, "clicks": clicks}))
        }
    }
}
