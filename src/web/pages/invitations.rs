//! One-time account links: issuing them (invitations and admin-made reset links), e-mailing
//! them, the pages behind them (`/invite/{token}`, `/reset/{token}`), and the CSV of people
//! to invite.
//!
//! A link's token is derived from the instance secret and a stored nonce
//! (`auth::link_token`); only its hash identifies the row. Opening a link shows a form to
//! set a password; posting it uses the link up in one conditional update, so a link works
//! once, and only until it expires (`CHORUS_INVITATION_DAYS`, `CHORUS_RESET_HOURS`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::{form_text, render, see_other, Tr};
use crate::domain::email::Email;
use crate::domain::password;
use crate::domain::person::Label;
use crate::error::PageError;
use crate::i18n::Locale;
use crate::mail::{self, Mail};
use crate::store::invitations::{self, Link, NewLink, Purpose};
use crate::store::{self, StoreError};
use crate::web::auth;
use crate::web::AppState;

/// A link just made: where it points and until when it works.
pub struct IssuedLink {
    pub url: String,
    pub expires_at: NaiveDateTime,
}

/// The public URL of a link.
pub fn link_url(state: &AppState, purpose: Purpose, token: &str) -> String {
    format!(
        "{}/{}/{token}",
        state.settings.public_base(),
        purpose.as_str()
    )
}

/// The URL of a stored link from its nonce (an admin's page shows pending links again).
pub fn url_from_nonce(state: &AppState, purpose: Purpose, nonce: &str) -> String {
    link_url(state, purpose, &auth::link_token(state, nonce))
}

/// Makes a new link for the employee in place of the earlier one of the same purpose.
/// `created_by`: the admin who asked (`None`: the employee asked by e-mail).
pub async fn issue(
    state: &AppState,
    employee_id: i64,
    purpose: Purpose,
    created_by: Option<i64>,
) -> Result<IssuedLink, StoreError> {
    let nonce = auth::random_token();
    let token = auth::link_token(state, &nonce);
    let token_hash = auth::hash_token(&token);
    let valid = match purpose {
        Purpose::Invite => state.settings.invitation_valid,
        Purpose::Reset => state.settings.reset_valid,
    };
    let expires_at = store::now() + valid;
    state
        .db
        .run(move |conn| {
            invitations::replace(
                conn,
                &NewLink {
                    employee_id,
                    purpose,
                    token_hash: &token_hash,
                    nonce: &nonce,
                    created_by,
                    expires_at,
                },
            )
        })
        .await?;
    Ok(IssuedLink {
        url: link_url(state, purpose, &token),
        expires_at,
    })
}

/// The e-mail carrying a link, in the recipient's language (their own choice, else the
/// instance default: they have not seen a page yet).
pub fn link_mail(
    state: &AppState,
    purpose: Purpose,
    to_name: &str,
    to_email: &str,
    locale: Option<&str>,
    url: &str,
) -> Mail {
    let t = Tr::new(
        locale
            .and_then(Locale::parse)
            .unwrap_or(state.settings.default_locale),
    );
    let (subject, body) = match purpose {
        Purpose::Invite => (
            t.get("invite.mail-subject"),
            t.locale().text_with(
                "invite-mail-body",
                &[
                    ("name", to_name.to_string().into()),
                    ("link", url.to_string().into()),
                    ("days", state.settings.invitation_valid.num_days().into()),
                ],
            ),
        ),
        Purpose::Reset => (
            t.get("account.reset-mail-subject"),
            t.locale().text_with(
                "account-reset-mail-body",
                &[
                    ("name", to_name.to_string().into()),
                    ("link", url.to_string().into()),
                    ("hours", state.settings.reset_valid.num_hours().into()),
                ],
            ),
        ),
    };
    Mail {
        to_name: to_name.to_string(),
        to_email: to_email.to_string(),
        subject,
        body,
    }
}

/// What happened to the e-mail of a link an admin made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// No SMTP server configured: the admin hands the link over.
    NoMail,
    Sent,
    Failed,
}

