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
use actix_web::HttpResponse;
use askama::Template;

use crate::error::PageError;
pub use crate::i18n::Tr;
use crate::web::access::{get, post, Routes};
use crate::web::auth::CurrentUser;

pub fn routes(r: &mut Routes) {
    r.at("/", [get(home)])
        .at("/login", [get(login::form), post(login::submit)])
        .at("/logout", [post(login::logout)])
        .at("/login/sso", [get(sso::start)])
        .at("/login/sso/callback", [get(sso::callback)])
        // Accounts (issue 13): invitation and reset links, forgot and change password.
        .at(
            "/invite/{token}",
            [
                get(invitations::invite_form),
                post(invitations::invite_submit),
            ],
        )
        .at(
            "/reset/{token}",
            [
                get(invitations::reset_form),
                post(invitations::reset_submit),
            ],
        )
        .at(
            "/reset",
            [get(password::forgot_form), post(password::forgot)],
        )
        .at(
            "/me/password",
            [get(password::change_form), post(password::change)],
        )
        .at("/setup", [get(setup::form), post(setup::submit)])
        .at("/feed", [get(feed::page)])
        .at("/feed/{content_id}/share/{target}", [post(feed::share)])
        .at("/feed/{content_id}/link", [post(feed::link)])
        .at("/me", [get(links::mine)])
        .at("/me/locale", [post(account::set_locale)])
        .at("/me/leaderboard", [get(account::leaderboard)])
        .at("/me/opt-in", [post(account::set_opt_in)])
        .at("/me/data", [get(account::my_data)])
        .at(
            "/me/shares/{id}/metrics",
            [post(self_report::report_metrics)],
        )
        .at("/me/followers", [post(self_report::report_followers)])
        .at("/admin/links", [get(links::all)])
        .at("/admin/links/{id}/toggle", [post(links::toggle)])
        .at("/admin", [get(dashboard::page)])
        .at("/admin/leaderboards", [get(leaderboards::page)])
        .at("/admin/shares/{id}", [get(shares::page)])
        .at("/admin/employees/{id}/stats", [get(shares::employee)])
        .at("/admin/content/{id}/stats", [get(shares::content)])
        .at("/admin/leaderboards/{board}.csv", [get(leaderboards::csv)])
        .at(
            "/admin/employees",
            [get(admin::employees), post(admin::add_employee)],
        )
        .at("/admin/employees/invite-csv", [post(admin::invite_csv)])
        .at(
            "/admin/employees/{id}",
            [get(admin::employee), post(admin::edit_employee)],
        )
        .at("/admin/employees/{id}/invite", [post(admin::invite)])
        .at(
            "/admin/employees/{id}/reset-link",
            [post(admin::reset_link)],
        )
        .at(
            "/admin/employees/{id}/deactivate",
            [post(admin::deactivate)],
        )
        .at(
            "/admin/employees/{id}/reactivate",
            [post(admin::reactivate)],
        )
        .at(
            "/admin/employees/{id}/sessions/end",
            [post(admin::end_sessions)],
        )
        .at(
            "/admin/employees/{id}/erase",
            [get(admin::confirm_erase), post(admin::erase)],
        )
        .at("/admin/employees/{id}/data", [get(admin::employee_data)])
        .at("/admin/teams", [post(admin::add_team)])
        .at("/admin/teams/{id}", [post(admin::rename_team)])
        // Content and campaigns (issue 12).
        .at(
            "/admin/content",
            [get(content::list), post(content::create)],
        )
        .at(
            "/admin/content/{id}",
            [get(content::edit), post(content::save)],
        )
        .at("/admin/content/{id}/archive", [post(content::archive)])
        .at("/admin/content/{id}/pin", [post(content::pin)])
        .at(
            "/admin/campaigns",
            [get(campaigns::list), post(campaigns::create)],
        )
        .at("/admin/campaigns/preview", [get(campaigns::preview)])
        .at(
            "/admin/campaigns/{id}",
            [get(campaigns::edit), post(campaigns::save)],
        )
        .at("/admin/campaigns/{id}/archive", [post(campaigns::archive)])
        .at("/admin/conversions", [get(conversions::page)])
        .at("/admin/conversions.csv", [get(conversions::csv)])
        .at("/admin/brands", [get(brands::page), post(brands::create)])
        .at("/admin/brands/{id}/keywords", [post(brands::add_keyword)])
        .at(
            "/admin/brands/{id}/keywords/{keyword_id}/delete",
            [post(brands::remove_keyword)],
        )
        .at("/admin/mentions", [get(mentions::page)])
        .at(
            "/admin/sentiment",
            [get(sentiment::page), post(sentiment::save)],
        )
        .at("/admin/sentiment/{id}/delete", [post(sentiment::remove)])
        .at("/admin/import", [get(import::page), post(import::upload)])
        .at("/admin/import/{file}", [get(import::example)])
        .at("/admin/support", [get(support::page), post(support::add)])
        .at("/admin/keys", [get(keys::page), post(keys::create)])
        .at(
            "/admin/keys/{id}/revoke",
            [get(keys::confirm_revoke), post(keys::revoke)],
        )
        .at(
            "/admin/settings",
            [get(settings::page), post(settings::save)],
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
