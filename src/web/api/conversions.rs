//! `/api/v1/conversions` (the CSV export is in [`super::export`]).
//!
//! `POST /conversions` is the one route a publishable key (`chr_pk_…`, embedded in a
//! web page) may call, so it alone speaks CORS: a preflight is answered for origins that
//! any active publishable key lists, and a publishable key's POST must come from one of
//! *its* origins. Publishable-key posts are rate limited per key and client address, and
//! every post lists at most [`conversion::MAX_TOUCHPOINTS`] touchpoints, so what one
//! report costs is bounded too.

use std::num::NonZeroU32;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use chrono::NaiveDateTime;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::{Deserialize, Serialize};

use super::{invalid, query_period, refused};
use crate::domain::api_key::{origin_allowed, Scope};
use crate::domain::client_ip::AddressBlock;
use crate::domain::conversion::{self, Amount, ConversionInput, Currency, Kind};
use crate::error::ApiError;
use crate::store::conversions::{ConversionFilter, NewConversion, Touchpoint};
use crate::store::{self, StoreError};
use crate::web::auth::{ApiCaller, FullAccess};
use crate::web::{client_address, AppState};

/// Conversion bodies above this are refused (413) before they are read: a report with
/// [`conversion::MAX_TOUCHPOINTS`] click ids and every field filled is a few kilobytes, and
/// a publishable key (public by design) must not make the server parse megabytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Sustained conversions per minute from one publishable key and client address …
pub const RATE_PER_MINUTE: u32 = 60;
/// … and how many may come at once.
pub const RATE_BURST: u32 = 20;
/// How long browsers may cache a preflight answer, in seconds.
pub const PREFLIGHT_MAX_AGE: &str = "600";
/// Beyond this many tracked (key, address) pairs, idle ones are forgotten.
const LIMITER_KEYS: usize = 10_000;

/// The limiter behind [`RATE_PER_MINUTE`] and [`RATE_BURST`], keyed by (API key id, client
/// address block: an IPv6 client owns a whole /64).
pub fn rate_limiter() -> DefaultKeyedRateLimiter<(i64, AddressBlock)> {
    let per_minute = NonZeroU32::new(RATE_PER_MINUTE).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(RATE_BURST).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst))
}

/// An id the website may send as a string or a number (order numbers often are).
#[derive(Deserialize)]
#[serde(untagged)]
pub enum IdValue {
    Text(String),
    Number(i64),
}

impl IdValue {
    pub fn into_string(self) -> String {
        match self {
            IdValue::Text(s) => s,
            IdValue::Number(n) => n.to_string(),
        }
    }
}

/// The body of `POST /conversions` (API.md). Unknown fields are ignored.
#[derive(Deserialize)]
pub struct CreateConversion {
    #[serde(default)]
    click_id: Option<String>,
    #[serde(default)]
    touchpoints: Option<Vec<String>>,
    kind: String,
    #[serde(default)]
    value_cents: Option<i64>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    external_id: Option<IdValue>,
    #[serde(default)]
    customer_id: Option<IdValue>,
    #[serde(default)]
    occurred_at: Option<String>,
}

impl CreateConversion {
    /// The body checked by the rules the CSV import shares
    /// ([`conversion::validate`]), with the instant its clicks are judged at.
    fn parse(
        self,
        state: &AppState,
        api_key_id: i64,
    ) -> Result<(NewConversion, NaiveDateTime), ApiError> {
        let settings = state.effective();
        let default_currency = Currency::parse(&settings.default_currency)
            .map_err(|e| invalid("invalid_currency", "currency", e))?;
        let touchpoints = self.touchpoints.unwrap_or_default();
        let valid = conversion::validate(
            &ConversionInput {
                kind: &self.kind,
                value: self.value_cents.map(Amount::Cents),
                currency: self.currency.as_deref(),
                click_id: self.click_id.as_deref(),
                touchpoints: &touchpoints,
                external_id: self.external_id.map(IdValue::into_string),
                customer_id: self.customer_id.map(IdValue::into_string),
                occurred_at: self.occurred_at.as_deref(),
            },
            default_currency,
            store::now(),
            settings.timezone,
        )
        .map_err(refused)?;
        let judged_at = valid.judged_at;
        Ok((
            NewConversion::from_valid(valid, settings.timezone, Some(api_key_id)),
            judged_at,
        ))
    }
}

