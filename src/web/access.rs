//! The authorization matrix: every route Chorus serves, with who may use it.
//!
//! Two halves, kept apart on purpose:
//! - [`Routes`] is how the route table is registered (`web::routes`, `api::routes`,
//!   `pages::routes`): each `at(path, [get(handler), …])` configures actix *and* records
//!   `(method, full path pattern)`, so [`route_table`] lists exactly what the server serves
//!   (actix itself cannot list its routes).
//! - [`MATRIX`] is the declarative table of who may use each of them, one line a route.
//!
//! The handlers' extractors (`web::auth`: `CurrentUser`, `AdminUser`, `ApiCaller`,
//! `FullAccess`, and `/metrics`' own token check) do the refusing; this table is their
//! documentation and the test's oracle. The unit test below fails, naming the route, when
//! a registered route has no line here (or a line names no route), and the integration
//! test `tests/it/authz.rs` tries every role against every line.

use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, Resource, Responder, Route};

/// Who is asking, as the server can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// No credentials at all (a key on a page, or a session cookie on the API, counts
    /// as nothing: pages read only the cookie, the API only `Authorization`).
    Anonymous,
    /// A signed-in session of role `employee`.
    Employee,
    /// A signed-in session of role `admin`.
    Admin,
    /// `Authorization: Bearer chr_sk_…`.
    FullKey,
    /// `Authorization: Bearer chr_pk_…` (public by design).
    PublishableKey,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Anonymous,
        Role::Employee,
        Role::Admin,
        Role::FullKey,
        Role::PublishableKey,
    ];
}

use Role::{Admin, Anonymous, Employee, FullKey, PublishableKey};

/// Anyone at all: short links, assets, health, the sign-in pages.
pub const EVERYONE: &[Role] = &[Anonymous, Employee, Admin, FullKey, PublishableKey];
/// A signed-in session of either role.
pub const SIGNED_IN: &[Role] = &[Employee, Admin];
/// A signed-in admin.
pub const ADMIN: &[Role] = &[Admin];
/// A full API key.
pub const FULL_KEY: &[Role] = &[FullKey];
/// Any API key (only `POST /api/v1/conversions`).
pub const ANY_KEY: &[Role] = &[FullKey, PublishableKey];
/// None of the five: `/metrics` answers its own bearer token (`CHORUS_METRICS_TOKEN`)
/// or, without one, a direct loopback scraper.
pub const OPERATOR: &[Role] = &[];

/// How a refused role is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Pages: no session → `303` to `/login?next=…`; an employee on an admin page → the
    /// 403 page. A form posted without its CSRF token → 400 ("the form has expired").
    Page,
    /// The API: no or unknown key → 401, a publishable key elsewhere than conversions →
    /// 403; both with the JSON error body of `API.md`.
    Api,
    /// `/metrics`: 401 with `WWW-Authenticate: Bearer` when a token is configured (404
    /// for non-loopback peers without one).
    Metrics,
}

/// One line of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub method: &'static str,
    /// The path pattern exactly as registered (actix syntax, regexes included).
    pub pattern: &'static str,
    pub allowed: &'static [Role],
    pub refusal: Refusal,
    /// A concrete path to request. `{employee}`, `{content}`, … name fixtures the test
    /// creates (see `tests/it/authz.rs`); a pattern without parameters is its own sample.
    pub sample: &'static str,
}

impl Rule {
    /// The path to request: the sample, or the pattern when it has no parameter.
    pub const fn at(self, sample: &'static str) -> Rule {
        Rule { sample, ..self }
    }
}

const fn page(method: &'static str, pattern: &'static str, allowed: &'static [Role]) -> Rule {
    Rule {
        method,
        pattern,
        allowed,
        refusal: Refusal::Page,
        sample: pattern,
    }
}

const fn api(method: &'static str, pattern: &'static str, allowed: &'static [Role]) -> Rule {
    Rule {
        method,
        pattern,
        allowed,
        refusal: Refusal::Api,
        sample: pattern,
    }
}

const GET: &str = "GET";
const HEAD: &str = "HEAD";
const POST: &str = "POST";
const PUT: &str = "PUT";
const PATCH: &str = "PATCH";
const DELETE: &str = "DELETE";
const OPTIONS: &str = "OPTIONS";

