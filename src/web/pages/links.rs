//! Share-link lists: the employee's own links (`/me`) and every link for admins
//! (`/admin/links`, with disable/enable).

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::{ok, see_other, Nav};
use crate::error::PageError;
use crate::store::clicks::ClickTotals;
use crate::store::shares::{ShareChanges, ShareListing};
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
}

async fn load(state: &AppState, employee_id: Option<i64>) -> Result<Vec<LinkView>, PageError> {
    state.clicks.settle().await;
    let (listings, totals) = state
        .db
        .run(move |conn| {
            let listings = store::shares::list_with_names(conn, employee_id, PAGE)?;
            let ids: Vec<i64> = listings.iter().map(|l| l.share.id).collect();
            Ok((listings, store::clicks::totals_for(conn, &ids)?))
        })
        .await?;
    let base = state.settings.public_base();
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
    name: String,
    email: String,
    links: Vec<LinkView>,
    show_employee: bool,
    admin_csrf: Option<String>,
}

pub async fn mine(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let links = load(&state, Some(user.id)).await?;
    ok(&MyLinksPage {
        title: "My links",
        nav: Some(Nav::new(&user, "me")),
        name: user.name.clone(),
        email: user.email.clone(),
        links,
        show_employee: false,
        admin_csrf: None,
    })
}

#[derive(Template)]
#[template(path = "admin/links.html")]
struct AllLinksPage {
    title: &'static str,
    nav: Option<Nav>,
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
        title: "Share links",
        nav: Some(Nav::new(&user, "links")),
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
