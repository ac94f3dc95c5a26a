//! `/api/v1/settings`: the settings admins change at run time (time zone, currency and
//! exchange rates, earned-media rates, redirect status, slug length, attribution window,
//! privacy mode, raw-click retention), with their configured defaults and where each value
//! comes from. `PUT` changes any of them (all or nothing, the same rules as
//! `/admin/settings`); every instance follows within `CHORUS_SETTINGS_REFRESH_MS`.
//!
//! `/api/v1/settings/emv-rates`: the earned-media prices alone (CPM and CPC in the default
//! currency's minor units), as before; `DELETE` returns to the configured
//! `CHORUS_EMV_RATES`.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Map, Value};

use crate::app::settings::{EffectiveSettings, Field, Invalid, Origin, Proposal};
use crate::domain::emv::EmvRate;
use crate::error::ApiError;
use crate::web::auth::FullAccess;
use crate::web::AppState;

/// A field that may be absent (`None`) or `null` (`Some(None)`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `PUT /settings`: the fields to change (absent: unchanged) and the ones to `reset`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    timezone: Option<String>,
    default_currency: Option<String>,
    exchange_rates: Option<BTreeMap<String, f64>>,
    emv_rates: Option<BTreeMap<String, EmvRate>>,
    redirect_status: Option<i64>,
    slug_length: Option<i64>,
    attribution_window_days: Option<i64>,
    privacy_mode: Option<String>,
    #[serde(default, deserialize_with = "present")]
    click_retention_days: Option<Option<i64>>,
    #[serde(default)]
    reset: Vec<String>,
}

/// Every setting's value, default and origin.
fn settings_json(effective: &EffectiveSettings, defaults: &EffectiveSettings) -> Value {
    let mut body = Map::new();
    let mut default_values = Map::new();
    let mut origins = Map::new();
    for field in Field::ALL {
        body.insert(field.name().into(), effective.value_json(field));
        default_values.insert(field.name().into(), defaults.value_json(field));
        origins.insert(field.name().into(), json!(effective.origin(field)));
    }
    body.insert("defaults".into(), Value::Object(default_values));
    body.insert("origins".into(), Value::Object(origins));
    Value::Object(body)
}

/// 422 naming every refused field: `error.code` and `error.message` are the first one's
/// (the contract's shape), `error.fields` lists them all.
fn refused(errors: &[Invalid]) -> HttpResponse {
    let first = &errors[0];
    let fields: Vec<Value> = errors
        .iter()
        .map(|e| json!({"field": e.field.name(), "code": e.code(), "message": e.message()}))
        .collect();
    let message = errors
        .iter()
        .map(Invalid::message)
        .collect::<Vec<_>>()
        .join("; ");
    HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY).json(json!({
        "error": {"code": first.code(), "message": message, "fields": fields}
    }))
}

/// `GET /settings`.
pub async fn show(_: FullAccess, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    // Read now rather than from the copy in memory: the answer is what is stored, and this
    // instance catches up on the way.
    let effective = state.live.refresh().await?;
    Ok(HttpResponse::Ok().json(settings_json(&effective, state.live.defaults())))
}

/// `PUT /settings`: 200 with the settings in force, or 422 with every refused field (and
/// nothing changed).
pub async fn update(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<SettingsBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut reset = Vec::with_capacity(body.reset.len());
    for name in &body.reset {
        reset.push(Field::parse(name).ok_or_else(|| {
            ApiError::unprocessable(
                "unknown_setting",
                format!(
                    "reset: {name:?} is not a setting; one of {}",
                    Field::ALL.map(Field::name).join(", ")
                ),
            )
        })?);
    }
    let proposal = Proposal {
        timezone: body.timezone,
        default_currency: body.default_currency,
        exchange_rates: body.exchange_rates,
        emv_rates: body.emv_rates,
        redirect_status: body.redirect_status,
        slug_length: body.slug_length,
        attribution_window_days: body.attribution_window_days,
        privacy_mode: body.privacy_mode,
        click_retention_days: body.click_retention_days,
        reset,
    };
    match state.live.change(proposal).await? {
        Ok(effective) => {
            Ok(HttpResponse::Ok().json(settings_json(&effective, state.live.defaults())))
        }
        Err(errors) => Ok(refused(&errors)),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetEmvRates {
    rates: BTreeMap<String, EmvRate>,
}

fn emv_answer(effective: &EffectiveSettings) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "currency": effective.default_currency,
        "origin": effective.origin(Field::EmvRates),
        "rates": effective.emv_rates,
    }))
}

/// `GET /settings/emv-rates`.
pub async fn show_emv_rates(
    _: FullAccess,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let effective = state.live.refresh().await?;
    Ok(emv_answer(&effective))
}

/// `PUT /settings/emv-rates` `{"rates": {network: {"cpm_cents","cpc_cents"}}}`.
pub async fn set_emv_rates(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<SetEmvRates>,
) -> Result<HttpResponse, ApiError> {
    let proposal = Proposal {
        emv_rates: Some(body.into_inner().rates),
        ..Proposal::default()
    };
    match state.live.change(proposal).await? {
        Ok(effective) => Ok(emv_answer(&effective)),
        Err(errors) => Err(ApiError::unprocessable(
            errors[0].code(),
            errors
                .iter()
                .map(Invalid::message)
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}

/// `DELETE /settings/emv-rates`: back to `CHORUS_EMV_RATES`.
pub async fn reset_emv_rates(
    _: FullAccess,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let proposal = Proposal {
        reset: vec![Field::EmvRates],
        ..Proposal::default()
    };
    match state.live.change(proposal).await? {
        Ok(effective) => {
            debug_assert_eq!(effective.origin(Field::EmvRates), Origin::Config);
            Ok(emv_answer(&effective))
        }
        Err(_) => Err(ApiError::Internal),
    }
}