/// Every route, who may use it, and how the others are refused. One line a route
/// (method + pattern as registered); adding a route without a line fails
/// `every_route_has_a_rule`.
#[rustfmt::skip]
pub const MATRIX: &[Rule] = &[
    // Short links, their QR codes, and what every page needs.
    page(GET, "/{slug}", EVERYONE).at("/{slug}"),
    page(HEAD, "/{slug}", EVERYONE).at("/{slug}"),
    page(GET, "/qr/{slug:[A-Za-z0-9_-]+}.{format:svg|png}", EVERYONE).at("/qr/{slug}.svg"),
    page(GET, "/static/{path:.*}", EVERYONE).at("/static/css/app.css"),
    page(GET, "/healthz", EVERYONE),
    Rule { refusal: Refusal::Metrics, ..page(GET, "/metrics", OPERATOR) },
    page(GET, "/content/{id:[0-9]+}/image", SIGNED_IN).at("/content/{content}/image"),
    // Signing in, account links, setup.
    page(GET, "/", SIGNED_IN),
    page(GET, "/login", EVERYONE),
    page(POST, "/login", EVERYONE),
    page(POST, "/logout", SIGNED_IN),
    page(GET, "/login/sso", EVERYONE),
    page(GET, "/login/sso/callback", EVERYONE),
    page(GET, "/invite/{token}", EVERYONE).at("/invite/{token}"),
    page(POST, "/invite/{token}", EVERYONE).at("/invite/{token}"),
    page(GET, "/reset/{token}", EVERYONE).at("/reset/{token}"),
    page(POST, "/reset/{token}", EVERYONE).at("/reset/{token}"),
    page(GET, "/reset", EVERYONE),
    page(POST, "/reset", EVERYONE),
    page(GET, "/setup", EVERYONE),
    page(POST, "/setup", EVERYONE),
    // Every signed-in person's own pages.
    page(GET, "/me/password", SIGNED_IN),
    page(POST, "/me/password", SIGNED_IN),
    page(GET, "/feed", SIGNED_IN),
    page(POST, "/feed/{content_id}/share/{target}", SIGNED_IN).at("/feed/{content}/share/linkedin"),
    page(POST, "/feed/{content_id}/link", SIGNED_IN).at("/feed/{content}/link"),
    page(GET, "/me", SIGNED_IN),
    page(POST, "/me/locale", SIGNED_IN),
    page(GET, "/me/leaderboard", SIGNED_IN),
    page(POST, "/me/opt-in", SIGNED_IN),
    page(GET, "/me/data", SIGNED_IN),
    page(POST, "/me/shares/{id}/metrics", SIGNED_IN).at("/me/shares/{share}/metrics"),
    page(POST, "/me/followers", SIGNED_IN),
    // Admin pages.
    page(GET, "/admin/links", ADMIN),
    page(POST, "/admin/links/{id}/toggle", ADMIN).at("/admin/links/{share}/toggle"),
    page(GET, "/admin", ADMIN),
    page(GET, "/admin/leaderboards", ADMIN),
    page(GET, "/admin/shares/{id}", ADMIN).at("/admin/shares/{share}"),
    page(GET, "/admin/employees/{id}/stats", ADMIN).at("/admin/employees/{employee}/stats"),
    page(GET, "/admin/content/{id}/stats", ADMIN).at("/admin/content/{content}/stats"),
    page(GET, "/admin/leaderboards/{board}.csv", ADMIN).at("/admin/leaderboards/employees.csv"),
    page(GET, "/admin/employees", ADMIN),
    page(POST, "/admin/employees", ADMIN),
    page(POST, "/admin/employees/invite-csv", ADMIN),
    page(GET, "/admin/employees/{id}", ADMIN).at("/admin/employees/{employee}"),
    page(POST, "/admin/employees/{id}", ADMIN).at("/admin/employees/{employee}"),
    page(POST, "/admin/employees/{id}/invite", ADMIN).at("/admin/employees/{employee}/invite"),
    page(POST, "/admin/employees/{id}/reset-link", ADMIN).at("/admin/employees/{employee}/reset-link"),
    page(POST, "/admin/employees/{id}/deactivate", ADMIN).at("/admin/employees/{employee}/deactivate"),
    page(POST, "/admin/employees/{id}/reactivate", ADMIN).at("/admin/employees/{employee}/reactivate"),
    page(POST, "/admin/employees/{id}/sessions/end", ADMIN).at("/admin/employees/{employee}/sessions/end"),
    page(GET, "/admin/employees/{id}/erase", ADMIN).at("/admin/employees/{employee}/erase"),
    page(POST, "/admin/employees/{id}/erase", ADMIN).at("/admin/employees/{erasable}/erase"),
    page(GET, "/admin/employees/{id}/data", ADMIN).at("/admin/employees/{employee}/data"),
    page(POST, "/admin/teams", ADMIN),
    page(POST, "/admin/teams/{id}", ADMIN).at("/admin/teams/{team}"),
    page(GET, "/admin/content", ADMIN),
    page(POST, "/admin/content", ADMIN),
    page(GET, "/admin/content/{id}", ADMIN).at("/admin/content/{content}"),
    page(POST, "/admin/content/{id}", ADMIN).at("/admin/content/{content}"),
    page(POST, "/admin/content/{id}/archive", ADMIN).at("/admin/content/{content}/archive"),
    page(POST, "/admin/content/{id}/pin", ADMIN).at("/admin/content/{content}/pin"),
    page(GET, "/admin/campaigns", ADMIN),
    page(POST, "/admin/campaigns", ADMIN),
    page(GET, "/admin/campaigns/preview", ADMIN),
    page(GET, "/admin/campaigns/{id}", ADMIN).at("/admin/campaigns/{campaign}"),
    page(POST, "/admin/campaigns/{id}", ADMIN).at("/admin/campaigns/{campaign}"),
    page(POST, "/admin/campaigns/{id}/archive", ADMIN).at("/admin/campaigns/{campaign}/archive"),
    page(GET, "/admin/conversions", ADMIN),
    page(GET, "/admin/conversions.csv", ADMIN),
    page(GET, "/admin/brands", ADMIN),
    page(POST, "/admin/brands", ADMIN),
    page(POST, "/admin/brands/{id}/keywords", ADMIN).at("/admin/brands/{brand}/keywords"),
    page(POST, "/admin/brands/{id}/keywords/{keyword_id}/delete", ADMIN).at("/admin/brands/{brand}/keywords/{keyword}/delete"),
    page(GET, "/admin/mentions", ADMIN),
    page(GET, "/admin/sentiment", ADMIN),
    page(POST, "/admin/sentiment", ADMIN),
    page(POST, "/admin/sentiment/{id}/delete", ADMIN).at("/admin/sentiment/{sentiment}/delete"),
    page(GET, "/admin/import", ADMIN),
    page(POST, "/admin/import", ADMIN),
    page(GET, "/admin/import/{file}", ADMIN).at("/admin/import/employees.csv"),
    page(GET, "/admin/support", ADMIN),
    page(POST, "/admin/support", ADMIN),
    page(GET, "/admin/keys", ADMIN),
    page(POST, "/admin/keys", ADMIN),
    page(GET, "/admin/keys/{id}/revoke", ADMIN).at("/admin/keys/{key}/revoke"),
    page(POST, "/admin/keys/{id}/revoke", ADMIN).at("/admin/keys/{key}/revoke"),
    page(GET, "/admin/settings", ADMIN),
    page(POST, "/admin/settings", ADMIN),
    // The JSON API (API.md): full keys only, but for conversions.
    api(GET, "/api/v1/employees", FULL_KEY),
    api(POST, "/api/v1/employees", FULL_KEY),
    api(GET, "/api/v1/employees/{id}", FULL_KEY).at("/api/v1/employees/{employee}"),
    api(PATCH, "/api/v1/employees/{id}", FULL_KEY).at("/api/v1/employees/{employee}"),
    api(POST, "/api/v1/employees/{id}/invitation", FULL_KEY).at("/api/v1/employees/{employee}/invitation"),
    api(POST, "/api/v1/employees/{id}/erase", FULL_KEY).at("/api/v1/employees/{erasable}/erase"),
    api(GET, "/api/v1/employees/{id}/data", FULL_KEY).at("/api/v1/employees/{employee}/data"),
    api(GET, "/api/v1/employees/{id}/followers", FULL_KEY).at("/api/v1/employees/{employee}/followers"),
    api(POST, "/api/v1/employees/{id}/followers", FULL_KEY).at("/api/v1/employees/{employee}/followers"),
    api(GET, "/api/v1/teams", FULL_KEY),
    api(POST, "/api/v1/teams", FULL_KEY),
    api(PATCH, "/api/v1/teams/{id}", FULL_KEY).at("/api/v1/teams/{team}"),
    api(GET, "/api/v1/campaigns", FULL_KEY),
    api(POST, "/api/v1/campaigns", FULL_KEY),
    api(GET, "/api/v1/campaigns/{id}", FULL_KEY).at("/api/v1/campaigns/{campaign}"),
    api(PATCH, "/api/v1/campaigns/{id}", FULL_KEY).at("/api/v1/campaigns/{campaign}"),
    api(GET, "/api/v1/content", FULL_KEY),
    api(POST, "/api/v1/content", FULL_KEY),
    api(GET, "/api/v1/content/{id}", FULL_KEY).at("/api/v1/content/{content}"),
    api(PATCH, "/api/v1/content/{id}", FULL_KEY).at("/api/v1/content/{content}"),
    api(GET, "/api/v1/shares", FULL_KEY),
    api(POST, "/api/v1/shares", FULL_KEY),
    api(GET, "/api/v1/shares/{id}", FULL_KEY).at("/api/v1/shares/{share}"),
    api(PATCH, "/api/v1/shares/{id}", FULL_KEY).at("/api/v1/shares/{share}"),
    api(GET, "/api/v1/shares/{id}/metrics", FULL_KEY).at("/api/v1/shares/{share}/metrics"),
    api(POST, "/api/v1/shares/{id}/metrics", FULL_KEY).at("/api/v1/shares/{share}/metrics"),
    api(GET, "/api/v1/support-cases", FULL_KEY),
    api(POST, "/api/v1/support-cases", FULL_KEY),
    api(GET, "/api/v1/support-cases/{id}", FULL_KEY).at("/api/v1/support-cases/{support}"),
    api(GET, "/api/v1/leaderboards/{board}", FULL_KEY).at("/api/v1/leaderboards/employees"),
    api(GET, "/api/v1/kpis", FULL_KEY),
    api(GET, "/api/v1/trends", FULL_KEY),
    api(GET, "/api/v1/attribution", FULL_KEY),
    api(GET, "/api/v1/settings", FULL_KEY),
    api(PUT, "/api/v1/settings", FULL_KEY),
    api(GET, "/api/v1/api-keys", FULL_KEY),
    api(POST, "/api/v1/api-keys", FULL_KEY),
    api(DELETE, "/api/v1/api-keys/{id}", FULL_KEY).at("/api/v1/api-keys/{key}"),
    api(GET, "/api/v1/settings/emv-rates", FULL_KEY),
    api(PUT, "/api/v1/settings/emv-rates", FULL_KEY),
    api(DELETE, "/api/v1/settings/emv-rates", FULL_KEY),
    api(GET, "/api/v1/export/leaderboards/{board}.csv", FULL_KEY).at("/api/v1/export/leaderboards/employees.csv"),
    api(GET, "/api/v1/export/kpis.csv", FULL_KEY),
    api(GET, "/api/v1/breakdowns/{dimension}", FULL_KEY).at("/api/v1/breakdowns/country"),
    api(GET, "/api/v1/export/breakdowns/{dimension}.csv", FULL_KEY).at("/api/v1/export/breakdowns/country.csv"),
    api(POST, "/api/v1/conversions", ANY_KEY),
    api(GET, "/api/v1/conversions", FULL_KEY),
    // The CORS preflight carries no credentials, by the browsers' rules.
    api(OPTIONS, "/api/v1/conversions", EVERYONE),
    api(GET, "/api/v1/conversions/{id}", FULL_KEY).at("/api/v1/conversions/{conversion}"),
    api(GET, "/api/v1/export/clicks.csv", FULL_KEY),
    api(GET, "/api/v1/export/conversions.csv", FULL_KEY),
    api(GET, "/api/v1/export/shares.csv", FULL_KEY),
    api(GET, "/api/v1/export/mentions.csv", FULL_KEY),
    api(GET, "/api/v1/brands", FULL_KEY),
    api(POST, "/api/v1/brands", FULL_KEY),
    api(GET, "/api/v1/brands/{id}", FULL_KEY).at("/api/v1/brands/{brand}"),
    api(GET, "/api/v1/mentions", FULL_KEY),
    api(POST, "/api/v1/mentions", FULL_KEY),
];

