//! The signed-in person's own settings and views: the UI language (the header's switch),
//! whether they appear by name on boards (privacy mode `opt_in`), the employees'
//! leaderboard (`/me/leaderboard`) and the download of their own data (`/me/data`).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::leaderboards::BoardView;
use super::{ok, see_other, Nav, Tr};
use crate::app::leaderboards::{self, BoardRequest};
use crate::app::privacy;
use crate::config::PrivacyMode;
use crate::domain::leaderboard::Board;
use crate::error::PageError;
use crate::i18n::Locale;
use crate::store;
use crate::web::auth::CurrentUser;
use crate::web::AppState;

#[derive(Deserialize)]
pub struct LocaleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    locale: String,
}

/// `POST /me/locale`: stores the choice in `employees.locale`, then back to the page the
/// form was on.
pub async fn set_locale(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<LocaleForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let locale = Locale::parse(&form.locale)
        .ok_or_else(|| PageError::BadRequest("choose English (en) or Korean (ko)".into()))?;
    let id = user.id;
    state
        .db
        .run(move |conn| store::employees::set_locale(conn, id, Some(locale.code())))
        .await?;
    Ok(see_other(&back_to(&req)))
}

/// The path (and query) of the page that sent the form, from `Referer`; `/` otherwise.
/// Only the path is kept, so the redirect cannot leave this site.
fn back_to(req: &HttpRequest) -> String {
    req.headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/me/locale"))
        .unwrap_or_else(|| "/".to_string())
}

#[derive(Deserialize)]
pub struct OptInForm {
    #[serde(default)]
    csrf: String,
    /// A checkbox: present ("on") when ticked.
    #[serde(default)]
    opt_in: Option<String>,
}

/// `POST /me/opt-in`: the employee's own choice to appear by name on boards under
/// the privacy mode `opt_in` (nobody else can make it), then back to `/me` with a notice.
pub async fn set_opt_in(
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<OptInForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let opted_in = form.opt_in.as_deref().is_some_and(|v| !v.is_empty());
    let id = user.id;
    state
        .db
        .run(move |conn| store::employees::set_opt_in(conn, id, opted_in))
        .await?;
    tracing::info!(employee_id = id, opted_in, "leaderboard opt-in changed");
    Ok(see_other("/me?saved=privacy"))
}

/// The boards employees see on `/me/leaderboard`.
const EMPLOYEE_BOARDS: [Board; 2] = [Board::EmployeesClicks, Board::EmployeesShares];

/// Rows of each board on `/me/leaderboard`.
const EMPLOYEE_BOARD_ROWS: usize = 10;

#[derive(Template)]
#[template(path = "employee/leaderboard.html")]
struct LeaderboardPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    boards: Vec<BoardView>,
    days: i64,
    note: Option<String>,
}

/// `GET /me/leaderboard`: the first ten of the clicks and shares boards over the last 30
/// days, for every signed-in person, under the privacy mode (`app::privacy`); not there
/// at all under `admins_only`.
pub async fn leaderboard(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let effective = state.effective();
    let mode = effective.privacy_mode;
    if !privacy::employee_board_visible(mode) && !user.is_admin() {
        return Err(PageError::NotFound);
    }
    let tz = effective.timezone;
    let currency = effective.default_currency.clone();
    let t = Tr::current();
    let filter = super::dashboard::ReportForm::default()
        .parse(&t, tz, super::dashboard::today(tz), &[], &[])
        .map_err(|_| PageError::Internal)?
        .filter(&currency);
    let audience = super::leaderboards::audience(&state, &user);
    let requests: Vec<BoardRequest> = EMPLOYEE_BOARDS
        .iter()
        .map(|board| BoardRequest {
            board: *board,
            filter: filter.clone(),
            limit: EMPLOYEE_BOARD_ROWS,
            audience: audience.clone(),
        })
        .collect();
    state.clicks.settle().await;
    let ranked = state
        .db
        .run(move |conn| {
            requests
                .iter()
                .map(|req| Ok((req.board, leaderboards::ranked(conn, req)?)))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let boards = ranked
        .iter()
        .map(|(board, rows)| {
            let mut view = super::leaderboards::board_view(&t, *board, rows, &currency);
            // Employees open no admin pages.
            if !user.is_admin() {
                for row in &mut view.rows {
                    row.href = None;
                }
            }
            view
        })
        .collect();
    let note = match mode {
        PrivacyMode::TeamsOnly => Some(t.get("privacy.board-teams")),
        PrivacyMode::OptIn => Some(t.get("privacy.board-opt-in")),
        _ => None,
    };
    ok(&LeaderboardPage {
        title: "privacy.board-title",
        nav: Some(Nav::new(&user, "me")),
        t,
        boards,
        days: 30,
        note,
    })
}

/// `GET /me/data`: everything stored about the signed-in person, as a JSON download
/// (`app::personal_data`).
pub async fn my_data(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    data_download(&state, user.id).await
}

/// Employee `id`'s data as a JSON attachment.
pub(crate) async fn data_download(state: &AppState, id: i64) -> Result<HttpResponse, PageError> {
    let base = state.settings.public_base().to_string();
    state.clicks.settle().await;
    let doc = state
        .db
        .run(move |conn| crate::app::personal_data::export(conn, id, &base))
        .await?;
    let body = serde_json::to_vec_pretty(&doc).map_err(|err| {
        tracing::error!(error = %err, "cannot write an employee's data");
        PageError::Internal
    })?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_TYPE,
            "application/json; charset=utf-8",
        ))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                crate::app::personal_data::filename(id)
            ),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(body))
}
