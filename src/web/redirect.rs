//! `GET|HEAD /{slug}`: the hot path. Cache lookup, build the click, wait for the group
//! commit, answer. Nothing else happens here.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

use crate::clicks::enrich::RequestFacts;
use crate::domain::utm::append_query_param;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::web::auth::session_cookie;
use crate::web::pages::Nav;
use crate::web::AppState;

const CLICK_ID_ALPHABET: [char; 62] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i',
    'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'A', 'B',
    'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U',
    'V', 'W', 'X', 'Y', 'Z',
];

/// Base 62 in ASCII order, so that a later time is a greater string.
const TIME_DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Public click ids: 16 alphanumerics, safe in any URL and cookie. The first 7 are the
/// time in milliseconds (base 62, so ids sort by time and the unique index grows at its
/// end instead of taking a random page per click); the other 9 are random (53 bits).
pub fn new_click_id() -> String {
    let mut millis = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
    let mut prefix = [b'0'; 7];
    for slot in prefix.iter_mut().rev() {
        *slot = TIME_DIGITS[(millis % 62) as usize];
        millis /= 62;
    }
    let mut id = String::with_capacity(16);
    id.extend(prefix.iter().map(|b| char::from(*b)));
    id.push_str(&nanoid::nanoid!(9, &CLICK_ID_ALPHABET));
    id
}

fn header_str<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

pub async fn follow(
    req: HttpRequest,
    slug: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    // The cache refuses strings no slug could be before any lookup or entry.
    let link = match state.links.get(&slug).await {
        Ok(Some(link)) => link,
        Ok(None) => return error_page(&req, StatusCode::NOT_FOUND, &PageError::LinkNotFound),
        Err(err) => {
            tracing::error!(error = %err, "link lookup failed");
            return error_page(
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                &PageError::Unavailable,
            );
        }
    };
    let now = Utc::now();
    if link.disabled || link.expires_at.is_some_and(|at| at <= now.naive_utc()) {
        return error_page(&req, StatusCode::GONE, &PageError::LinkGone);
    }

    let ip = crate::web::client_address(&req, &state);
    let purpose = header_str(&req, "sec-purpose")
        .or_else(|| header_str(&req, "purpose"))
        .unwrap_or("");
    let facts = RequestFacts {
        ip,
        user_agent: header_str(&req, "user-agent"),
        referer: header_str(&req, "referer"),
        head: req.method() == actix_web::http::Method::HEAD,
        prefetch: purpose.contains("prefetch") || purpose.contains("prerender"),
        own_click: session_cookie(&req, &state.cookie_key)
            .is_some_and(|(employee, _)| employee == link.employee_id),
    };
    let day = state.enricher.local_day(now);
    let salt = match state.salts.for_day(day).await {
        Ok(salt) => salt,
        Err(err) => {
            tracing::error!(error = %err, "no visitor salt");
            return error_page(
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                &PageError::Unavailable,
            );
        }
    };
    let click_id = new_click_id();
    let location = if link.click_param {
        append_query_param(&link.destination, &state.settings.click_param, &click_id)
    } else {
        link.destination.clone()
    };
    let click = state
        .enricher
        .click(&facts, link.share_id, click_id, now, &salt);
    if state.clicks.record(click).await.is_err() {
        return error_page(
            &req,
            StatusCode::SERVICE_UNAVAILABLE,
            &PageError::Unavailable,
        );
    }
    let status = StatusCode::from_u16(state.live.redirect_status()).unwrap_or(StatusCode::FOUND);
    HttpResponse::build(status)
        .insert_header((header::LOCATION, location))
        // Browsers cache 301/308 answers; no-store makes every click reach us.
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .finish()
}

/// The error page of a request served outside the page middleware (short links, QR
/// codes, static files), in the language of its `Accept-Language`, else the instance
/// default. No session lookup: these answers are for anyone who follows a link, and the
/// work happens on the error path only, so a redirect that succeeds pays nothing for it.
pub fn error_page(req: &HttpRequest, status: StatusCode, err: &PageError) -> HttpResponse {
    #[derive(askama::Template)]
    #[template(path = "errors/error.html")]
    struct ErrorPage {
        title: &'static str,
        nav: Option<Nav>,
        t: Tr,
        status: u16,
        heading: &'static str,
        detail: String,
    }
    let t = Tr::new(crate::i18n::request::without_session(req));
    // The keys of `web::pages::errors`, for the errors these paths can answer.
    let (heading, detail) = match err {
        PageError::LinkNotFound => (
            "error.link-not-found.heading",
            "error.link-not-found.detail",
        ),
        PageError::LinkGone => ("error.link-gone.heading", "error.link-gone.detail"),
        PageError::NotFound => ("error.not-found.heading", "error.not-found.detail"),
        PageError::BadRequest(_) => ("error.bad-request.heading", "error.bad-request.detail"),
        PageError::Unavailable => ("error.unavailable.heading", "error.unavailable.detail"),
        _ => ("error.internal.heading", "error.internal.detail"),
    };
    let page = ErrorPage {
        title: heading,
        nav: None,
        t,
        status: status.as_u16(),
        heading,
        detail: t.get(detail),
    };
    match askama::Template::render(&page) {
        Ok(html) => HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::VARY, "Accept-Language"))
            .body(html),
        Err(_) => HttpResponse::build(status).body(t.get(heading)),
    }
}

#[cfg(test)]
mod tests {
    use super::new_click_id;

    #[test]
    fn click_ids_are_alphanumeric_unique_and_sort_by_time() {
        let a = new_click_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_click_id();
        assert_eq!((a.len(), b.len()), (16, 16));
        assert!(a
            .chars()
            .chain(b.chars())
            .all(|c| c.is_ascii_alphanumeric()));
        assert!(a[..7] < b[..7], "{a} then {b}");
        // Across a digit → letter → lowercase boundary the order holds too.
        let digits: Vec<u8> = super::TIME_DIGITS.to_vec();
        assert!(digits.windows(2).all(|w| w[0] < w[1]));
        let many: std::collections::HashSet<String> = (0..10_000).map(|_| new_click_id()).collect();
        assert_eq!(many.len(), 10_000);
    }
}