/// Sends the link's e-mail now (the admin sees the outcome) when mail is configured.
pub async fn deliver(state: &AppState, mail: Mail) -> Delivery {
    let Some(settings) = state.settings.mail.as_ref() else {
        return Delivery::NoMail;
    };
    match mail::send(settings, mail).await {
        Ok(()) => Delivery::Sent,
        Err(err) => {
            tracing::warn!(error = %err, "the link's e-mail was not sent");
            Delivery::Failed
        }
    }
}

// ---- The pages behind the links ----

#[derive(Template)]
#[template(path = "account/set_password.html")]
struct SetPasswordPage {
    title: &'static str,
    nav: Option<super::Nav>,
    t: Tr,
    csrf: String,
    action: String,
    invite: bool,
    name: String,
    email: String,
    expires: String,
    password_error: Option<String>,
    confirm_error: Option<String>,
}

#[derive(Template)]
#[template(path = "account/link_gone.html")]
struct LinkGonePage {
    title: &'static str,
    nav: Option<super::Nav>,
    t: Tr,
    heading: String,
    detail: String,
}

/// Why a link opens nothing.
enum Gone {
    Unknown,
    Used,
    Expired,
}

fn gone_page(purpose: Purpose, why: Gone) -> Result<HttpResponse, PageError> {
    let t = Tr::current();
    let (status, what) = match why {
        Gone::Unknown => (StatusCode::NOT_FOUND, "unknown"),
        Gone::Used => (StatusCode::GONE, "used"),
        Gone::Expired => (StatusCode::GONE, "expired"),
    };
    let area = match purpose {
        Purpose::Invite => "invite",
        Purpose::Reset => "account.reset",
    };
    render(
        status,
        &LinkGonePage {
            title: match purpose {
                Purpose::Invite => "invite.title",
                Purpose::Reset => "account.reset-title",
            },
            nav: None,
            t,
            heading: t.get(&format!("{area}-{what}-heading")),
            detail: t.get(&format!("{area}-{what}-detail")),
        },
    )
}

/// The link of `token` for `purpose`, or the page saying why it opens nothing.
async fn live_link(
    state: &AppState,
    purpose: Purpose,
    token: &str,
) -> Result<Result<Link, HttpResponse>, PageError> {
    // Tokens are 64 hex digits; anything else is not worth a query.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return gone_page(purpose, Gone::Unknown).map(Err);
    }
    let hash = auth::hash_token(token);
    let link = state
        .db
        .run(move |conn| invitations::find(conn, &hash))
        .await?;
    let link = match link {
        Some(l) if l.purpose == purpose => l,
        _ => return gone_page(purpose, Gone::Unknown).map(Err),
    };
    if link.used {
        return gone_page(purpose, Gone::Used).map(Err);
    }
    if link.inactive {
        return gone_page(purpose, Gone::Unknown).map(Err);
    }
    if !link.is_live() {
        return gone_page(purpose, Gone::Expired).map(Err);
    }
    Ok(Ok(link))
}

