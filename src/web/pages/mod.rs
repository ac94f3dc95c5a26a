//! Server-rendered pages: askama templates next to their handlers, one file per area.

pub mod account;
pub mod admin;
pub mod brands;
pub mod campaigns;
pub mod content;
pub mod conversions;
pub mod dashboard;
pub mod errors;
pub mod feed;
pub mod import;
pub mod invitations;
pub mod keys;
pub mod leaderboards;
pub mod links;
pub mod login;
pub mod mentions;
pub mod password;
pub mod self_report;
pub mod sentiment;
pub mod settings;
pub mod setup;
pub mod shares;
pub mod sso;
pub mod support;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::error::PageError;
pub use crate::i18n::Tr;
use crate::web::auth::CurrentUser;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .service(
            web::resource("/login")
                .route(web::get().to(login::form))
                .route(web::post().to(login::submit)),
        )
        .route("/logout", web::post().to(login::logout))
        .route("/login/sso", web::get().to(sso::start))
        .route("/login/sso/callback", web::get().to(sso::callback))
        // Accounts (issue 13): invitation and reset links, forgot and change password.
        .service(
            web::resource("/invite/{token}")
                .route(web::get().to(invitations::invite_form))
                .route(web::post().to(invitations::invite_submit)),
        )
        .service(
            web::resource("/reset/{token}")
                .route(web::get().to(invitations::reset_form))
                .route(web::post().to(invitations::reset_submit)),
        )
        .service(
            web::resource("/reset")
                .route(web::get().to(password::forgot_form))
                .route(web::post().to(password::forgot)),
        )
        .service(
            web::resource("/me/password")
                .route(web::get().to(password::change_form))
                .route(web::post().to(password::change)),
        )
        .service(
            web::resource("/setup")
                .route(web::get().to(setup::form))
                .route(web::post().to(setup::submit)),
        )
        .route("/feed", web::get().to(feed::page))
        .route(
            "/feed/{content_id}/share/{target}",
            web::post().to(feed::share),
        )
        .route("/feed/{content_id}/link", web::post().to(feed::link))
        .route("/me", web::get().to(links::mine))
        .route("/me/locale", web::post().to(account::set_locale))
        .route("/me/leaderboard", web::get().to(account::leaderboard))
        .route("/me/opt-in", web::post().to(account::set_opt_in))
        .route("/me/data", web::get().to(account::my_data))
        .route(
            "/me/shares/{id}/metrics",
            web::post().to(self_report::report_metrics),
        )
        .route(
            "/me/followers",
            web::post().to(self_report::report_followers),
        )
        .route("/admin/links", web::get().to(links::all))
        .route("/admin/links/{id}/toggle", web::post().to(links::toggle))
        .route("/admin", web::get().to(dashboard::page))
        .route("/admin/leaderboards", web::get().to(leaderboards::page))
        .route("/admin/shares/{id}", web::get().to(shares::page))
        .route(
            "/admin/employees/{id}/stats",
            web::get().to(shares::employee),
        )
        .route(
            "/admin/leaderboards/{board}.csv",
            web::get().to(leaderboards::csv),
        )
        .service(
            web::resource("/admin/employees")
                .route(web::get().to(admin::employees))
                .route(web::post().to(admin::add_employee)),
        )
        .route(
            "/admin/employees/invite-csv",
            web::post().to(admin::invite_csv),
        )
        .service(
            web::resource("/admin/employees/{id}")
                .route(web::get().to(admin::employee))
                .route(web::post().to(admin::edit_employee)),
        )
        .route(
            "/admin/employees/{id}/invite",
            web::post().to(admin::invite),
        )
        .route(
            "/admin/employees/{id}/reset-link",
            web::post().to(admin::reset_link),
        )
        .route(
            "/admin/employees/{id}/deactivate",
            web::post().to(admin::deactivate),
        )
        .route(
            "/admin/employees/{id}/reactivate",
            web::post().to(admin::reactivate),
        )
        .route(
            "/admin/employees/{id}/sessions/end",
            web::post().to(admin::end_sessions),
        )
        .service(
            web::resource("/admin/employees/{id}/erase")
                .route(web::get().to(admin::confirm_erase))
                .route(web::post().to(admin::erase)),
        )
        .route(
            "/admin/employees/{id}/data",
            web::get().to(admin::employee_data),
        )
        .route("/admin/teams", web::post().to(admin::add_team))
        .route("/admin/teams/{id}", web::post().to(admin::rename_team))
        // Content and campaigns (issue 12).
        .service(
            web::resource("/admin/content")
                .route(web::get().to(content::list))
                .route(web::post().to(content::create)),
        )
        .service(
            web::resource("/admin/content/{id}")
                .route(web::get().to(content::edit))
                .route(web::post().to(content::save)),
        )
        .route(
            "/admin/content/{id}/archive",
            web::post().to(content::archive),
        )
        .route("/admin/content/{id}/pin", web::post().to(content::pin))
        .service(
            web::resource("/admin/campaigns")
                .route(web::get().to(campaigns::list))
                .route(web::post().to(campaigns::create)),
        )
        .route(
            "/admin/campaigns/preview",
            web::get().to(campaigns::preview),
        )
        .service(
            web::resource("/admin/campaigns/{id}")
                .route(web::get().to(campaigns::edit))
                .route(web::post().to(campaigns::save)),
        )
        .route(
            "/admin/campaigns/{id}/archive",
            web::post().to(campaigns::archive),
        )
        .route("/admin/conversions", web::get().to(conversions::page))
        .route("/admin/conversions.csv", web::get().to(conversions::csv))
        .service(
            web::resource("/admin/brands")
                .route(web::get().to(brands::page))
                .route(web::post().to(brands::create)),
        )
        .route(
            "/admin/brands/{id}/keywords",
            web::post().to(brands::add_keyword),
        )
        .route(
            "/admin/brands/{id}/keywords/{keyword_id}/delete",
            web::post().to(brands::remove_keyword),
        )
        .route("/admin/mentions", web::get().to(mentions::page))
        .service(
            web::resource("/admin/sentiment")
                .route(web::get().to(sentiment::page))
                .route(web::post().to(sentiment::save)),
        )
        .route(
            "/admin/sentiment/{id}/delete",
            web::post().to(sentiment::remove),
        )
        .service(
            web::resource("/admin/import")
                .route(web::get().to(import::page))
                .route(web::post().to(import::upload)),
        )
        .route("/admin/import/{file}", web::get().to(import::example))
        .service(
            web::resource("/admin/support")
                .route(web::get().to(support::page))
                .route(web::post().to(support::add)),
        )
        .service(
            web::resource("/admin/keys")
                .route(web::get().to(keys::page))
                .route(web::post().to(keys::create)),
        )
        .service(
            web::resource("/admin/keys/{id}/revoke")
                .route(web::get().to(keys::confirm_revoke))
                .route(web::post().to(keys::revoke)),
        )
        .service(
            web::resource("/admin/settings")
                .route(web::get().to(settings::page))
                .route(web::post().to(settings::save)),
        );
}