/// The rule for a registered route, if the matrix has one.
pub fn rule(method: &str, pattern: &str) -> Option<&'static Rule> {
    MATRIX
        .iter()
        .find(|r| r.method == method && r.pattern == pattern)
}

/// One registered route: its method and full path pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteId {
    pub method: Method,
    pub pattern: String,
}

impl std::fmt::Display for RouteId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.pattern)
    }
}

/// A handler bound to one method, for [`Routes::at`].
pub struct Verb {
    method: Method,
    route: Route,
}

/// `handler` for `method`.
pub fn verb<F, Args>(method: Method, handler: F) -> Verb
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    Verb {
        route: web::method(method.clone()).to(handler),
        method,
    }
}

macro_rules! verbs {
    ($($name:ident => $method:ident),*) => {$(
        #[doc = concat!("`handler` for `", stringify!($method), "`.")]
        pub fn $name<F, Args>(handler: F) -> Verb
        where
            F: Handler<Args>,
            Args: FromRequest + 'static,
            F::Output: Responder + 'static,
        {
            verb(Method::$method, handler)
        }
    )*};
}

verbs!(get => GET, head => HEAD, post => POST, put => PUT, patch => PATCH, delete => DELETE);

/// Route registration that records what it registers: each `at` adds one actix resource
/// and one [`RouteId`] per method, under the prefix of the scopes it is nested in.
pub struct Routes<'a> {
    cfg: &'a mut web::ServiceConfig,
    prefix: String,
    table: &'a mut Vec<RouteId>,
}

