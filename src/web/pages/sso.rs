//! Sign-in through the company's identity provider (OpenID Connect; see `app::sso`).
//!
//! `GET /login/sso` sends the browser to the provider; `GET /login/sso/callback` takes it
//! back, matches the verified e-mail to an employee (or creates one in the configured
//! team, when just-in-time creation is on) and starts a session as the password form does.

use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::app::sso::{Identity, Pending, SsoError};
use crate::domain::person::{Label, Role};
use crate::error::PageError;
use crate::store;
use crate::store::employees::NewEmployee;
use crate::web::auth;
use crate::web::pages::{render, see_other, Tr};
use crate::web::AppState;

/// The encrypted cookie holding the sign-in under way (state, nonce, PKCE verifier).
const PENDING_COOKIE: &str = "chorus_sso";
/// Only for the callback: it is sent on the provider's top-level redirect back (Lax).
const PENDING_PATH: &str = "/login/sso";
/// Time to sign in at the provider.
const PENDING_MINUTES: i64 = 10;

#[derive(Template)]
#[template(path = "sso.html")]
struct SsoProblem {
    title: &'static str,
    nav: Option<crate::web::pages::Nav>,
    t: Tr,
    message: String,
}

fn problem(status: StatusCode, key: &str) -> Result<HttpResponse, PageError> {
    let t = Tr::current();
    let message = t.get(key);
    render(
        status,
        &SsoProblem {
            title: "page.sso",
            nav: None,
            t,
            message,
        },
    )
}

fn callback_url(state: &AppState) -> String {
    format!(
        "{}/login/sso/callback",
        state.settings.base_url.as_str().trim_end_matches('/')
    )
}

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// `GET /login/sso`: off the site to the identity provider.
pub async fn start(
    state: web::Data<AppState>,
    query: web::Query<StartQuery>,
) -> Result<HttpResponse, PageError> {
    let Some(sso) = state.sso.as_ref() else {
        return Err(PageError::NotFound);
    };
    let next = crate::domain::safe_path::SafePath::or_root(query.next.as_deref()).into_string();
    let (url, pending) = match sso.start(&callback_url(&state), next).await {
        Ok(started) => started,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on could not start");
            return problem(StatusCode::BAD_GATEWAY, "sso.provider-down");
        }
    };
    let value = serde_json::to_string(&pending).map_err(|_| PageError::Internal)?;
    let cookie = Cookie::build(PENDING_COOKIE, value)
        .path(PENDING_PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies())
        .max_age(actix_web::cookie::time::Duration::minutes(PENDING_MINUTES))
        .finish();
    let mut jar = CookieJar::new();
    jar.private_mut(&state.cookie_key).add(cookie);
    let mut response = see_other(url.as_str());
    if let Some(encrypted) = jar.get(PENDING_COOKIE) {
        response
            .add_cookie(encrypted)
            .map_err(|_| PageError::Internal)?;
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn pending(req: &HttpRequest, state: &AppState) -> Option<Pending> {
    let cookie = req.cookie(PENDING_COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let value = jar.private(&state.cookie_key).get(PENDING_COOKIE)?;
    serde_json::from_str(value.value()).ok()
}

/// `GET /login/sso/callback`: back from the identity provider.
pub async fn callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, PageError> {
    let Some(sso) = state.sso.as_ref() else {
        return Err(PageError::NotFound);
    };
    let query = query.into_inner();
    if let Some(error) = query.error {
        tracing::info!(%error, "single sign-on refused at the identity provider");
        return problem(StatusCode::FORBIDDEN, "sso.refused");
    }
    let (Some(code), Some(answer_state), Some(pending)) =
        (query.code, query.state, pending(&req, &state))
    else {
        return problem(StatusCode::BAD_REQUEST, "sso.expired");
    };
    let next = pending.next.clone();
    let identity = match sso
        .finish(&callback_url(&state), pending, &code, &answer_state)
        .await
    {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on failed");
            let (status, key) = match e {
                SsoError::State => (StatusCode::BAD_REQUEST, "sso.expired"),
                SsoError::NoEmail => (StatusCode::FORBIDDEN, "sso.no-email"),
                SsoError::Refused(_) | SsoError::Token(_) => (StatusCode::FORBIDDEN, "sso.refused"),
                SsoError::Provider(_) => (StatusCode::BAD_GATEWAY, "sso.provider-down"),
            };
            return problem(status, key);
        }
    };
    let Some(employee_id) = employee_for(&state, identity).await? else {
        return problem(StatusCode::FORBIDDEN, "sso.unknown");
    };
    let Some(employee_id) = employee_id else {
        return problem(StatusCode::FORBIDDEN, "sso.deactivated");
    };
    let cookie = auth::start_session(&state, employee_id).await?;
    tracing::info!(employee_id, "signed in through single sign-on");
    let mut response = see_other(&next);
    response
        .add_cookie(&cookie)
        .map_err(|_| PageError::Internal)?;
    let mut done = Cookie::build(PENDING_COOKIE, "")
        .path(PENDING_PATH)
        .finish();
    done.make_removal();
    response
        .add_removal_cookie(&done)
        .map_err(|_| PageError::Internal)?;
    Ok(response)
}

/// The employee the identity names: `None` when there is none (and no just-in-time
/// creation), `Some(None)` when that employee is deactivated.
async fn employee_for(
    state: &AppState,
    identity: Identity,
) -> Result<Option<Option<i64>>, PageError> {
    let jit_team = state
        .sso
        .as_ref()
        .and_then(|sso| sso.settings().jit_team.clone());
    let found = state
        .db
        .run(move |conn| {
            if let Some((id, _, active)) = store::employees::find_login(conn, &identity.email)? {
                return Ok(Some(active.then_some(id)));
            }
            let Some(team) = jit_team else {
                return Ok(None);
            };
            // First sign-in of someone the company's directory vouches for: an employee
            // in the configured team, named as the provider says (or by the address).
            let local = identity.email.as_str().split('@').next().unwrap_or("");
            let name = identity
                .name
                .as_deref()
                .and_then(|n| Label::parse(n).ok())
                .or_else(|| Label::parse(local).ok());
            let (Some(name), Ok(team)) = (name, Label::parse(&team)) else {
                return Ok(None);
            };
            let employee = store::employees::insert(
                conn,
                NewEmployee {
                    email: identity.email.clone(),
                    name,
                    team: Some(team),
                    role: Role::Employee,
                    password_hash: None,
                },
            )?;
            tracing::info!(
                employee_id = employee.id,
                "employee created at first sign-in"
            );
            Ok(Some(Some(employee.id)))
        })
        .await?;
    Ok(found)
}
