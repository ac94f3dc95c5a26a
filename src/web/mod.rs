//! The HTTP face of Chorus: shared state, the route table, and the areas behind it.

pub mod access;
pub mod api;
pub mod assets;
pub mod auth;
pub mod charts;
pub mod content_image;
pub mod csv_export;
pub mod health;
pub mod lexicon;
pub mod metrics;
pub mod pages;
pub mod qr;
pub mod redirect;
pub mod request_id;

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use actix_web::cookie::Key;
use actix_web::web;
use governor::DefaultKeyedRateLimiter;

use crate::clicks::cache::LinkCache;
use crate::clicks::enrich::Enricher;
use crate::clicks::salts::Salts;
use crate::clicks::writer::{ClickSink, WriterStats};
use crate::config::Settings;
use crate::db::Db;
use crate::domain::client_ip::{AddressBlock, TrustedProxies};
use crate::domain::slug;

/// Everything handlers share, built once by `startup`.
pub struct AppState {
    pub db: Db,
    /// The configuration as started. Settings admins change at run time (time zone,
    /// currency, redirect status, …) are read through [`AppState::effective`] instead.
    pub settings: Arc<Settings>,
    /// The settings admins change at run time, as in force on this instance.
    pub live: crate::app::settings::LiveSettings,
    pub cookie_key: Key,
    pub csrf_secret: Vec<u8>,
    /// Sign-in and password forms, per client (IPv6 by /64) and per account.
    pub login_limiter: pages::login::LoginLimiter,
    /// Conversions reported with publishable keys, per (key id, client: IPv6 by /64).
    pub conversion_limiter: DefaultKeyedRateLimiter<(i64, AddressBlock)>,
    /// The one-time setup link's token, while no admin exists.
    pub setup_token: Mutex<Option<String>>,
    pub links: LinkCache,
    pub salts: Salts,
    pub enricher: Enricher,
    pub clicks: ClickSink,
    pub trusted_proxies: TrustedProxies,
    pub writer_stats: Arc<WriterStats>,
    /// The merged sentiment lexicon, cached (see `lexicon`).
    pub lexicon: lexicon::LexiconCache,
    /// Set while `/admin/import` runs one: a second import would only wait for the
    /// first one's write lock, holding its upload and a connection meanwhile.
    pub import_busy: std::sync::atomic::AtomicBool,
    /// Single sign-on, when an identity provider is configured.
    pub sso: Option<crate::app::sso::Sso>,
}

/// The click pipeline's parts, built by `startup`.
pub struct ClickParts {
    pub links: LinkCache,
    pub enricher: Enricher,
    pub clicks: ClickSink,
    pub trusted_proxies: TrustedProxies,
    pub writer_stats: Arc<WriterStats>,
}

impl AppState {
    pub fn new(
        db: Db,
        settings: Arc<Settings>,
        secret: &[u8],
        setup_token: Option<String>,
        parts: ClickParts,
        live: crate::app::settings::LiveSettings,
    ) -> AppState {
        // Key::derive_from wants at least 32 bytes; the instance secret has 64.
        let cookie_key = Key::derive_from(secret);
        let login_limiter = pages::login::LoginLimiter::from_settings(&settings);
        let sso = settings.sso.clone().map(crate::app::sso::Sso::new);
        let mut csrf_secret = secret.to_vec();
        csrf_secret.extend_from_slice(b"/csrf");
        AppState {
            salts: Salts::new(db.clone()),
            links: parts.links,
            enricher: parts.enricher,
            clicks: parts.clicks,
            trusted_proxies: parts.trusted_proxies,
            writer_stats: parts.writer_stats,
            db,
            settings,
            live,
            cookie_key,
            csrf_secret,
            login_limiter,
            conversion_limiter: api::conversions::rate_limiter(),
            setup_token: Mutex::new(setup_token),
            lexicon: lexicon::LexiconCache::default(),
            import_busy: std::sync::atomic::AtomicBool::new(false),
            sso,
        }
    }
}

impl AppState {
    /// The settings in force (stored by an admin, else configured); never a database
    /// read (see `app::settings::LiveSettings`).
    pub fn effective(&self) -> Arc<crate::app::settings::EffectiveSettings> {
        self.live.current()
    }
}

/// The visitor's address: the peer, or what a trusted proxy says the peer was.
///
/// Every line of each forwarding header is read, joined with `", "` in order, as
/// `client_ip` requires: a proxy may append its own line instead of extending the
/// client's, and reading only the first line would believe the client's forgery. A line
/// that is not visible text stands for an `unknown` node, past which no walk goes.
pub fn client_address(req: &actix_web::HttpRequest, state: &AppState) -> IpAddr {
    let header = |name: &str| all_lines(req.headers(), name);
    let peer = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED.into());
    crate::domain::client_ip::client_ip(
        peer,
        header("forwarded").as_deref(),
        header("x-forwarded-for").as_deref(),
        &state.trusted_proxies,
    )
}