fn request_origin(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| !o.trim().is_empty())
}

/// Marks a response of the conversions route as varying by `Origin`, and lets `origin`
/// (when given) read it.
fn with_cors(mut response: HttpResponse, origin: Option<&str>) -> HttpResponse {
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(value) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Retry-After"),
        );
    }
    response
}

/// `OPTIONS /conversions`: the CORS preflight. 204 always; the allow headers only for an
/// origin that an active publishable key lists (the preflight carries no key, so any
/// such key vouches for the origin; the POST then checks its own key's list).
pub async fn preflight(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut response = HttpResponse::NoContent().finish();
    let Some(origin) = request_origin(&req).map(str::to_owned) else {
        return Ok(with_cors(response, None));
    };
    let lookup = origin.clone();
    let allowed = state
        .db
        .run(move |conn| store::api_keys::any_publishable_allows(conn, &lookup))
        .await?;
    if !allowed {
        return Ok(with_cors(response, None));
    }
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(PREFLIGHT_MAX_AGE),
    );
    Ok(with_cors(response, Some(&origin)))
}

/// `POST /conversions`: 201 with the new conversion, or 200 with the first one recorded
/// under the same `(kind, external_id)`. Any key may call it; a publishable key must come
/// from one of its origins (when the request names one) and within its rate.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    ApiCaller(key): ApiCaller,
    body: Result<web::Json<CreateConversion>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    // The rate limit before anything else: a throttled caller must cost nothing more — no
    // settle (which makes the click writer end its batch early), no conversion parsed, no
    // query. (Its key was looked up to get here: the limit is per key.)
    if key.scope == Scope::Publishable {
        if let Some(refused) = throttled(&req, &state, key.id) {
            let origin = request_origin(&req).filter(|o| origin_allowed(&key.allowed_origins, o));
            return Ok(with_cors(refused, origin));
        }
    }
    let cors = match (key.scope, request_origin(&req)) {
        (Scope::Publishable, Some(origin)) => {
            if !origin_allowed(&key.allowed_origins, origin) {
                return Err(ApiError::forbidden(
                    "origin_not_allowed",
                    format!("this publishable key may not be used from {origin}; add the origin to the key"),
                ));
            }
            Some(origin)
        }
        _ => None,
    };
    // The click id may belong to a redirect answered a moment ago.
    state.clicks.settle().await;
    let response = match record(&state, key.id, key.scope, body).await {
        Ok(response) => response,
        Err(Refused::Api(e)) => e.error_response(),
        Err(Refused::Body(e)) => e.error_response(),
    };
    Ok(with_cors(response, cors))
}

/// The 429 answer when a publishable key's caller (per key and client address block) is
/// over [`RATE_PER_MINUTE`] / [`RATE_BURST`]; `None` within the rate.
fn throttled(req: &HttpRequest, state: &AppState, key_id: i64) -> Option<HttpResponse> {
    let limiter = &state.conversion_limiter;
    if limiter.len() > LIMITER_KEYS {
        limiter.retain_recent();
    }
    let client = AddressBlock::of(client_address(req, state));
    let not_until = limiter.check_key(&(key_id, client)).err()?;
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = ApiError::TooManyRequests(format!(
        "too many conversions from this key and address; retry in {seconds} s"
    ))
    .error_response();
    if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Some(response)
}

enum Refused {
    Api(ApiError),
    Body(actix_web::Error),
}

impl From<ApiError> for Refused {
    fn from(e: ApiError) -> Refused {
        Refused::Api(e)
    }
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Refused {
        Refused::Api(e.into())
    }
}