fn set_password_page(
    state: &AppState,
    status: StatusCode,
    purpose: Purpose,
    token: &str,
    link: &Link,
    password_error: Option<String>,
    confirm_error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let t = Tr::current();
    let csrf = auth::random_token();
    let mut response = render(
        status,
        &SetPasswordPage {
            title: match purpose {
                Purpose::Invite => "invite.title",
                Purpose::Reset => "account.reset-title",
            },
            nav: None,
            t,
            csrf: csrf.clone(),
            action: format!("/{}/{token}", purpose.as_str()),
            invite: purpose == Purpose::Invite,
            name: link.name.clone(),
            email: link.email.clone(),
            expires: t.datetime(&link.expires_at),
            password_error,
            confirm_error,
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

async fn open(
    state: web::Data<AppState>,
    token: web::Path<String>,
    purpose: Purpose,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    match live_link(&state, purpose, &token).await? {
        Ok(link) => set_password_page(&state, StatusCode::OK, purpose, &token, &link, None, None),
        Err(page) => Ok(page),
    }
}

/// `GET /invite/{token}`: the form to choose a password, or why the link opens nothing.
pub async fn invite_form(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    open(state, token, Purpose::Invite).await
}

/// `GET /reset/{token}`.
pub async fn reset_form(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    open(state, token, Purpose::Reset).await
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    csrf: String,
}

/// The new password of a form: hashed when it meets the policy and both fields agree;
/// otherwise the messages for the password and the confirmation fields.
pub async fn new_password(
    password: &str,
    confirm: &str,
) -> Result<Result<String, (Option<String>, Option<String>)>, PageError> {
    let t = Tr::current();
    // Typed twice by the same person: a plain comparison leaks nothing to anyone else.
    let mismatch = (password != confirm).then(|| t.get("account.password-mismatch"));
    let password = password.to_string();
    let hashed = web::block(move || password::hash(&password))
        .await
        .map_err(|_| PageError::Internal)?;
    Ok(match (hashed, mismatch) {
        (Ok(hash), None) => Ok(hash),
        (Ok(_), Some(m)) => Err((None, Some(m))),
        (Err(e), m) => Err((Some(form_text::password(&t, &e)), m)),
    })
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<SetPasswordForm>,
    purpose: Purpose,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let form = form.into_inner();
    if !auth::check_login_csrf(&req, &state.cookie_key, &form.csrf) {
        return Err(PageError::BadRequest(
            "the form has expired; reload the page and try again".into(),
        ));
    }
    let link = match live_link(&state, purpose, &token).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    let hash = match new_password(&form.password, &form.confirm).await? {
        Ok(hash) => hash,
        Err((password_error, confirm_error)) => {
            return set_password_page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                purpose,
                &token,
                &link,
                password_error,
                confirm_error,
            )
        }
    };
    let (link_id, employee_id) = (link.id, link.employee_id);
    let redeemed = state
        .db
        .run(move |conn| invitations::redeem(conn, link_id, employee_id, &hash))
        .await;
    match redeemed {
        Ok(true) => {}
        // Used (or expired) by another request meanwhile.
        Ok(false) => return gone_page(purpose, Gone::Used),
        Err(StoreError::NotFound) => return gone_page(purpose, Gone::Unknown),
        Err(e) => return Err(e.into()),
    }
    tracing::info!(
        employee_id,
        purpose = purpose.as_str(),
        "password set through a link"
    );
    let mut response = match purpose {
        Purpose::Invite => {
            // Invited: signed in at once, straight to the feed.
            let cookie = auth::start_session(&state, employee_id).await?;
            let mut response = see_other("/feed");
            response
                .add_cookie(&cookie)
                .map_err(|_| PageError::Internal)?;
            response
        }
        // Reset: every session ended; sign in again with the new password.
        Purpose::Reset => see_other("/login?reset=1"),
    };
    response
        .add_removal_cookie(&auth::removal_cookie(auth::LOGIN_CSRF_COOKIE))
        .map_err(|_| PageError::Internal)?;
    Ok(response)
}

/// `POST /invite/{token}`: sets the first password, signs in, and goes to the feed.
pub async fn invite_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<SetPasswordForm>,
) -> Result<HttpResponse, PageError> {
    submit(req, state, token, form, Purpose::Invite).await
}

/// `POST /reset/{token}`: sets a new password, ends every session, and goes to sign-in.
pub async fn reset_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<SetPasswordForm>,
) -> Result<HttpResponse, PageError> {
    submit(req, state, token, form, Purpose::Reset).await
}

// ---- The CSV of people to invite ----

/// One person to invite, read from a CSV row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRow {
    pub name: Label,
    pub email: Email,
    pub team: Option<Label>,
}

/// A refused row: its line in the file, the column, and the message key with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: u64,
    pub column: &'static str,
    pub key: &'static str,
    pub value: String,
}

/// The most people one file may invite: one transaction, and as many e-mails.
pub const MAX_ROWS: usize = 2_000;

