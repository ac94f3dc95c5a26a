//! JSON API v1 (`API.md`): bearer-key auth, JSON bodies, and the JSON error contract on
//! every path, including the ones actix answers by itself (bad JSON, unknown routes,
//! wrong methods, oversized bodies).

pub mod attribution;
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
use crate::web::access::{delete, get, patch, post, put, verb, Routes};

/// Request bodies above this are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn routes(r: &mut Routes) {
    r.config()
        .app_data(json_config(BODY_LIMIT))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error));
    let scope = web::scope("")
        .wrap(actix_web::middleware::from_fn(
            crate::web::auth::authenticate_first,
        ))
        .wrap(ErrorHandlers::new().default_handler(ensure_json_error))
        .configure(|c| v1(&mut r.nest("", c)))
        .default_service(web::to(unknown_route));
    r.config().service(scope);
}

fn v1(r: &mut Routes) {
    r.at(
        "/employees",
        [get(employees::list), post(employees::create)],
    )
    .at(
        "/employees/{id}",
        [get(employees::show), patch(employees::update)],
    )
    .at("/employees/{id}/invitation", [post(employees::invite)])
    .at("/employees/{id}/erase", [post(employees::erase)])
    .at("/employees/{id}/data", [get(employees::data)])
    .at(
        "/employees/{id}/followers",
        [
            get(snapshots::list_followers),
            post(snapshots::create_followers),
        ],
    )
    .at("/teams", [get(teams::list), post(teams::create)])
    .at("/teams/{id}", [patch(teams::update)])
    .at(
        "/campaigns",
        [get(campaigns::list), post(campaigns::create)],
    )
    .at(
        "/campaigns/{id}",
        [get(campaigns::show), patch(campaigns::update)],
    )
    .at("/content", [get(content::list), post(content::create)])
    .at(
        "/content/{id}",
        [get(content::show), patch(content::update)],
    )
    .at("/shares", [get(shares::list), post(shares::create)])
    .at("/shares/{id}", [get(shares::show), patch(shares::update)])
    .at(
        "/shares/{id}/metrics",
        [
            get(snapshots::list_metrics),
            post(snapshots::create_metrics),
        ],
    )
    .at(
        "/support-cases",
        [get(support::list), post(support::create)],
    )
    .at("/support-cases/{id}", [get(support::show)])
    .at("/leaderboards/{board}", [get(reports::leaderboard)])
    .at("/kpis", [get(reports::kpis)])
    .at("/trends", [get(trends::show)])
    .at("/attribution", [get(attribution::show)])
    .at("/settings", [get(settings::show), put(settings::update)])
    .at("/api-keys", [get(keys::list), post(keys::create)])
    .at("/api-keys/{id}", [delete(keys::revoke)])
    .at(
        "/settings/emv-rates",
        [
            get(settings::show_emv_rates),
            put(settings::set_emv_rates),
            delete(settings::reset_emv_rates),
        ],
    )
    .at(
        "/export/leaderboards/{board}.csv",
        [get(reports::leaderboard_csv)],
    )
    .at("/export/kpis.csv", [get(reports::kpis_csv)])
    .at("/breakdowns/{dimension}", [get(breakdowns::show)])
    .at(
        "/export/breakdowns/{dimension}.csv",
        [get(export::breakdown)],
    )
    .at_with(
        "/conversions",
        [
            post(conversions::create),
            get(conversions::list),
            verb(Method::OPTIONS, conversions::preflight),
        ],
        |resource| resource.app_data(json_config(conversions::BODY_LIMIT)),
    )
    .at("/conversions/{id}", [get(conversions::show)])
    .at("/export/clicks.csv", [get(export::clicks)])
    .at("/export/conversions.csv", [get(export::conversions)])
    .at("/export/shares.csv", [get(export::shares)])
    .at("/export/mentions.csv", [get(export::mentions)])
    .at("/brands", [get(brands::list), post(brands::create)])
    .at("/brands/{id}", [get(brands::show)])
    .at_with(
        "/mentions",
        [get(mentions::list), post(mentions::create)],
        |resource| resource.app_data(json_config(mentions::BODY_LIMIT)),
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