async fn record(
    state: &AppState,
    key_id: i64,
    scope: Scope,
    body: Result<web::Json<CreateConversion>, actix_web::Error>,
) -> Result<HttpResponse, Refused> {
    let (new, judged_at) = body
        .map_err(Refused::Body)?
        .into_inner()
        .parse(state, key_id)?;
    let window = state.effective().attribution_window_days;
    let recorded = state
        .db
        .run(move |conn| store::conversions::record_judged(conn, &new, window, judged_at))
        .await?;
    // A publishable key is public: its caller learns nothing stored (not even whether the
    // order id was known, which would make the endpoint an oracle for order ids).
    if scope == Scope::Publishable {
        return Ok(HttpResponse::Accepted().json(serde_json::json!({"accepted": true})));
    }
    Ok(if recorded.created {
        HttpResponse::Created().json(recorded.conversion)
    } else {
        HttpResponse::Ok().json(recorded.conversion)
    })
}

#[derive(Serialize)]
struct ConversionDetail {
    #[serde(flatten)]
    conversion: store::conversions::Conversion,
    touchpoints: Vec<TouchpointBody>,
}

#[derive(Serialize)]
struct TouchpointBody {
    position: i64,
    click_id: String,
    /// Whether this touchpoint earns credit (a known human click within the window).
    attributed: bool,
    share_id: Option<i64>,
    employee_id: Option<i64>,
    campaign_id: Option<i64>,
}

impl From<Touchpoint> for TouchpointBody {
    fn from(t: Touchpoint) -> TouchpointBody {
        TouchpointBody {
            attributed: t.share_id.is_some(),
            position: t.position,
            click_id: t.click_ref,
            share_id: t.share_id,
            employee_id: t.employee_id,
            campaign_id: t.campaign_id,
        }
    }
}

/// `GET /conversions/{id}`: the conversion with its `touchpoints`, oldest first.
pub async fn show(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (conversion, mut touchpoints) = state
        .db
        .run(move |conn| {
            let conversion = store::conversions::find_by_id(conn, id)?;
            let touchpoints = store::conversions::touchpoints_of(conn, &[id])?;
            Ok((conversion, touchpoints))
        })
        .await
        .map_err(super::missing("conversion", id))?;
    let touchpoints = touchpoints
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(TouchpointBody::from)
        .collect();
    Ok(HttpResponse::Ok().json(ConversionDetail {
        conversion,
        touchpoints,
    }))
}

/// Filters of the conversion list and export, as query parameters.
#[derive(Deserialize)]
pub struct FilterQuery {
    from: Option<String>,
    to: Option<String>,
    kind: Option<String>,
    attributed: Option<bool>,
    campaign_id: Option<i64>,
    employee_id: Option<i64>,
    limit: Option<i64>,
    offset: Option<i64>,
}

impl FilterQuery {
    /// `from`/`to`: RFC 3339 or a bare date (midnight in the configured zone); `to` is
    /// exclusive.
    pub(crate) fn filter(&self, tz: chrono_tz::Tz) -> Result<ConversionFilter, ApiError> {
        let (from, to) = query_period(self.from.as_deref(), self.to.as_deref(), tz)?;
        let kind = match self.kind.as_deref().filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => Some(
                Kind::parse(k)
                    .map_err(|e| invalid("invalid_kind", "kind", e))?
                    .as_str()
                    .to_owned(),
            ),
        };
        Ok(ConversionFilter {
            from,
            to,
            kind,
            attributed: self.attributed,
            campaign_id: self.campaign_id,
            employee_id: self.employee_id,
            share_id: None,
        })
    }
}

/// The most `GET /conversions` returns at once.
const MAX_LIST: i64 = 1_000;

/// `GET /conversions?from&to&kind&attributed&campaign_id&employee_id&limit&offset`:
/// `{"conversions": [...]}`, newest first, 100 by default (at most 1,000).
pub async fn list(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<FilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.filter(state.effective().timezone)?;
    let limit = query.limit.unwrap_or(100).clamp(1, MAX_LIST);
    let offset = query.offset.unwrap_or(0).max(0);
    let rows = state
        .db
        .run(move |conn| store::conversions::list(conn, &filter, limit, offset))
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "conversions": rows })))
}
