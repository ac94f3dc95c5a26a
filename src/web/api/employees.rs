//! `/api/v1/employees`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::invalid;
use crate::domain::email::Email;
use crate::domain::person::{Label, Role};
use crate::error::ApiError;
use crate::store::{self, employees::NewEmployee, StoreError};
use crate::web::auth::FullAccess;
use crate::web::AppState;

#[derive(Deserialize)]
pub struct CreateEmployee {
    email: String,
    name: String,
    #[serde(default)]
    team: Option<String>,
    #[serde(default)]
    role: Option<String>,
}

impl CreateEmployee {
    fn parse(self) -> Result<NewEmployee, ApiError> {
        Ok(NewEmployee {
            email: Email::parse(&self.email).map_err(|e| invalid("invalid_email", "email", e))?,
            name: Label::parse(&self.name).map_err(|e| invalid("invalid_name", "name", e))?,
            team: match self.team.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(t) => Some(Label::parse(t).map_err(|e| invalid("invalid_team", "team", e))?),
            },
            role: match self.role.as_deref() {
                None => Role::Employee,
                Some(r) => Role::parse(r).map_err(|e| invalid("invalid_role", "role", e))?,
            },
            password_hash: None,
        })
    }
}

pub async fn create(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<CreateEmployee>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().parse()?;
    let email = new.email.to_string();
    let employee = state
        .db
        .run(move |conn| store::employees::insert(conn, new))
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::conflict(
                "email_taken",
                format!("an employee with e-mail {email} already exists"),
            ),
            other => other.into(),
        })?;
    Ok(HttpResponse::Created().json(employee))
}

pub async fn list(_: FullAccess, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let employees = state.db.run(store::employees::list).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "employees": employees })))
}

pub async fn show(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let employee = state
        .db
        .run(move |conn| store::employees::find_by_id(conn, id))
        .await
        .map_err(super::missing("employee", id))?;
    Ok(HttpResponse::Ok().json(employee))
}
