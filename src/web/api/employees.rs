//! `/api/v1/employees`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::invalid;
use crate::domain::email::Email;
use crate::domain::person::{Label, Role};
use crate::error::ApiError;
use crate::store::employees::{EmployeeChanges, UpdateRefused};
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

/// `null` and absent told apart: absent → `None`, `null` → `Some(None)`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateEmployee {
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    team: Option<Option<String>>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

impl UpdateEmployee {
    /// Every field checked; the first broken one is the error's code, all are in its message.
    fn parse(self) -> Result<EmployeeChanges, ApiError> {
        let mut broken: Vec<(&'static str, String)> = Vec::new();
        let email = self
            .email
            .map(|e| {
                Email::parse(&e)
                    .map_err(|err| broken.push(("invalid_email", format!("email: {err}"))))
            })
            .transpose()
            .ok()
            .flatten();
        let name = self
            .name
            .map(|n| {
                Label::parse(&n)
                    .map_err(|err| broken.push(("invalid_name", format!("name: {err}"))))
            })
            .transpose()
            .ok()
            .flatten();
        let team = match self.team {
            None => None,
            Some(None) => Some(None),
            Some(Some(t)) if t.trim().is_empty() => Some(None),
            Some(Some(t)) => match Label::parse(t.trim()) {
                Ok(label) => Some(Some(label)),
                Err(err) => {
                    broken.push(("invalid_team", format!("team: {err}")));
                    None
                }
            },
        };
        let role = self
            .role
            .map(|r| {
                Role::parse(&r).map_err(|err| broken.push(("invalid_role", format!("role: {err}"))))
            })
            .transpose()
            .ok()
            .flatten();
        if let Some((code, _)) = broken.first() {
            let message: Vec<&str> = broken.iter().map(|(_, m)| m.as_str()).collect();
            return Err(ApiError::unprocessable(code, message.join("; ")));
        }
        Ok(EmployeeChanges {
            email,
            name,
            team,
            role,
            active: self.active,
        })
    }
}

/// `PATCH /employees/{id}` `{"name"?, "email"?, "team"? (null: none), "role"?, "active"?}`:
/// 200 with the employee. `active: false` deactivates (no sign-in, every session ended, no
/// new shares; existing links keep working). The last active admin can be neither demoted
/// nor deactivated (409 `last_admin`); a taken e-mail is 409 `email_taken`.
pub async fn update(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<UpdateEmployee>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner().parse()?;
    let email = changes.email.as_ref().map(|e| e.to_string());
    let result = state
        .db
        .run(move |conn| Ok(store::employees::update(conn, id, &changes)))
        .await?;
    match result {
        Ok(employee) => Ok(HttpResponse::Ok().json(employee)),
        Err(UpdateRefused::NotFound) => Err(ApiError::NotFound(format!("no employee {id}"))),
        Err(UpdateRefused::EmailTaken) => Err(ApiError::conflict(
            "email_taken",
            format!(
                "an employee with e-mail {} already exists",
                email.unwrap_or_default()
            ),
        )),
        Err(UpdateRefused::LastAdmin) => Err(ApiError::conflict(
            "last_admin",
            "the last active admin can be neither demoted nor deactivated; make another admin first",
        )),
        Err(UpdateRefused::Store(e)) => Err(e.into()),
    }
}

/// `POST /employees/{id}/invitation`: a new one-time invitation link for an active employee
/// who has no password yet (it replaces the earlier one), e-mailed when SMTP is configured.
/// 201 `{"url", "expires_at", "emailed"}`; 409 `already_signed_up` or
/// `employee_deactivated`; 404 for an unknown employee.
pub async fn invite(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    use crate::store::invitations::Purpose;
    use crate::web::pages::invitations as links;
    let id = id.into_inner();
    let (employee, locale) = state
        .db
        .run(move |conn| {
            Ok((
                store::employees::find_by_id(conn, id)?,
                store::employees::locale(conn, id)?,
            ))
        })
        .await
        .map_err(super::missing("employee", id))?;
    if !employee.active {
        return Err(ApiError::conflict(
            "employee_deactivated",
            format!("employee {id} is deactivated; reactivate them first"),
        ));
    }
    if employee.can_sign_in {
        return Err(ApiError::conflict(
            "already_signed_up",
            format!(
                "employee {id} already has a password; they can reset it from the sign-in page"
            ),
        ));
    }
    let link = links::issue(&state, id, Purpose::Invite, None).await?;
    let mail = links::link_mail(
        &state,
        Purpose::Invite,
        &employee.name,
        &employee.email,
        locale.as_deref(),
        &link.url,
    );
    let emailed = links::deliver(&state, mail).await == links::Delivery::Sent;
    Ok(HttpResponse::Created().json(serde_json::json!({
        "url": link.url,
        "expires_at": link.expires_at.and_utc(),
        "emailed": emailed,
    })))
}

/// `POST /employees/{id}/erase` (full key): erases the person and keeps their numbers
/// (`app::erasure`). 204; 404 for an unknown employee, 409 `already_erased` the second
/// time, 409 `last_admin` for the last active admin.
pub async fn erase(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    use crate::app::erasure::{self, EraseRefused};
    let id = id.into_inner();
    match erasure::erase(&state.db, id, None).await {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(EraseRefused::NotFound) => Err(ApiError::NotFound(format!("no employee {id}"))),
        Err(EraseRefused::AlreadyErased) => Err(ApiError::conflict(
            "already_erased",
            format!("employee {id} is already erased"),
        )),
        Err(EraseRefused::LastAdmin) => Err(ApiError::conflict(
            "last_admin",
            "the last active admin cannot be erased",
        )),
        Err(EraseRefused::Store(e)) => Err(e.into()),
    }
}

/// `GET /employees/{id}/data` (full key): everything stored about one employee
/// (`app::personal_data`), as a JSON attachment.
pub async fn data(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let base = state.settings.public_base().to_string();
    state.clicks.settle().await;
    let doc = state
        .db
        .run(move |conn| crate::app::personal_data::export(conn, id, &base))
        .await
        .map_err(super::missing("employee", id))?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                crate::app::personal_data::filename(id)
            ),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(doc))
}
