//! Sign in and sign out.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
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
    notice: Option<String>,
    setup_hint: bool,
    /// Whether "sign in with your company account" is offered (an OIDC provider is set).
    sso: bool,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// `?reset=1` after a password was set through a reset link.
    #[serde(default)]
    reset: Option<String>,
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
    page_with_notice(state, status, next, email, error, None)
}

fn page_with_notice(
    state: &AppState,
    status: StatusCode,
    next: String,
    email: String,
    error: Option<String>,
    notice: Option<String>,
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
            notice,
            setup_hint,
            sso: state.sso.is_some(),
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
    let notice = query
        .reset
        .is_some()
        .then(|| Tr::current().get("account.reset-done"));
    page_with_notice(
        &state,
        StatusCode::OK,
        safe_next(query.next.as_deref()),
        String::new(),
        None,
        notice,
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
        .run(move |conn| store::employees::find_login(conn, &lookup))
        .await?;
    // Verify against a dummy hash for unknown accounts so both cases take as long.
    let password = form.password;
    let (id, active, ok) = web::block(move || match credentials {
        Some((id, Some(hash), active)) => (Some(id), active, password::verify(&password, &hash)),
        _ => {
            let _ = password::verify(&password, password::dummy_hash());
            (None, false, false)
        }
    })
    .await
    .map_err(|_| PageError::Internal)?;
    let Some(employee_id) = id.filter(|_| ok) else {
        return page(&state, StatusCode::UNAUTHORIZED, next, form.email, wrong());
    };
    if !active {
        // The right password of a deactivated account: say so (only its owner learns it).
        return page(
            &state,
            StatusCode::FORBIDDEN,
            next,
            form.email,
            Some(Tr::current().get("account.deactivated")),
        );
    }

    let cookie = auth::start_session(&state, employee_id).await?;
    tracing::info!(employee_id, "signed in");
    let mut response = see_other(&next);
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
