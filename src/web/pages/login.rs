//! Sign in and sign out.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;

use super::{render, see_other, Nav, Tr};
use crate::domain::email::Email;
use crate::domain::password;
use crate::domain::safe_path::SafePath;
use crate::error::PageError;
use crate::store;
use crate::web::auth::{self, CurrentUser};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    next: String,
    email: String,
    error: Option<String>,
    setup_hint: bool,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths, so the login page cannot bounce a user to another site (the rule is
/// `SafePath`'s).
fn safe_next(next: Option<&str>) -> String {
    SafePath::or_root(next).into_string()
}

fn page(
    state: &AppState,
    status: StatusCode,
    next: String,
    email: String,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let token = auth::random_token();
    let setup_hint = state
        .setup_token
        .lock()
        .map(|t| t.is_some())
        .unwrap_or(false);
    let mut response = render(
        status,
        &LoginPage {
            title: "page.login",
            nav: None,
            t: Tr::current(),
            csrf: token.clone(),
            next,
            email,
            error,
            setup_hint,
        },
    )?;
    response
        .add_cookie(&auth::login_csrf_cookie(
            &state.cookie_key,
            &token,
            state.settings.secure_cookies(),
        ))
        .map_err(|_| PageError::Internal)?;
    Ok(response)
}

pub async fn form(
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    page(
        &state,
        StatusCode::OK,
        safe_next(query.next.as_deref()),
        String::new(),
        None,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    if !auth::check_login_csrf(&req, &state.cookie_key, &form.csrf) {
        return page(
            &state,
            StatusCode::BAD_REQUEST,
            next,
            form.email,
            Some(Tr::current().get("login.expired")),
        );
    }
    let ip = crate::web::client_address(&req, &state);
    if state.login_limiter.check_key(&ip).is_err() {
        return page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            next,
            form.email,
            Some(Tr::current().get("login.too-many")),
        );
    }
    let wrong = || Some(Tr::current().get("login.wrong"));
    let Ok(email) = Email::parse(&form.email) else {
        return page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            next,
            form.email,
            Some(Tr::current().get("login.email-missing")),
        );
    };
    let lookup = email.clone();
    let credentials = state
        .db
        .run(move |conn| store::employees::find_credentials(conn, &lookup))
        .await?;
    // Verify against a dummy hash for unknown accounts so both cases take as long.
    let password = form.password;
    let (id, ok) = web::block(move || match credentials {
        Some((id, hash)) => (Some(id), password::verify(&password, &hash)),
        None => {
            let _ = password::verify(&password, password::dummy_hash());
            (None, false)
        }
    })
    .await
    .map_err(|_| PageError::Internal)?;
    let Some(employee_id) = id.filter(|_| ok) else {
        return page(&state, StatusCode::UNAUTHORIZED, next, form.email, wrong());
    };

    let token = auth::random_token();
    let token_hash = auth::hash_token(&token);
    let days = state.settings.session_days;
    let expires = store::now() + Duration::days(days.into());
    state
        .db
        .run(move |conn| store::sessions::insert(conn, &token_hash, employee_id, expires))
        .await?;
    tracing::info!(employee_id, "signed in");
    let mut response = see_other(&next);
    let cookie = auth::new_session_cookie(
        &state.cookie_key,
        employee_id,
        &token,
        state.settings.secure_cookies(),
        days,
    );
    response
        .add_cookie(&cookie)
        .map_err(|_| PageError::Internal)?;
    response
        .add_removal_cookie(&auth::removal_cookie(auth::LOGIN_CSRF_COOKIE))
        .map_err(|_| PageError::Internal)?;
    Ok(response)
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<LogoutForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let token_hash = user.session_token_hash().to_string();
    state
        .db
        .run(move |conn| store::sessions::delete(conn, &token_hash))
        .await?;
    let mut response = see_other("/login");
    response
        .add_removal_cookie(&auth::removal_cookie(auth::SESSION_COOKIE))
        .map_err(|_| PageError::Internal)?;
    Ok(response)
}
