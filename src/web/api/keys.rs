//! `/api/v1/api-keys`: list, create and revoke API keys with a full key (what
//! `/admin/keys` and `chorus apikey` do). A key's secret is in the answer to its creation
//! and nowhere else, ever; a key cannot revoke itself (another full key, the page or the
//! CLI can), so a script cannot lock its integration out by a wrong id.

use actix_web::{web, HttpResponse};
use chrono::{NaiveDateTime, SecondsFormat};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::api_key::{self, parse_origin_list, parse_origins, Scope};
use crate::domain::person::Label;
use crate::error::ApiError;
use crate::store::api_keys::ApiKeyRow;
use crate::store::{self, StoreError};
use crate::web::api::invalid;
use crate::web::auth::FullAccess;
use crate::web::AppState;

fn time(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A key as the API shows it: never its secret or hash.
pub fn key_json(row: &ApiKeyRow) -> Value {
    json!({
        "id": row.id,
        "name": row.name,
        "kind": row.scope,
        "prefix": row.prefix,
        "origins": parse_origins(row.allowed_origins.as_deref()),
        "created_at": time(row.created_at),
        "last_used_at": row.last_used_at.map(time),
        "revoked_at": row.revoked_at.map(time),
        "active": row.revoked_at.is_none(),
    })
}

/// `GET /api-keys` → `{"api_keys": [...]}`, oldest first, revoked ones included.
pub async fn list(_: FullAccess, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let keys = state.db.run(store::api_keys::list).await?;
    Ok(HttpResponse::Ok().json(json!({
        "api_keys": keys.iter().map(key_json).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    name: String,
    /// `full` (default) or `publishable`.
    kind: Option<String>,
    /// Publishable keys only: the origins (`https://www.example.com`) it may be used from.
    #[serde(default)]
    origins: Vec<String>,
}

/// `POST /api-keys` `{"name","kind"?,"origins"?}` → 201 with the key and, this once, its
/// `secret`.
pub async fn create(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<CreateKey>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let name = Label::parse(&body.name)
        .map_err(|e| invalid("invalid_name", "name", e))?
        .into_string();
    let scope = match body.kind.as_deref().map(str::trim) {
        None | Some("full") => Scope::Full,
        Some("publishable") => Scope::Publishable,
        Some(other) => {
            return Err(ApiError::unprocessable(
                "invalid_kind",
                format!("kind: {other:?} is not full or publishable"),
            ))
        }
    };
    let origins = parse_origin_list(scope, &body.origins)
        .map_err(|e| invalid("invalid_origins", "origins", e))?;
    let key = api_key::generate(scope);
    let secret = key.secret.clone();
    let row = state
        .db
        .run(move |conn| {
            let stored = (!origins.is_empty()).then(|| origins.join(","));
            let id = store::api_keys::insert(conn, &name, scope, &key, stored.as_deref())?;
            store::api_keys::find_by_id(conn, id)
        })
        .await?;
    let mut body = key_json(&row);
    body["secret"] = json!(secret);
    Ok(HttpResponse::Created().json(body))
}

/// `DELETE /api-keys/{id}` → 200 with the revoked key; unknown or already revoked → 404;
/// the calling key itself → 409 `own_key`.
pub async fn revoke(
    FullAccess(caller): FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if id == caller.id {
        return Err(ApiError::conflict(
            "own_key",
            "a key cannot revoke itself: revoke it with another full key, on /admin/keys \
             or with `chorus apikey revoke`",
        ));
    }
    let row = state
        .db
        .run(move |conn| {
            store::api_keys::revoke(conn, id)?;
            store::api_keys::find_by_id(conn, id)
        })
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::NotFound(format!("no active API key has id {id}")),
            other => other.into(),
        })?;
    Ok(HttpResponse::Ok().json(key_json(&row)))
}
