//! Share-link lists: the employee's own links (`/me`, with the self-report forms of
//! `self_report`) and every link for admins (`/admin/links`, with disable/enable).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::self_report::{FollowerField, MetricsDraft, ReportForm};
use super::{ok, render, see_other, Nav, Tr};
use crate::domain::network::Network;
use crate::error::PageError;
use crate::store::clicks::ClickTotals;
use crate::store::shares::{ShareChanges, ShareListing};
use crate::store::snapshots::{FollowerSnapshot, MetricsSnapshot, Sources};
use crate::store::{self, StoreError};
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::AppState;

/// How many links a page shows (newest first).
const PAGE: i64 = 500;

/// One row of a links table.
pub struct LinkView {
    pub id: i64,
    pub slug: String,
    pub short_url: String,
    pub title: String,
    pub content_url: String,
    pub employee: String,
    pub network: String,
    pub status: &'static str,
    pub totals: ClickTotals,
    /// The latest metrics snapshot, any source.
    pub metrics: Option<MetricsView>,
    /// The self-report form, on the employee's own page.
    pub report: Option<ReportForm>,
}

/// A share's latest engagement figures as the table shows them.
pub struct MetricsView {
    pub likes: i64,
    pub comments: i64,
    pub reshares: i64,
    pub engagement: i64,
    pub impressions: Option<i64>,
    /// The employee typed these in (marked in the table).
    pub self_reported: bool,
    /// Local date of the observation.
    pub observed: String,
}

impl MetricsView {
    fn new(m: MetricsSnapshot, tz: chrono_tz::Tz) -> MetricsView {
        MetricsView {
            self_reported: m.is_self_reported(),
            likes: m.likes,
            comments: m.comments,
            reshares: m.reshares,
            engagement: m.engagement,
            impressions: m.impressions,
            observed: Tr::current().date(&m.observed_at.with_timezone(&tz).date_naive()),
        }
    }
}

async fn load(state: &AppState, employee_id: Option<i64>) -> Result<Vec<LinkView>, PageError> {
    state.clicks.settle().await;
    let (listings, totals, mut metrics) = state
        .db
        .run(move |conn| {
            let listings = store::shares::list_with_names(conn, employee_id, PAGE)?;
            let ids: Vec<i64> = listings.iter().map(|l| l.share.id).collect();
            Ok((
                listings,
                store::clicks::totals_for(conn, &ids)?,
                store::snapshots::latest_metrics(conn, &ids, Sources::ALL)?,
            ))
        })
        .await?;
    let base = state.settings.public_base();
    let tz = state.effective().timezone;
    let now = Utc::now();
    Ok(listings
        .into_iter()
        .map(
            |ShareListing {
                 share,
                 employee,
                 title,
                 content_url,
             }| LinkView {
                metrics: metrics.remove(&share.id).map(|m| MetricsView::new(m, tz)),
                report: None,
                status: if share.disabled {
                    "disabled"
                } else if share.expires_at.is_some_and(|at| at <= now) {
                    "expired"
                } else {
                    "active"
                },
                totals: totals.get(&share.id).copied().unwrap_or_default(),
                short_url: format!("{base}/{}", share.slug),
                id: share.id,
                slug: share.slug,
                title,
                content_url,
                employee,
                network: share.network,
            },
        )
        .collect())
}

#[derive(Template)]
#[template(path = "employee/home.html")]
struct MyLinksPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    name: String,
    email: String,
    links: Vec<LinkView>,
    show_employee: bool,
    admin_csrf: Option<String>,
    csrf: String,
    followers: Vec<FollowerField>,
    followers_error: Option<String>,
    notice: Option<String>,
    /// Their row on every employee board over the last days (`app::my_stats`).
    stats: Vec<MyStatView>,
    stats_days: i64,
    /// Their own choice to appear by name on boards (privacy mode `opt_in`).
    opt_in: bool,
    /// The privacy mode in force asks for that choice.
    opt_in_mode: bool,
    /// `/me/leaderboard` is open to them.
    board_visible: bool,
}

/// One tile of "my stats": what the board counts, their value, and their rank.
pub struct MyStatView {
    pub label: String,
    pub value: String,
    pub rank: String,
}

/// "My stats" covers this many local days, today included.
const MY_STATS_DAYS: i64 = 30;

async fn my_stats(state: &AppState, user: &CurrentUser) -> Result<Vec<MyStatView>, PageError> {
    let effective = state.effective();
    let tz = effective.timezone;
    let currency = effective.default_currency.clone();
    let t = Tr::current();
    // The dashboard's default period (the last 30 local days, today included), read the
    // way the dashboard and the leaderboards page read it, so the ranks are theirs.
    let filter = super::dashboard::ReportForm::default()
        .parse(&t, tz, super::dashboard::today(tz), &[], &[])
        .map_err(|_| PageError::Internal)?
        .filter(&currency);
    let employee_id = user.id;
    let mode = effective.privacy_mode;
    let ranks = state
        .db
        .run(move |conn| crate::app::my_stats::my_ranks(conn, employee_id, &filter, mode))
        .await?;
    Ok(ranks
        .into_iter()
        .map(|r| MyStatView {
            label: t.get(&format!("board.{}.value", r.board.name())),
            value: r
                .value
                .map(|v| super::leaderboards::value_text(&t, r.board, v, &currency))
                .unwrap_or_else(|| "—".to_string()),
            rank: match r.rank {
                Some(rank) => t.with2("mystats.rank", "rank", rank, "of", r.of),
                None if !r.rank_shown => t.get("privacy.rank-hidden"),
                None => t.get("mystats.unranked"),
            },
        })
        .collect())
}

