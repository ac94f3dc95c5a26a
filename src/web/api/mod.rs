//! JSON API v1 (`API.md`): bearer-key auth, JSON bodies, and the JSON error contract on
//! every path, including the ones actix answers by itself (bad JSON, unknown routes,
//! wrong methods, oversized bodies).

pub mod brands;
pub mod breakdowns;
pub mod campaigns;
pub mod content;
pub mod conversions;
pub mod employees;
pub mod export;
pub mod keys;
pub mod mentions;
pub mod reports;
pub mod settings;
pub mod shares;
pub mod snapshots;
pub mod support;
pub mod teams;
pub mod trends;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::{json_error, ApiError};

/// Request bodies above this are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(json_config(BODY_LIMIT))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .service(
            web::scope("")
                .wrap(ErrorHandlers::new().default_handler(ensure_json_error))
                .service(
                    web::resource("/employees")
                        .route(web::get().to(employees::list))
                        .route(web::post().to(employees::create)),
                )
                .service(
                    web::resource("/employees/{id}")
                        .route(web::get().to(employees::show))
                        .route(web::patch().to(employees::update)),
                )
                .route(
                    "/employees/{id}/invitation",
                    web::post().to(employees::invite),
                )
                .route("/employees/{id}/erase", web::post().to(employees::erase))
                .route("/employees/{id}/data", web::get().to(employees::data))
                .service(
                    web::resource("/employees/{id}/followers")
                        .route(web::get().to(snapshots::list_followers))
                        .route(web::post().to(snapshots::create_followers)),
                )
                .service(
                    web::resource("/teams")
                        .route(web::get().to(teams::list))
                        .route(web::post().to(teams::create)),
                )
                .service(web::resource("/teams/{id}").route(web::patch().to(teams::update)))
                .service(
                    web::resource("/campaigns")
                        .route(web::get().to(campaigns::list))
                        .route(web::post().to(campaigns::create)),
                )
                .service(
                    web::resource("/campaigns/{id}")
                        .route(web::get().to(campaigns::show))
                        .route(web::patch().to(campaigns::update)),
                )
                .service(
                    web::resource("/content")
                        .route(web::get().to(content::list))
                        .route(web::post().to(content::create)),
                )
                .service(
                    web::resource("/content/{id}")
                        .route(web::get().to(content::show))
                        .route(web::patch().to(content::update)),
                )
                .service(
                    web::resource("/shares")
                        .route(web::get().to(shares::list))
                        .route(web::post().to(shares::create)),
                )
                .service(
                    web::resource("/shares/{id}")
                        .route(web::get().to(shares::show))
                        .route(web::patch().to(shares::update)),
                )
                .service(
                    web::resource("/shares/{id}/metrics")
                        .route(web::get().to(snapshots::list_metrics))
                        .route(web::post().to(snapshots::create_metrics)),
                )
                .service(
                    web::resource("/support-cases")
                        .route(web::get().to(support::list))
                        .route(web::post().to(support::create)),
                )
                .service(web::resource("/support-cases/{id}").route(web::get().to(support::show)))
                .route("/leaderboards/{board}", web::get().to(reports::leaderboard))
                .route("/kpis", web::get().to(reports::kpis))
                .route("/trends", web::get().to(trends::show))
                .service(
                    web::resource("/settings")
                        .route(web::get().to(settings::show))
                        .route(web::put().to(settings::update)),
                )
                .service(
                    web::resource("/api-keys")
                        .route(web::get().to(keys::list))
                        .route(web::post().to(keys::create)),
                )
                .service(web::resource("/api-keys/{id}").route(web::delete().to(keys::revoke)))
                .service(
                    web::resource("/settings/emv-rates")
                        .route(web::get().to(settings::show_emv_rates))
                        .route(web::put().to(settings::set_emv_rates))
                        .route(web::delete().to(settings::reset_emv_rates)),
                )
                .route(
                    "/export/leaderboards/{board}.csv",
                    web::get().to(reports::leaderboard_csv),
                )
                .route("/export/kpis.csv", web::get().to(reports::kpis_csv))
                .route("/breakdowns/{dimension}", web::get().to(breakdowns::show))
                .route(
                    "/export/breakdowns/{dimension}.csv",
                    web::get().to(export::breakdown),
                )
                .service(
                    web::resource("/conversions")
                        .app_data(json_config(conversions::BODY_LIMIT))
                        .route(web::post().to(conversions::create))
                        .route(web::get().to(conversions::list))
                        .route(web::method(Method::OPTIONS).to(conversions::preflight)),
                )
                .service(web::resource("/conversions/{id}").route(web::get().to(conversions::show)))
                .route("/export/clicks.csv", web::get().to(export::clicks))
                .route(
                    "/export/conversions.csv",
                    web::get().to(export::conversions),
                )
                .route("/export/shares.csv", web::get().to(export::shares))
                .route("/export/mentions.csv", web::get().to(export::mentions))
                .service(
                    web::resource("/brands")
                        .route(web::get().to(brands::list))
                        .route(web::post().to(brands::create)),
                )
                .service(web::resource("/brands/{id}").route(web::get().to(brands::show)))
                .service(
                    web::resource("/mentions")
                        .app_data(json_config(mentions::BODY_LIMIT))
                        .route(web::get().to(mentions::list))
                        .route(web::post().to(mentions::create)),
                )
                .default_service(web::to(unknown_route)),
        );
}

