//! One employee's own data as a download (DESIGN.md §6): their profile, social profiles,
//! shares with their short links, verified clicks per share and day, the conversions
//! attributed to them, their follower and post-metrics snapshots, and their sessions
//! (times only, never a token). For the employee on `/me/data`, for an admin on
//! `/admin/employees/{id}/data`, and for a full key on `GET /api/v1/employees/{id}/data`.
//! Nobody else's data is read: conversions carry no customer fields, and no IP address is
//! stored anywhere to begin with.

use serde_json::{json, Value};

use crate::db::DbConnection;
use crate::store::{self, StoreError};

/// The JSON document of employee `id`; `base` is the public base URL of short links.
/// `StoreError::NotFound` for a missing or erased employee.
pub fn export(conn: &mut DbConnection, id: i64, base: &str) -> Result<Value, StoreError> {
    let employee = store::employees::find_by_id(conn, id)?;
    let records = store::employees::find_personal_records(conn, id)?;
    let shares: Vec<Value> = records
        .shares
        .iter()
        .map(|s| {
            let clicks: Vec<Value> = records
                .clicks_by_day
                .iter()
                .filter(|(share, ..)| *share == s.id)
                .map(|(_, day, human, unique)| {
                    json!({"day": day, "clicks": human, "unique_visitors": unique})
                })
                .collect();
            json!({
                "id": s.id,
                "short_url": format!("{base}/{}", s.slug),
                "slug": s.slug,
                "network": s.network,
                "content_id": s.content_id,
                "content_title": s.content_title,
                "destination": s.destination,
                "created_at": s.created_at.and_utc(),
                "expires_at": s.expires_at.map(|t| t.and_utc()),
                "disabled_at": s.disabled_at.map(|t| t.and_utc()),
                "clicks_by_day": clicks,
            })
        })
        .collect();
    Ok(json!({
        "generated_at": chrono::Utc::now(),
        "profile": {
            "id": employee.id,
            "name": employee.name,
            "email": employee.email,
            "team": employee.team,
            "role": employee.role,
            "active": employee.active,
            "created_at": records.created_at.and_utc(),
            "locale": records.locale,
            "leaderboard_opt_in": records.leaderboard_opt_in,
        },
        "social_profiles": records.social_profiles,
        "shares": shares,
        "conversions": records.conversions,
        "follower_snapshots": records.follower_snapshots,
        "metrics_snapshots": records.metrics_snapshots,
        "sessions": records.sessions,
    }))
}

/// The download's file name.
pub fn filename(id: i64) -> String {
    format!("chorus-employee-{id}.json")
}
