//! Error pages (404, 403, 500 …) rendered inside the layout.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use askama::Template;

use crate::error::PageError;
use crate::web::pages::{Nav, Tr};

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    status: u16,
    heading: &'static str,
    detail: String,
}

/// Always answers with HTML, in the language of the request being handled (see
/// `i18n::request`); if even the template fails, a plain-text line.
pub fn render(status: StatusCode, err: &PageError) -> HttpResponse {
    render_in(Tr::current(), status, err)
}

fn render_in(t: Tr, status: StatusCode, err: &PageError) -> HttpResponse {
    let key = match err {
        PageError::NotFound => "error.not-found",
        PageError::LinkNotFound => "error.link-not-found",
        PageError::LinkGone => "error.link-gone",
        PageError::Forbidden => "error.forbidden",
        PageError::BadRequest(_) => "error.bad-request",
        PageError::TooManyRequests => "error.too-many",
        PageError::Unavailable => "error.unavailable",
        PageError::LoginRequired { .. } => "error.login-required",
        PageError::Internal => "error.internal",
    };
    let detail = match err {
        // The reason is written for the JSON API (English); the form-expired one has a key.
        PageError::BadRequest(why) if why.starts_with("the form has expired") => {
            t.get("error.form-expired")
        }
        PageError::BadRequest(why) if t.locale() == crate::i18n::Locale::En => why.clone(),
        _ => t.get(&format!("{key}.detail")),
    };
    let heading: &'static str = HEADINGS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, h)| *h)
        .unwrap_or("error.internal.heading");
    let page = ErrorPage {
        title: heading,
        nav: None,
        t,
        status: status.as_u16(),
        heading,
        detail,
    };
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(html),
        Err(_) => HttpResponse::build(status).body(t.get(heading)),
    }
}

/// The heading keys (the layout's `title` is a key, so these are `&'static str`).
const HEADINGS: &[(&str, &str)] = &[
    ("error.not-found", "error.not-found.heading"),
    ("error.link-not-found", "error.link-not-found.heading"),
    ("error.link-gone", "error.link-gone.heading"),
    ("error.forbidden", "error.forbidden.heading"),
    ("error.bad-request", "error.bad-request.heading"),
    ("error.too-many", "error.too-many.heading"),
    ("error.unavailable", "error.unavailable.heading"),
    ("error.login-required", "error.login-required.heading"),
    ("error.internal", "error.internal.heading"),
];

/// The app-wide fallback for unknown routes.
pub async fn not_found(req: actix_web::HttpRequest) -> HttpResponse {
    let t = Tr::new(crate::i18n::request::locale_of(&req).await);
    render_in(t, StatusCode::NOT_FOUND, &PageError::NotFound)
}
