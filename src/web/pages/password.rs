//! Passwords: changing one's own (`/me/password`) and "forgot password" (`/reset`, a single reserved word, so no short link).
//!
//! A change needs the current password and the new one twice; it ends every other session
//! of the account (the one that changed it stays). "Forgot password" e-mails a one-time
//! reset link when SMTP is configured, and answers the same whether the address belongs to
//! an account or not (the lookup and the mail run after the answer); without SMTP the page
//! says to ask an admin, who makes a reset link on the employee's page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::invitations::{self, new_password};
use super::{form_text, render, see_other, Nav, Tr};
use crate::domain::email::Email;
use crate::domain::password;
use crate::error::PageError;
use crate::store::{self, invitations::Purpose};
use crate::web::auth::{self, CurrentUser};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "account/change_password.html")]
struct ChangePage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    notice: Option<String>,
    current_error: Option<String>,
    password_error: Option<String>,
    confirm_error: Option<String>,
}

#[derive(Deserialize)]
pub struct ChangedQuery {
    #[serde(default)]
    changed: Option<String>,
}

fn change_page(
    user: &CurrentUser,
    status: StatusCode,
    notice: Option<String>,
    errors: [Option<String>; 3],
) -> Result<HttpResponse, PageError> {
    let [current_error, password_error, confirm_error] = errors;
    render(
        status,
        &ChangePage {
            title: "account.password-title",
            nav: Some(Nav::new(user, "me")),
            t: Tr::current(),
            csrf: user.csrf.clone(),
            notice,
            current_error,
            password_error,
            confirm_error,
        },
    )
}

/// `GET /me/password`.
pub async fn change_form(
    user: CurrentUser,
    query: web::Query<ChangedQuery>,
) -> Result<HttpResponse, PageError> {
    let notice = query
        .changed
        .is_some()
        .then(|| Tr::current().get("account.password-changed"));
    change_page(&user, StatusCode::OK, notice, [None, None, None])
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /me/password`: every broken field reported at once; on success the other sessions
/// end and the page comes back with a notice.
pub async fn change(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let t = Tr::current();
    // The same limiter as sign-in, the account's budget too: this form checks a password,
    // and a stolen session must not make it a guessing oracle.
    let ip = crate::web::client_address(&req, &state);
    let throttled = match Email::parse(&user.email) {
        Ok(email) => state.login_limiter.check(ip, &email),
        Err(_) => state.login_limiter.check_client(ip),
    };
    if throttled.is_err() {
        return Err(PageError::TooManyRequests);
    }
    let id = user.id;
    let stored = state
        .db
        .run(move |conn| store::employees::password_hash(conn, id))
        .await?;
    let current = form.current.clone();
    let current_ok = web::block(move || match stored {
        Some(hash) => password::verify(&current, &hash),
        None => false,
    })
    .await
    .map_err(|_| PageError::Internal)?;
    let current_error = (!current_ok).then(|| t.get("account.current-wrong"));
    let new = new_password(&form.password, &form.confirm).await?;
    let hash = match (new, current_error) {
        (Ok(hash), None) => hash,
        (Ok(_), current_error) => {
            return change_page(
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                [current_error, None, None],
            )
        }
        (Err((password_error, confirm_error)), current_error) => {
            return change_page(
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                [current_error, password_error, confirm_error],
            )
        }
    };
    let keep = user.session_token_hash().to_string();
    let ended = state
        .db
        .run(move |conn| {
            store::employees::set_password_hash(conn, id, &hash)?;
            store::sessions::end_all(conn, id, Some(&keep))
        })
        .await?;
    tracing::info!(
        employee_id = id,
        other_sessions_ended = ended,
        "password changed"
    );
    Ok(see_other("/me/password?changed=1"))
}

// ---- Forgot password ----

#[derive(Template)]
#[template(path = "account/forgot.html")]
struct ForgotPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    mail: bool,
    sent: bool,
    email: String,
    email_error: Option<String>,
    hours: i64,
}

#[derive(Deserialize)]
pub struct SentQuery {
    #[serde(default)]
    sent: Option<String>,
}

fn forgot_page(
    state: &AppState,
    status: StatusCode,
    sent: bool,
    email: String,
    email_error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let csrf = auth::random_token();
    let mut response = render(
        status,
        &ForgotPage {
            title: "account.forgot-title",
            nav: None,
            t: Tr::current(),
            csrf: csrf.clone(),
            mail: state.settings.mail.is_some(),
            sent,
            email,
            email_error,
            hours: state.settings.reset_valid.num_hours(),
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

/// `GET /reset`.
pub async fn forgot_form(
    state: web::Data<AppState>,
    query: web::Query<SentQuery>,
) -> Result<HttpResponse, PageError> {
    forgot_page(
        &state,
        StatusCode::OK,
        query.sent.is_some(),
        String::new(),
        None,
    )
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /reset`: 303 to "sent" for any well-formed address (known or not); the link is
/// made and mailed in the background.
pub async fn forgot(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ForgotForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    if !auth::check_login_csrf(&req, &state.cookie_key, &form.csrf) {
        return Err(PageError::BadRequest(
            "the form has expired; reload the page and try again".into(),
        ));
    }
    let Some(mail_settings) = state.settings.mail.clone() else {
        return Ok(see_other("/reset"));
    };
    // Shares the sign-in limiter: each request may send an e-mail.
    let ip = crate::web::client_address(&req, &state);
    if state.login_limiter.check_client(ip).is_err() {
        return Err(PageError::TooManyRequests);
    }
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(e) => {
            let message = form_text::email(&Tr::current(), &e.0);
            return forgot_page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                form.email,
                Some(message),
            );
        }
    };
    // One mailbox is not flooded from many addresses either; known or not, the same answer.
    if state.login_limiter.check_account(&email).is_err() {
        return Err(PageError::TooManyRequests);
    }
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        let lookup = email.clone();
        let found = state
            .db
            .run(move |conn| store::employees::find_active_by_email(conn, &lookup))
            .await;
        let (id, name, locale) = match found {
            Ok(Some(found)) => found,
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(error = %err, "forgot password: lookup failed");
                return;
            }
        };
        match invitations::issue(&state, id, Purpose::Reset, None).await {
            Ok(link) => {
                let mail = invitations::link_mail(
                    &state,
                    Purpose::Reset,
                    &name,
                    email.as_str(),
                    locale.as_deref(),
                    &link.url,
                );
                crate::mail::send_later(mail_settings, mail);
            }
            Err(err) => tracing::warn!(error = %err, "forgot password: no link made"),
        }
    });
    Ok(see_other("/reset?sent=1"))
}
