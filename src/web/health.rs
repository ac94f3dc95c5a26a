//! `/healthz`: 200 once the server accepts requests and its database answers.

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;

use super::AppState;

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let db = state
        .db
        .run(|conn| conn.batch_execute("SELECT 1").map_err(Into::into))
        .await;
    match db {
        Ok(()) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(serde_json::json!({"status": "ok", "database": state.db.backend_name()})),
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
            HttpResponse::ServiceUnavailable()
                .insert_header(("Cache-Control", "no-store"))
                .json(serde_json::json!({"status": "unavailable", "database": state.db.backend_name()}))
        }
    }
}
