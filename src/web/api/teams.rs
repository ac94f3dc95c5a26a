//! `/api/v1/teams`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::invalid;
use crate::domain::person::Label;
use crate::error::ApiError;
use crate::store::{self, StoreError};
use crate::web::auth::FullAccess;
use crate::web::AppState;

#[derive(Deserialize)]
pub struct CreateTeam {
    name: String,
}

pub async fn create(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<CreateTeam>,
) -> Result<HttpResponse, ApiError> {
    let name = Label::parse(&body.name).map_err(|e| invalid("invalid_name", "name", e))?;
    let shown = name.as_str().to_string();
    let team = state
        .db
        .run(move |conn| store::teams::insert(conn, name.as_str()))
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::conflict(
                "team_exists",
                format!("a team named {shown:?} already exists"),
            ),
            other => other.into(),
        })?;
    Ok(HttpResponse::Created()
        .json(serde_json::json!({"id": team.id, "name": team.name, "employees": 0})))
}

pub async fn list(_: FullAccess, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let teams = state.db.run(store::teams::list_with_sizes).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "teams": teams })))
}

/// `PATCH /teams/{id}` `{"name"}`: renames the team; 200 with `{id, name, employees}`, 409
/// `team_exists` when another team has the name, 404 for an unknown team.
pub async fn update(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<CreateTeam>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let name = Label::parse(&body.name).map_err(|e| invalid("invalid_name", "name", e))?;
    let shown = name.as_str().to_string();
    let team = state
        .db
        .run(move |conn| store::teams::rename(conn, id, name.as_str()))
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::conflict(
                "team_exists",
                format!("a team named {shown:?} already exists"),
            ),
            StoreError::NotFound => ApiError::NotFound(format!("no team {id}")),
            other => other.into(),
        })?;
    Ok(HttpResponse::Ok().json(team))
}