/// All lines of header `name` joined with `", "`; `None` when it is absent, and
/// `Some("unknown")` (a node `client_ip` refuses to walk past) when a line is not text.
pub(crate) fn all_lines(
    headers: &actix_web::http::header::HeaderMap,
    name: &str,
) -> Option<String> {
    let mut joined: Option<String> = None;
    for value in headers.get_all(name) {
        let line = value.to_str().unwrap_or("unknown");
        match joined.as_mut() {
            Some(j) => {
                j.push_str(", ");
                j.push_str(line);
            }
            None => joined = Some(line.to_owned()),
        }
    }
    joined
}

/// The whole route table, used by `startup` for the server and by nothing else, so tests
/// exercise exactly what production serves.
pub fn routes(cfg: &mut web::ServiceConfig) {
    register(&mut access::Routes::new(cfg, &mut Vec::new()));
}

/// Registers every route through `r`, which records them for the authorization matrix
/// (`access::route_table`).
pub(crate) fn register(r: &mut access::Routes) {
    use access::{get, head};
    // First: short links are most of the traffic, so they should not be tried against
    // every page route (some of them regexes) before matching. The guard leaves the app's
    // own single-segment paths (`/login`, `/admin`, `/healthz`, …) to the routes below:
    // they are all reserved words, which no slug can be.
    r.at_with(
        "/{slug}",
        [get(redirect::follow), head(redirect::follow)],
        |resource| {
            resource.guard(actix_web::guard::fn_guard(|ctx| {
                is_short_link_path(ctx.head().uri.path())
            }))
        },
    );
    // Everything else (pages, API, assets, metrics, the not-found page) carries the
    // security headers; the short links above do not: a 302 has no document to protect.
    let scope = web::scope("")
        .wrap(actix_web::middleware::from_fn(security_headers))
        .wrap(actix_web::middleware::from_fn(auth::secure_cookies))
        .wrap(actix_web::middleware::from_fn(request_id::assign))
        .configure(|cfg| {
            let mut r = r.nest("", cfg);
            let api_v1 =
                web::scope("/api/v1").configure(|c| api::routes(&mut r.nest("/api/v1", c)));
            r.config()
                .service(api_v1)
                .service(web::scope("/api").default_service(web::to(api::unknown_route)));
            r.at("/healthz", [get(health::healthz)])
                .at("/metrics", [get(metrics::metrics)])
                .at("/static/{path:.*}", [get(assets::serve)])
                .at("/content/{id:[0-9]+}/image", [get(content_image::image)])
                .at(
                    "/qr/{slug:[A-Za-z0-9_-]+}.{format:svg|png}",
                    [get(qr::image)],
                );
            // Pages speak the negotiated language (crate::i18n): one middleware for all.
            let pages = web::scope("")
                .wrap(actix_web::middleware::from_fn(
                    crate::i18n::request::negotiate_locale,
                ))
                .configure(|c| pages::routes(&mut r.nest("", c)));
            r.config().service(pages);
        });
    r.config().service(scope);
}

/// The policy for every page: scripts, styles, fonts, images and fetches from this origin
/// only (no inline script or style: the templates have none; content preview images are
/// fetched by the server and served from here, see `app::preview_images`), no plugins, no `<base>`, and no
/// framing (clickjacking). Forms post here, but `form-action` also governs the redirects
/// that follow a post, and the feed's share buttons post to Chorus, which answers with a
/// redirect to the network's share page: so https targets are allowed too, and `mailto:`
/// for the e-mail button (never `http:`, `data:` or `javascript:`).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self' https: mailto:; \
     frame-ancestors 'none'";

/// Browser features no page uses, turned off for them and for anything they embed.
pub const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), \
     usb=()";

/// HSTS for an https base URL: one year, subdomains left to the operator's own policy.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Adds the security headers (CSP, `Permissions-Policy`, `X-Content-Type-Options`,
/// `Referrer-Policy`, and HSTS when the base URL is https) to each response that does not
/// set them itself.
async fn security_headers(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::http::header::{self, HeaderName, HeaderValue};
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.settings.secure_cookies());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
    Ok(res)
}

/// A single path segment that is not a reserved word: a short link's path.
fn is_short_link_path(path: &str) -> bool {
    path.strip_prefix('/')
        .is_some_and(|slug| !slug.is_empty() && !slug.contains('/') && !slug::is_reserved(slug))
}

#[cfg(test)]
mod tests {
    use super::is_short_link_path;

    #[test]
    fn only_single_unreserved_segments_are_short_links() {
        for path in ["/abc1234", "/Spring-Launch_2026", "/x"] {
            assert!(is_short_link_path(path), "{path}");
        }
        for path in [
            "/",
            "",
            "/login",
            "/LOGIN",
            "/admin",
            "/healthz",
            "/metrics",
            "/setup",
            "/me",
            "/api",
            "/static",
            "/favicon.ico",
            "/abc/def",
            "/admin/links",
        ] {
            assert!(!is_short_link_path(path), "{path}");
        }
    }
}