/// What the layout shows about the signed-in person (see `templates/_layout.html`).
pub struct Nav {
    pub name: String,
    pub is_admin: bool,
    pub csrf: String,
    pub active: &'static str,
}

/// One entry of the navigation: where it goes, its catalog key, and the `active` id of
/// the pages it stands for.
pub struct NavLink {
    pub href: &'static str,
    pub key: &'static str,
    pub id: &'static str,
}

const fn link(href: &'static str, key: &'static str, id: &'static str) -> NavLink {
    NavLink { href, key, id }
}

/// What an admin opens every day, in the header itself.
const ADMIN_PRIMARY: &[NavLink] = &[
    link("/admin", "nav.overview", "home"),
    link("/admin/leaderboards", "nav.leaderboards", "leaderboards"),
    link("/admin/conversions", "nav.conversions", "conversions"),
    link("/admin/links", "nav.links", "links"),
    link("/admin/content", "nav.content", "content"),
    link("/admin/campaigns", "nav.campaigns", "campaigns"),
    link("/admin/employees", "nav.employees", "employees"),
];

/// The rest of the admin pages, behind "More" on wide screens.
const ADMIN_MORE: &[NavLink] = &[
    link("/admin/mentions", "nav.mentions", "mentions"),
    link("/admin/brands", "nav.brands", "brands"),
    link("/admin/sentiment", "nav.sentiment", "sentiment"),
    link("/admin/support", "nav.support", "support"),
    link("/admin/import", "nav.import", "import"),
    link("/admin/keys", "nav.keys", "keys"),
    link("/admin/settings", "nav.settings", "settings"),
];

/// Every signed-in person's own pages.
const PERSONAL: &[NavLink] = &[
    link("/feed", "nav.feed", "feed"),
    link("/me", "nav.me", "me"),
];