/// Accepts JSON whatever the Content-Type says (curl's `-d` sends form encoding), and maps
/// every failure to the contract's statuses; bodies above `limit` bytes are 413.
fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .content_type_required(false)
        .error_handler(json_error_handler)
}

fn json_error_handler(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::PayloadTooLarge(format!("the request body is larger than {limit} bytes"))
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::bad_request("invalid_body", e.to_string())
        }
        JsonPayloadError::Deserialize(e) => {
            ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
        }
        JsonPayloadError::ContentType => {
            ApiError::bad_request("unsupported_content_type", "send the body as JSON")
        }
        other => ApiError::bad_request(
            "malformed_json",
            format!("the body could not be read: {other}"),
        ),
    };
    api.into()
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound(format!("no such resource: {err}")).into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request("invalid_query", err.to_string()).into()
}

pub async fn unknown_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!(
        "no API route {} {}",
        req.method(),
        req.path()
    )))
}

/// Safety net: an error answered without a JSON body (a wrong method, say) gets one.
fn ensure_json_error<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this method is not allowed on this route",
        ),
        StatusCode::NOT_FOUND => ("not_found", "no such resource"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        s if s.is_client_error() => ("bad_request", "the request could not be understood"),
        _ => ("internal_error", "internal error"),
    };
    let (req, _) = res.into_parts();
    let response: HttpResponse<BoxBody> = json_error(status, code, message);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

/// Maps a store `NotFound` to a 404 naming what was missing (`no share 7`); other store
/// errors map as usual.
pub fn missing(what: &'static str, id: i64) -> impl FnOnce(crate::store::StoreError) -> ApiError {
    move |e| match e {
        crate::store::StoreError::NotFound => ApiError::NotFound(format!("no {what} {id}")),
        other => other.into(),
    }
}

/// Pulls the pieces of a JSON body that must be rejected with 422 out of domain errors.
pub fn invalid(code: &'static str, field: &str, err: impl std::fmt::Display) -> ApiError {
    ApiError::unprocessable(code, format!("{field}: {err}"))
}

/// The `from`/`to` query parameters of a list: RFC 3339 or a bare date (midnight in `tz`),
/// blank meaning unset; `to` is exclusive, so `from` must come before it.
pub fn query_period(
    from: Option<&str>,
    to: Option<&str>,
    tz: chrono_tz::Tz,
) -> Result<(Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>), ApiError> {
    let time = |value: Option<&str>, field: &'static str, code: &'static str| {
        value
            .filter(|v| !v.trim().is_empty())
            .map(|v| crate::domain::share::parse_time(v, tz).map_err(|e| invalid(code, field, e)))
            .transpose()
    };
    let from = time(from, "from", "invalid_from")?;
    let to = time(to, "to", "invalid_to")?;
    if let (Some(from), Some(to)) = (from, to) {
        if from >= to {
            return Err(ApiError::unprocessable(
                "invalid_period",
                "from must be before to (to is exclusive)",
            ));
        }
    }
    Ok((from, to))
}

/// A refused record: 422 with the first broken field's code and every broken field in
/// the message (`followers: must not be negative (got -1); observed_at: …`).
pub fn refused(err: crate::domain::record::Invalid) -> ApiError {
    let code = err.first().map_or("invalid_body", |e| e.code);
    ApiError::unprocessable(code, err.to_string())
}
