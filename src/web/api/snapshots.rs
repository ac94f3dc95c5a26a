//! Follower and metrics snapshots: `/api/v1/employees/{id}/followers` and
//! `/api/v1/shares/{id}/metrics`. Reads take `?self_reported=false` to leave out what
//! employees typed in themselves.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{missing, refused};
use crate::domain::network::Network;
use crate::domain::record::{RawNumber, Source};
use crate::domain::snapshot::{self, FollowersInput, MetricsInput};
use crate::error::ApiError;
use crate::store::snapshots::{SnapshotRefused, Sources};
use crate::store::{self};
use crate::web::auth::FullAccess;
use crate::web::AppState;

/// The most snapshots a list returns at once.
const MAX_LIST: i64 = 1_000;
/// … and how many without `limit`.
const DEFAULT_LIST: i64 = 100;

/// `?self_reported=true|false` (default true): whether self-reported snapshots count.
#[derive(Deserialize, Default)]
pub struct SourcesQuery {
    self_reported: Option<bool>,
}

impl SourcesQuery {
    pub fn sources(&self) -> Sources {
        Sources {
            include_self_reported: self.self_reported.unwrap_or(true),
        }
    }
}

fn refusal(err: SnapshotRefused) -> ApiError {
    match err {
        SnapshotRefused::UnknownEmployee(id) => ApiError::NotFound(format!("no employee {id}")),
        SnapshotRefused::UnknownShare(id) | SnapshotRefused::NotOwnShare(id) => {
            ApiError::NotFound(format!("no share {id}"))
        }
        SnapshotRefused::Store(e) => e.into(),
    }
}

fn limit(value: Option<i64>) -> i64 {
    value.unwrap_or(DEFAULT_LIST).clamp(1, MAX_LIST)
}

/// The body of `POST /employees/{id}/followers`.
#[derive(Deserialize)]
pub struct CreateFollowers {
    network: String,
    followers: i64,
    #[serde(default)]
    observed_at: Option<String>,
}

/// `POST /employees/{id}/followers`: 201 with the stored snapshot (source `api`).
/// 404 for an unknown employee; 422 for an unknown network, a negative count or a time
/// in the future.
pub async fn create_followers(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<CreateFollowers>,
) -> Result<HttpResponse, ApiError> {
    let employee_id = id.into_inner();
    let body = body.into_inner();
    let reading = snapshot::validate_followers(
        &FollowersInput {
            network: &body.network,
            followers: RawNumber::Number(body.followers),
            observed_at: body.observed_at.as_deref(),
        },
        store::now(),
        state.effective().timezone,
    )
    .map_err(refused)?;
    let stored = state
        .db
        .run(move |conn| {
            Ok(store::snapshots::insert_followers(
                conn,
                employee_id,
                &reading,
                Source::Api,
            ))
        })
        .await?
        .map_err(refusal)?;
    Ok(HttpResponse::Created().json(stored))
}

#[derive(Deserialize)]
pub struct FollowersQuery {
    network: Option<String>,
    self_reported: Option<bool>,
    limit: Option<i64>,
}

/// `GET /employees/{id}/followers?network&self_reported&limit`: `{"followers": [...]}`,
/// newest observation first, 100 by default (at most 1,000).
pub async fn list_followers(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<FollowersQuery>,
) -> Result<HttpResponse, ApiError> {
    let employee_id = id.into_inner();
    let query = query.into_inner();
    let network = match query.network.as_deref().filter(|n| !n.is_empty()) {
        None => None,
        Some(n) => Some(
            Network::parse(n)
                .map_err(|e| ApiError::unprocessable("invalid_network", e.to_string()))?,
        ),
    };
    let sources = SourcesQuery {
        self_reported: query.self_reported,
    }
    .sources();
    let limit = limit(query.limit);
    let rows = state
        .db
        .run(move |conn| {
            store::employees::find_by_id(conn, employee_id)?;
            store::snapshots::list_followers(conn, employee_id, network, sources, limit)
        })
        .await
        .map_err(missing("employee", employee_id))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "followers": rows })))
}

/// The body of `POST /shares/{id}/metrics`.
#[derive(Deserialize)]
pub struct CreateMetrics {
    likes: i64,
    comments: i64,
    reshares: i64,
    #[serde(default)]
    impressions: Option<i64>,
    #[serde(default)]
    observed_at: Option<String>,
}

/// `POST /shares/{id}/metrics`: 201 with the stored snapshot (source `api`). 404 for an
/// unknown share; 422 for negative counts or a time in the future.
pub async fn create_metrics(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<CreateMetrics>,
) -> Result<HttpResponse, ApiError> {
    let share_id = id.into_inner();
    let body = body.into_inner();
    let reading = snapshot::validate_metrics(
        &MetricsInput {
            likes: RawNumber::Number(body.likes),
            comments: RawNumber::Number(body.comments),
            reshares: RawNumber::Number(body.reshares),
            impressions: body.impressions.map(RawNumber::Number),
            observed_at: body.observed_at.as_deref(),
        },
        store::now(),
        state.effective().timezone,
    )
    .map_err(refused)?;
    let stored = state
        .db
        .run(move |conn| {
            Ok(store::snapshots::insert_metrics(
                conn,
                share_id,
                &reading,
                Source::Api,
            ))
        })
        .await?
        .map_err(refusal)?;
    Ok(HttpResponse::Created().json(stored))
}

#[derive(Deserialize)]
pub struct MetricsQuery {
    self_reported: Option<bool>,
    limit: Option<i64>,
}

/// `GET /shares/{id}/metrics?self_reported&limit`: `{"metrics": [...]}`, newest
/// observation first, 100 by default (at most 1,000).
pub async fn list_metrics(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<MetricsQuery>,
) -> Result<HttpResponse, ApiError> {
    let share_id = id.into_inner();
    let sources = SourcesQuery {
        self_reported: query.self_reported,
    }
    .sources();
    let limit = limit(query.limit);
    let rows = state
        .db
        .run(move |conn| {
            store::shares::find_by_id(conn, share_id)?;
            store::snapshots::list_metrics(conn, share_id, sources, limit)
        })
        .await
        .map_err(missing("share", share_id))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "metrics": rows })))
}
