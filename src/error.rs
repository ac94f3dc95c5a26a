//! Which error type goes where, and the one place where errors become HTTP.
//!
//! - `config::ConfigError`: start-up only; printed as one line naming the setting.
//! - `db::DbError`: opening and migrating the database at start.
//! - `store::StoreError`: every query; `NotFound`/`Conflict`/`MissingReference` are
//!   outcomes, the rest outages.
//! - Domain errors (`InvalidEmail`, `SlugError`, …): rules broken by input; each carries a
//!   human sentence.
//! - [`ApiError`]: what an `/api` handler returns; always a JSON body
//!   `{"error": {"code", "message"}}` with the right 4xx/5xx status.
//! - [`PageError`]: what a page handler returns; an HTML page inside the layout, or a
//!   redirect to the login page.
//!
//! Causes of 5xx errors are logged with their chain and never sent to the client.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::store::StoreError;

/// An error answered under `/api`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// 403 with a specific code (`origin_not_allowed`, …).
    #[error("{message}")]
    Denied { code: &'static str, message: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("the service is temporarily unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
}

impl ApiError {
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::Unprocessable {
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::Denied {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::Conflict {
            code,
            message: message.into(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Denied { code, .. }
            | ApiError::Unprocessable { code, .. } => code,
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::TooManyRequests(_) => "rate_limited",
            ApiError::Unavailable => "unavailable",
            ApiError::Internal => "internal_error",
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

/// The JSON error body of the API contract.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
    }
    response.json(ErrorBody {
        error: ErrorDetail { code, message },
    })
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Denied { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        json_error(self.status_code(), self.code(), &self.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        match err {
            StoreError::NotFound => ApiError::NotFound("no such resource".into()),
            StoreError::Conflict(what) => {
                ApiError::conflict("conflict", format!("already exists ({what})"))
            }
            StoreError::MissingReference(what) => ApiError::unprocessable(
                "unknown_reference",
                format!("a referenced record does not exist ({what})"),
            ),
            StoreError::Pool(_) | StoreError::Unavailable => {
                tracing::error!(error = %err, "database unavailable");
                ApiError::Unavailable
            }
            StoreError::Query(_) => {
                tracing::error!(error = %err, "query failed");
                ApiError::Internal
            }
            // A bug, not an outage: a 503 would send clients and load balancers retrying.
            StoreError::Panicked(message) => {
                tracing::error!(panic = %message, "database call panicked");
                ApiError::Internal
            }
        }
    }
}

impl From<crate::app::kpis::KpiError> for ApiError {
    fn from(err: crate::app::kpis::KpiError) -> ApiError {
        match err {
            crate::app::kpis::KpiError::UnknownBrand(_) => {
                ApiError::unprocessable("unknown_brand", err.to_string())
            }
            crate::app::kpis::KpiError::Store(err) => err.into(),
        }
    }
}

/// An error answered on a page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// Not signed in: go to the login page and come back to `next` afterwards.
    #[error("login required")]
    LoginRequired { next: String },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("no such short link")]
    LinkNotFound,
    #[error("short link expired or disabled")]
    LinkGone,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("too many requests")]
    TooManyRequests,
    #[error("unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
}

impl From<StoreError> for PageError {
    fn from(err: StoreError) -> PageError {
        match err {
            StoreError::NotFound => PageError::NotFound,
            StoreError::Pool(_) | StoreError::Unavailable => {
                tracing::error!(error = %err, "database unavailable");
                PageError::Unavailable
            }
            StoreError::Panicked(message) => {
                tracing::error!(panic = %message, "database call panicked on a page");
                PageError::Internal
            }
            other => {
                tracing::error!(error = %other, "query failed on a page");
                PageError::Internal
            }
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(err: askama::Error) -> PageError {
        tracing::error!(error = %err, "template failed");
        PageError::Internal
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            PageError::Forbidden => StatusCode::FORBIDDEN,
            PageError::NotFound | PageError::LinkNotFound => StatusCode::NOT_FOUND,
            PageError::LinkGone => StatusCode::GONE,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            PageError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let PageError::LoginRequired { next } = self {
            let target = format!(
                "/login?next={}",
                percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
            );
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish();
        }
        crate::web::pages::errors::render(self.status_code(), self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_database_call_is_an_internal_error_not_an_outage() {
        let panicked = || StoreError::Panicked("boom".into());
        assert_eq!(
            ApiError::from(panicked()).status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            PageError::from(panicked()).status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        // An unavailable pool stays what it is.
        assert_eq!(
            ApiError::from(StoreError::Unavailable).status_code(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            PageError::from(StoreError::Unavailable).status_code(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