/// Reads `name,email,team` (any order, any case; `e-mail` too; `team` optional; a
/// semicolon- or tab-separated file as well; a UTF-8 byte-order mark skipped) and checks
/// every row, all or nothing like the other imports: every problem of the file is
/// returned, not only the first. Duplicate addresses within the file are refused; blank
/// lines are skipped.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<InviteRow>, Vec<RowProblem>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let problem = |line: u64, column: &'static str, key: &'static str, value: &str| RowProblem {
        line,
        column,
        key,
        value: value.chars().take(80).collect(),
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(vec![problem(1, "", "invite.csv-not-utf8", "")]);
    };
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.to_ascii_lowercase().replace('-', ""))
            .collect(),
        Err(_) => return Err(vec![problem(1, "", "invite.csv-no-header", "")]),
    };
    let position = |name: &str| header.iter().position(|c| c == name);
    let (Some(name_at), Some(email_at)) = (position("name"), position("email")) else {
        return Err(vec![problem(1, "", "invite.csv-no-header", first)]);
    };
    let team_at = position("team");
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(problem(line, "", "invite.csv-unreadable", ""));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |at: usize| record.get(at).unwrap_or_default();
        let name = Label::parse(cell(name_at))
            .map_err(|_| problems.push(problem(line, "name", "invite.csv-bad-name", cell(name_at))))
            .ok();
        let email = match Email::parse(cell(email_at)) {
            Ok(e) if !seen.insert(e.as_str().to_string()) => {
                problems.push(problem(
                    line,
                    "email",
                    "invite.csv-duplicate",
                    cell(email_at),
                ));
                None
            }
            Ok(e) => Some(e),
            Err(_) => {
                problems.push(problem(
                    line,
                    "email",
                    "invite.csv-bad-email",
                    cell(email_at),
                ));
                None
            }
        };
        let team = match team_at.map(cell).unwrap_or_default() {
            "" => Some(None),
            t => Label::parse(t)
                .map(Some)
                .map_err(|_| problems.push(problem(line, "team", "invite.csv-bad-team", t)))
                .ok(),
        };
        if let (Some(name), Some(email), Some(team)) = (name, email, team) {
            rows.push(InviteRow { name, email, team });
        }
        if rows.len() + problems.len() > MAX_ROWS {
            return Err(vec![problem(line, "", "invite.csv-too-many", "")]);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if rows.is_empty() {
        return Err(vec![problem(1, "", "invite.csv-empty", "")]);
    }
    Ok(rows)
}

/// A problem as the page shows it: "Line 3, email: “x” is not an e-mail address."
pub fn problem_text(t: &Tr, p: &RowProblem) -> String {
    let what = t.with("invite.csv-value", "value", &p.value);
    let message = t.get(p.key);
    let message = if p.value.is_empty() {
        message
    } else {
        format!("{message} {what}")
    };
    if p.column.is_empty() {
        t.with2("invite.csv-line", "line", p.line, "message", message)
    } else {
        t.locale().text_with(
            "invite-csv-line-column",
            &[
                ("line", p.line.to_string().into()),
                ("column", p.column.to_string().into()),
                ("message", message.into()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_columns_in_any_order_and_case() {
        let rows = parse_csv(
            "\u{feff}E-mail;Name;Team\nana@example.com;Ana Kim;Sales\n\n bo@example.com ; Bo ;\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].email.as_str(), "ana@example.com");
        assert_eq!(rows[0].team.as_ref().map(Label::as_str), Some("Sales"));
        assert_eq!(rows[1].name.as_str(), "Bo");
        assert_eq!(rows[1].team, None);
        let rows = parse_csv(b"name,email\nAna,ana@example.com\n").unwrap();
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let problems = parse_csv(
            b"name,email,team\nAna,ana@example.com,Sales\n,not-an-email,\nBo,ANA@example.com,\n",
        )
        .unwrap_err();
        let found: Vec<(u64, &str, &str)> =
            problems.iter().map(|p| (p.line, p.column, p.key)).collect();
        assert_eq!(
            found,
            vec![
                (3, "name", "invite.csv-bad-name"),
                (3, "email", "invite.csv-bad-email"),
                (4, "email", "invite.csv-duplicate"),
            ]
        );
        assert_eq!(
            parse_csv(b"who,address\nAna,ana@example.com\n").unwrap_err()[0].key,
            "invite.csv-no-header"
        );
        assert_eq!(
            parse_csv(b"name,email,team\n").unwrap_err()[0].key,
            "invite.csv-empty"
        );
        assert_eq!(
            parse_csv(b"name,email\n\xff\xfe,x\n").unwrap_err()[0].key,
            "invite.csv-not-utf8"
        );
    }
}