impl<'a> Routes<'a> {
    pub fn new(cfg: &'a mut web::ServiceConfig, table: &'a mut Vec<RouteId>) -> Routes<'a> {
        Routes {
            cfg,
            prefix: String::new(),
            table,
        }
    }

    /// The underlying configuration, for app data and default services (never for
    /// routes: they would escape the table).
    pub fn config(&mut self) -> &mut web::ServiceConfig {
        self.cfg
    }

    /// Registration inside a scope at `prefix` (relative to this one) whose configuration
    /// is `cfg`: `web::scope(p).wrap(…).configure(|c| area::routes(&mut r.nest(p, c)))`.
    pub fn nest<'b>(&'b mut self, prefix: &str, cfg: &'b mut web::ServiceConfig) -> Routes<'b> {
        Routes {
            cfg,
            prefix: format!("{}{prefix}", self.prefix),
            table: self.table,
        }
    }

    /// `path` answered by `verbs`.
    pub fn at(&mut self, path: &str, verbs: impl IntoIterator<Item = Verb>) -> &mut Self {
        self.at_with(path, verbs, |resource| resource)
    }

    /// `path` answered by `verbs`, on a resource `with` adds guards or app data to.
    pub fn at_with(
        &mut self,
        path: &str,
        verbs: impl IntoIterator<Item = Verb>,
        with: impl FnOnce(Resource) -> Resource,
    ) -> &mut Self {
        let mut resource = with(web::resource(path));
        for Verb { method, route } in verbs {
            self.table.push(RouteId {
                method,
                pattern: format!("{}{path}", self.prefix),
            });
            resource = resource.route(route);
        }
        self.cfg.service(resource);
        self
    }
}

