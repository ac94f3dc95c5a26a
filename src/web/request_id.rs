//! Requests you can follow: every request but a short link gets an id, answered in
//! `X-Request-Id` and carried by a `tracing` span around its handler, so each log line the
//! request causes (a failed query, a template error, the access log) names the request an
//! operator is looking at. A well-formed id sent by a proxy in front is kept, so one id
//! follows the request through both logs.
//!
//! Short links stay out: the redirect path does the least possible (STYLE.md), and a
//! click is already identified by its click id.

use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

/// Length of a generated id: nanoid's URL-safe alphabet, 96 bits of randomness.
const GENERATED_LEN: usize = 16;

/// The longest id taken from a proxy.
const MAX_LEN: usize = 64;

/// Whether `value` is an id worth keeping from a proxy: 1 to [`MAX_LEN`] characters of
/// letters, digits, `-`, `_` and `.` (nothing a log reader could mistake for structure).
pub fn acceptable(value: &str) -> bool {
    (1..=MAX_LEN).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The middleware: the id (kept or new), the span, the response header.
pub async fn assign(
    req: ServiceRequest,
    next: Next<impl actix_web::body::MessageBody>,
) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map_or_else(|| nanoid::nanoid!(GENERATED_LEN), str::to_owned);
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.path(),
    );
    let mut res = next.call(req).instrument(span).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static(HEADER), value);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_ids_of_reasonable_length_are_kept() {
        assert!(acceptable("b7c1e0f2-7d1a-4f57-9a43-3c5a8e1d2f10"));
        assert!(acceptable("req.42_A"));
        assert!(!acceptable(""));
        assert!(!acceptable(&"a".repeat(MAX_LEN + 1)));
        assert!(!acceptable("id with spaces"));
        assert!(!acceptable("a\nfake log line"));
        assert!(!acceptable("ä"));
    }
}
