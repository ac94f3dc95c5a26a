//! The one-time setup link: while no admin exists, `serve` prints a link that lets the
//! first person create the admin account from the browser.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{form_text, render, see_other, Nav, Tr};
use crate::domain::email::Email;
use crate::domain::password;
use crate::domain::person::{Label, Role};
use crate::error::PageError;
use crate::store::{self, employees::NewEmployee, StoreError};
use crate::web::auth;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    token: String,
    email: String,
    name: String,
    errors: FieldErrors,
}

#[derive(Default)]
struct FieldErrors {
    email: Option<String>,
    name: Option<String>,
    password: Option<String>,
    form: Option<String>,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The one-time setup link works while no admin exists: compared in constant time, and
/// forgotten as soon as an admin exists — also one created by `chorus admin create` in
/// another process, which this server learns from the database, not from its memory.
async fn token_is_valid(state: &AppState, presented: &str) -> Result<bool, PageError> {
    let matches = state
        .setup_token
        .lock()
        .map(|t| {
            t.as_deref()
                .is_some_and(|t| !presented.is_empty() && auth::same_secret(presented, t))
        })
        .unwrap_or(false);
    if !matches {
        return Ok(false);
    }
    if state.db.run(store::employees::count_admins).await? > 0 {
        if let Ok(mut token) = state.setup_token.lock() {
            *token = None;
        }
        return Ok(false);
    }
    Ok(true)
}

fn page(
    state: &AppState,
    status: StatusCode,
    token: String,
    email: String,
    name: String,
    errors: FieldErrors,
) -> Result<HttpResponse, PageError> {
    let csrf = auth::random_token();
    let mut response = render(
        status,
        &SetupPage {
            title: "page.setup",
            nav: None,
            t: Tr::current(),
            csrf: csrf.clone(),
            token,
            email,
            name,
            errors,
        },
    )?;
    response
        .add_cookie(&auth::login_csrf_cookie(
            &state.cookie_key,
            &csrf,
            state.settings.secure_cookies(),
        ))
        .map_err(|_| PageError::Internal)?;
    Ok(response)
}

pub async fn form(
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, PageError> {
    let token = query.into_inner().token.unwrap_or_default();
    if !token_is_valid(&state, &token).await? {
        return Err(PageError::NotFound);
    }
    page(
        &state,
        StatusCode::OK,
        token,
        String::new(),
        String::new(),
        FieldErrors::default(),
    )
}

#[derive(Deserialize)]
pub struct SetupForm {
    token: String,
    email: String,
    name: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    if !token_is_valid(&state, &form.token).await? {
        return Err(PageError::NotFound);
    }
    let t = Tr::current();
    let mut errors = FieldErrors::default();
    if !auth::check_login_csrf(&req, &state.cookie_key, &form.csrf) {
        errors.form = Some(t.get("login.expired"));
    }
    let email = Email::parse(&form.email)
        .map_err(|e| errors.email = Some(form_text::email(&t, &e.0)))
        .ok();
    let name = Label::parse(&form.name)
        .map_err(|e| errors.name = Some(form_text::label(&t, "form.field.name", &e)))
        .ok();
    let password = form.password;
    let hash = web::block(move || password::hash(&password))
        .await
        .map_err(|_| PageError::Internal)?;
    let hash = hash
        .map_err(|e| errors.password = Some(form_text::password(&t, &e)))
        .ok();
    // A taken address (an employee imported before the first admin) is reported beside
    // the other mistakes, not after they are fixed; the insert still refuses a race.
    let email = match email {
        Some(address) => {
            let lookup = address.clone();
            let owner = state
                .db
                .run(move |conn| store::employees::find_login(conn, &lookup))
                .await?;
            if owner.is_some() {
                errors.email = Some(t.get("setup.email-taken"));
                None
            } else {
                Some(address)
            }
        }
        None => None,
    };
    let (Some(email), Some(name), Some(hash), None) = (email, name, hash, errors.form.as_ref())
    else {
        return page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.token,
            form.email,
            form.name,
            errors,
        );
    };
    let new = NewEmployee {
        email,
        name,
        team: None,
        role: Role::Admin,
        password_hash: Some(hash),
    };
    match state
        .db
        .run(move |conn| store::employees::insert(conn, new))
        .await
    {
        Ok(employee) => {
            if let Ok(mut token) = state.setup_token.lock() {
                *token = None;
            }
            tracing::info!(
                employee_id = employee.id,
                "first admin created through the setup link"
            );
            Ok(see_other("/login?next=/admin"))
        }
        Err(StoreError::Conflict(_)) => {
            errors.email = Some(t.get("setup.email-taken"));
            page(
                &state,
                StatusCode::CONFLICT,
                form.token,
                form.email,
                form.name,
                errors,
            )
        }
        Err(other) => Err(other.into()),
    }
}

pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