/// Every route the server registers, in registration order, read from the same
/// `web::routes` that configures the server.
pub fn route_table() -> Vec<RouteId> {
    let mut table = Vec::new();
    let _app = actix_web::App::new().configure(|cfg| {
        super::register(&mut Routes::new(cfg, &mut table));
    });
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_rule() {
        let missing: Vec<String> = route_table()
            .iter()
            .filter(|r| rule(r.method.as_str(), &r.pattern).is_none())
            .map(|r| {
                format!(
                    "{r}: add `page({m}, \"{p}\", …)` or `api(…)` to web::access::MATRIX",
                    m = r.method,
                    p = r.pattern
                )
            })
            .collect();
        assert!(
            missing.is_empty(),
            "routes without a rule:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn every_rule_names_a_route_once() {
        let table = route_table();
        for (i, r) in MATRIX.iter().enumerate() {
            assert!(
                table
                    .iter()
                    .any(|t| t.method.as_str() == r.method && t.pattern == r.pattern),
                "the matrix names {} {}, which no route registers",
                r.method,
                r.pattern
            );
            assert!(
                !MATRIX[..i]
                    .iter()
                    .any(|o| o.method == r.method && o.pattern == r.pattern),
                "the matrix names {} {} twice",
                r.method,
                r.pattern
            );
        }
    }

    #[test]
    fn api_routes_are_refused_as_api_and_pages_as_pages() {
        for r in MATRIX {
            let api = r.pattern.starts_with("/api/");
            assert_eq!(api, r.refusal == Refusal::Api, "{} {}", r.method, r.pattern);
        }
    }
}