/// What `/me` shows besides the stored data: a refused form with its errors, or a notice.
#[derive(Default)]
pub struct MyPageDraft {
    pub metrics: Option<MetricsDraft>,
    /// Values typed into the follower form, by network, with their errors.
    pub followers: HashMap<Network, (String, Option<String>)>,
    /// Why the follower form was refused, above it.
    pub followers_error: Option<String>,
    pub notice: Option<String>,
}

/// Renders `/me` for `user`: their links with the self-report forms, and their follower
/// counts per network.
pub async fn my_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    mut draft: MyPageDraft,
) -> Result<HttpResponse, PageError> {
    let mut links = load(state, Some(user.id)).await?;
    if let Some(m) = &draft.metrics {
        // A refused form names a share of someone else: answer as if it did not exist.
        if !links.iter().any(|l| l.id == m.share_id) {
            return Err(PageError::NotFound);
        }
    }
    for link in &mut links {
        let form = match &draft.metrics {
            Some(m) if m.share_id == link.id => ReportForm::refused(user, m),
            // The last figures known, to correct or bring up to date.
            _ => ReportForm::prefilled(user, link.id, link.metrics.as_ref()),
        };
        link.report = Some(form);
    }
    let employee_id = user.id;
    let pairs: Vec<(i64, Network)> = Network::ALL.iter().map(|n| (employee_id, *n)).collect();
    let mut current: HashMap<(i64, Network), FollowerSnapshot> = state
        .db
        .run(move |conn| {
            store::snapshots::latest_followers_at(conn, &pairs, store::now(), Sources::ALL)
        })
        .await?;
    let tz = state.effective().timezone;
    let followers = Network::ALL
        .into_iter()
        .map(|network| {
            let (value, error) = draft.followers.remove(&network).unwrap_or_default();
            FollowerField::new(
                network,
                current.remove(&(employee_id, network)),
                value,
                error,
                tz,
            )
        })
        .collect();
    let stats = my_stats(state, user).await?;
    let opt_in = state
        .db
        .run(move |conn| store::employees::find_opt_in(conn, employee_id))
        .await?;
    let mode = state.effective().privacy_mode;
    render(
        status,
        &MyLinksPage {
            stats,
            stats_days: MY_STATS_DAYS,
            opt_in,
            opt_in_mode: mode == crate::config::PrivacyMode::OptIn,
            board_visible: crate::app::privacy::employee_board_visible(mode) || user.is_admin(),
            title: "page.me",
            nav: Some(Nav::new(user, "me")),
            t: Tr::current(),
            name: user.name.clone(),
            email: user.email.clone(),
            links,
            show_employee: false,
            admin_csrf: None,
            csrf: user.csrf.clone(),
            followers,
            followers_error: draft.followers_error,
            notice: draft.notice,
        },
    )
}

#[derive(Deserialize)]
pub struct MyNotice {
    saved: Option<String>,
}

pub async fn mine(
    user: CurrentUser,
    state: web::Data<AppState>,
    notice: web::Query<MyNotice>,
) -> Result<HttpResponse, PageError> {
    let notice = match notice.saved.as_deref() {
        Some("metrics") => Some(Tr::current().get("me.saved-numbers")),
        Some("followers") => Some(Tr::current().get("me.saved-followers")),
        Some("privacy") => Some(Tr::current().get("privacy.saved")),
        _ => None,
    };
    let draft = MyPageDraft {
        notice,
        ..MyPageDraft::default()
    };
    my_page(&state, &user, StatusCode::OK, draft).await
}

#[derive(Template)]
#[template(path = "admin/links.html")]
struct AllLinksPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    links: Vec<LinkView>,
    show_employee: bool,
    admin_csrf: Option<String>,
}

pub async fn all(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let links = load(&state, None).await?;
    ok(&AllLinksPage {
        title: "page.links",
        nav: Some(Nav::new(&user, "links")),
        t: Tr::current(),
        links,
        show_employee: true,
        admin_csrf: Some(user.csrf.clone()),
    })
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Switches a link off (or back on); the redirect answers 410 while it is off.
pub async fn toggle(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id = id.into_inner();
    let share = state
        .db
        .run(move |conn| {
            let current = store::shares::find_by_id(conn, id)?;
            let changes = ShareChanges {
                disabled: Some(!current.disabled),
                ..ShareChanges::default()
            };
            store::shares::update(conn, id, &changes)
        })
        .await
        .map_err(|e| match e {
            StoreError::NotFound => PageError::NotFound,
            other => other.into(),
        })?;
    state.links.invalidate(&share.slug);
    Ok(see_other("/admin/links"))
}
