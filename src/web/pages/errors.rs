//! Error pages (404, 403, 500 …) rendered inside the layout.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use askama::Template;

use crate::error::PageError;
use crate::web::pages::Nav;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    nav: Option<Nav>,
    status: u16,
    heading: &'a str,
    detail: String,
}

/// Always answers with HTML; if even the template fails, a plain-text line.
pub fn render(status: StatusCode, err: &PageError) -> HttpResponse {
    let (heading, detail) = match err {
        PageError::NotFound => (
            "Page not found",
            "The page or link you asked for does not exist, or it has been removed.".to_string(),
        ),
        PageError::LinkNotFound => (
            "Link not found",
            "This short link does not exist. Check that it was copied completely, or ask the person who shared it.".to_string(),
        ),
        PageError::LinkGone => ("Link no longer available", "This short link has expired or was switched off by its owner.".to_string()),
        PageError::Forbidden => (
            "Not allowed",
            "Your account does not have access to this page.".to_string(),
        ),
        PageError::BadRequest(why) => ("Request refused", why.clone()),
        PageError::TooManyRequests => (
            "Too many attempts",
            "Please wait a minute and try again.".to_string(),
        ),
        PageError::Unavailable => (
            "Temporarily unavailable",
            "The database is not answering. Please try again shortly.".to_string(),
        ),
        PageError::LoginRequired { .. } => (
            "Please sign in",
            "You need to sign in to see this page.".to_string(),
        ),
        PageError::Internal => (
            "Something went wrong",
            "The error has been logged. Please try again.".to_string(),
        ),
    };
    let page = ErrorPage {
        title: heading,
        nav: None,
        status: status.as_u16(),
        heading,
        detail,
    };
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(html),
        Err(_) => HttpResponse::build(status).body(heading.to_string()),
    }
}

/// The app-wide fallback for unknown routes.
pub async fn not_found() -> HttpResponse {
    render(StatusCode::NOT_FOUND, &PageError::NotFound)
}
