//! `GET /metrics`: Prometheus text exposition of the click pipeline and the pool.
//!
//! The numbers reveal traffic volumes, so the endpoint is not public:
//! - with `CHORUS_METRICS_TOKEN` set, a request must carry `Authorization: Bearer <token>`
//!   (Prometheus: `authorization: { credentials: <token> }` in the scrape config), from
//!   anywhere; anything else gets 401;
//! - without it, only a direct loopback peer is answered (a scraper on the same host or
//!   through a port-forward), and only when the request has no `Forwarded` /
//!   `X-Forwarded-For` header: a reverse proxy on the same host is a loopback peer too,
//!   and what it forwards comes from the internet. Anything else gets 404, as if there
//!   were no such page.

use std::sync::atomic::Ordering;

use crate::web::auth::same_secret;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

use super::AppState;

pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    match access(&req, state.settings.metrics_token.as_ref()) {
        Access::Granted => {}
        Access::NeedsToken => {
            return HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"chorus metrics\""))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish()
        }
        Access::Hidden => return HttpResponse::NotFound().finish(),
    }
    let mut registry = Registry::with_prefix("chorus");
    let stats = &state.writer_stats;
    let counters = [
        (
            "clicks_committed",
            "Clicks committed to the database by the writer",
            &stats.committed,
        ),
        (
            "clicks_spooled",
            "Clicks written to the spool because the database could not commit",
            &stats.spooled,
        ),
        (
            "clicks_replayed",
            "Spooled clicks later committed",
            &stats.replayed,
        ),
        (
            "clicks_failed",
            "Clicks neither committed nor spooled (their redirects failed)",
            &stats.failed,
        ),
        (
            "click_batches",
            "Batches committed by the writer",
            &stats.batches,
        ),
        (
            "click_writer_restarts",
            "Times the click writer panicked and was restarted",
            &stats.restarts,
        ),
        (
            "click_settles",
            "Reads that waited for the click writer to commit the clicks answered before them",
            &stats.settles,
        ),
    ];
    for (name, help, value) in counters {
        registry.register(name, help, ConstCounter::new(value.load(Ordering::Relaxed)));
    }
    registry.register(
        "clicks_pending",
        "Clicks answered but not yet committed or spooled (queued or being written)",
        ConstGauge::new(i64::try_from(stats.pending.load(Ordering::Relaxed)).unwrap_or(i64::MAX)),
    );
    let lag = stats
        .oldest_uncommitted(chrono::Utc::now().timestamp_millis())
        .map_or(0.0, |age| age.as_secs_f64());
    registry.register(
        "clicks_oldest_uncommitted_seconds",
        "Age of the oldest answered click not yet in the database (0 when there is none)",
        ConstGauge::new(lag),
    );
    let pool = state.db.pool_state();
    registry.register(
        "db_connections",
        "Open database connections",
        ConstGauge::new(i64::from(pool.connections)),
    );
    registry.register(
        "db_connections_idle",
        "Idle database connections",
        ConstGauge::new(i64::from(pool.idle_connections)),
    );
    registry.register(
        "cached_links",
        "Short links held in memory",
        ConstGauge::new(state.links.len() as i64),
    );
    let mut body = String::new();
    if encode(&mut body, &registry).is_err() {
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

#[derive(Debug, PartialEq, Eq)]
enum Access {
    Granted,
    NeedsToken,
    Hidden,
}

fn access(req: &HttpRequest, token: Option<&crate::config::MetricsToken>) -> Access {
    match token {
        Some(token) => {
            let given = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    let (scheme, rest) = v.trim().split_once(' ')?;
                    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
                });
            match given {
                Some(given) if same_secret(given, token.expose()) => Access::Granted,
                _ => Access::NeedsToken,
            }
        }
        None => {
            let loopback = req
                .peer_addr()
                .is_some_and(|a| a.ip().to_canonical().is_loopback());
            let proxied = req.headers().contains_key("forwarded")
                || req.headers().contains_key("x-forwarded-for");
            if loopback && !proxied {
                Access::Granted
            } else {
                Access::Hidden
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{access, Access};
    use crate::config::MetricsToken;
    use actix_web::test::TestRequest;

    const TOKEN: &str = "0123456789abcdef0123";

    #[test]
    fn a_token_is_required_when_configured() {
        let token = MetricsToken::parse(TOKEN).unwrap();
        let peer = "203.0.113.9:5000".parse().unwrap();
        let with = |auth: &str| {
            TestRequest::default()
                .peer_addr(peer)
                .insert_header(("authorization", auth))
                .to_http_request()
        };
        assert_eq!(
            access(&with(&format!("Bearer {TOKEN}")), Some(&token)),
            Access::Granted
        );
        assert_eq!(
            access(&with(&format!("bearer  {TOKEN} ")), Some(&token)),
            Access::Granted
        );
        for bad in [
            "Bearer wrong",
            "Basic abc",
            TOKEN,
            "Bearer",
            &format!("Bearer {TOKEN}x"),
        ] {
            assert_eq!(
                access(&with(bad), Some(&token)),
                Access::NeedsToken,
                "{bad}"
            );
        }
        let loopback = TestRequest::default()
            .peer_addr("127.0.0.1:5000".parse().unwrap())
            .to_http_request();
        assert_eq!(access(&loopback, Some(&token)), Access::NeedsToken);
    }

    #[test]
    fn without_a_token_only_direct_loopback_peers_are_answered() {
        let at = |peer: &str| TestRequest::default().peer_addr(peer.parse().unwrap());
        assert_eq!(
            access(&at("127.0.0.1:1").to_http_request(), None),
            Access::Granted
        );
        assert_eq!(
            access(&at("[::1]:1").to_http_request(), None),
            Access::Granted
        );
        assert_eq!(
            access(&at("[::ffff:127.0.0.1]:1").to_http_request(), None),
            Access::Granted
        );
        assert_eq!(
            access(&at("10.0.0.5:1").to_http_request(), None),
            Access::Hidden
        );
        let proxied = at("127.0.0.1:1")
            .insert_header(("x-forwarded-for", "198.51.100.7"))
            .to_http_request();
        assert_eq!(access(&proxied, None), Access::Hidden);
        let proxied = at("127.0.0.1:1")
            .insert_header(("forwarded", "for=198.51.100.7"))
            .to_http_request();
        assert_eq!(access(&proxied, None), Access::Hidden);
    }
}