impl Nav {
    pub fn new(user: &CurrentUser, active: &'static str) -> Nav {
        Nav {
            name: user.name.clone(),
            is_admin: user.is_admin(),
            csrf: user.csrf.clone(),
            active,
        }
    }

    /// The header's links (admins' daily pages, then the person's own).
    pub fn primary(&self) -> impl Iterator<Item = &'static NavLink> {
        let admin: &'static [NavLink] = if self.is_admin { ADMIN_PRIMARY } else { &[] };
        admin.iter().chain(PERSONAL)
    }

    /// The links behind "More" (empty for employees).
    pub fn more(&self) -> &'static [NavLink] {
        if self.is_admin {
            ADMIN_MORE
        } else {
            &[]
        }
    }

    /// Whether the current page is one of the "More" links (so "More" shows as current).
    pub fn in_more(&self) -> bool {
        self.more().iter().any(|l| l.id == self.active)
    }
}

/// Renders a template as an HTML response with the given status.
pub fn render(
    status: actix_web::http::StatusCode,
    page: &impl Template,
) -> Result<HttpResponse, PageError> {
    let html = page.render()?;
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html))
}

pub fn ok(page: &impl Template) -> Result<HttpResponse, PageError> {
    render(actix_web::http::StatusCode::OK, page)
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// `/`: admins to the dashboard, employees to their feed, everyone else to log in.
async fn home(user: Option<CurrentUser>) -> HttpResponse {
    match user {
        Some(u) if u.is_admin() => see_other("/admin"),
        Some(_) => see_other("/feed"),
        None => see_other("/login"),
    }
}

/// The period of a filter form: local dates `from` and `to`, both included, as the
/// `[from, to)` times the store filters take, with the message to show beside a field
/// that cannot be read.
pub struct FormPeriod {
    pub from: Option<chrono::NaiveDateTime>,
    pub to: Option<chrono::NaiveDateTime>,
    pub from_error: Option<String>,
    pub to_error: Option<String>,
}

impl FormPeriod {
    pub fn parse(from: &str, to: &str, tz: chrono_tz::Tz) -> FormPeriod {
        let (from, from_error) = split(day_start(from, false, tz));
        let (to, mut to_error) = split(day_start(to, true, tz));
        if let (Some(f), Some(t)) = (from, to) {
            if f >= t {
                to_error = Some(Tr::current().get("form.date-order"));
            }
        }
        return FormPeriod {
            from,
            to,
            from_error,
            to_error,
        };

        fn split<T>(r: Result<Option<T>, String>) -> (Option<T>, Option<String>) {
            match r {
                Ok(v) => (v, None),
                Err(e) => (None, Some(e)),
            }
        }
    }
}

/// A local day as the start of `[from, to)`: the day itself, or the day after (`next`)
/// so that the end date is included.
fn day_start(
    value: &str,
    next: bool,
    tz: chrono_tz::Tz,
) -> Result<Option<chrono::NaiveDateTime>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || Tr::current().with("form.date-invalid", "value", value);
    let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
    let date = if next {
        date.succ_opt().ok_or_else(bad)?
    } else {
        date
    };
    crate::domain::share::parse_time(&date.format("%Y-%m-%d").to_string(), tz)
        .map(Some)
        .map_err(|_| bad())
}

/// Domain validation errors as sentences in the page's language (the JSON API keeps the
/// English `Display` of the same errors).
pub mod form_text {
    use super::Tr;
    use crate::domain::password::PasswordError;
    use crate::domain::person::InvalidLabel;

    /// `field` is the key of the field's name, e.g. `form.field.name`.
    pub fn label(t: &Tr, field: &str, e: &InvalidLabel) -> String {
        let field = t.get(field);
        match e {
            InvalidLabel::Empty => t.with("form.label-empty", "field", field),
            InvalidLabel::TooLong(max) => {
                t.with2("form.label-too-long", "field", field, "max", max)
            }
            InvalidLabel::Control => t.with("form.label-control", "field", field),
        }
    }

    pub fn email(t: &Tr, value: &str) -> String {
        t.with("form.email-invalid", "value", value.trim())
    }

    pub fn role(t: &Tr, value: &str) -> String {
        t.with("form.role-unknown", "value", value)
    }

    pub fn password(t: &Tr, e: &PasswordError) -> String {
        match e {
            PasswordError::TooShort(n) => t.with("form.password-too-short", "min", n),
            PasswordError::TooLong(n) => t.with("form.password-too-long", "max", n),
            PasswordError::Hashing => t.get("form.password-hashing"),
        }
    }
}
