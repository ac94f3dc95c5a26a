//! `/api/v1/settings/emv-rates`: the earned-media prices per network (CPM and CPC in the
//! default currency's minor units). Stored in the database, so a change applies to every
//! instance at the next report; `DELETE` returns to the configured `CHORUS_EMV_RATES`.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::app::settings::{self, Origin};
use crate::domain::emv::{EmvRate, EmvRates};
use crate::error::ApiError;
use crate::web::auth::FullAccess;
use crate::web::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetEmvRates {
    rates: BTreeMap<String, EmvRate>,
}

fn answer(state: &AppState, rates: &EmvRates, origin: Origin) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "currency": state.settings.default_currency,
        "origin": origin,
        "rates": rates,
    }))
}

pub async fn show_emv_rates(
    _: FullAccess,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let configured = state.settings.emv_rates.clone();
    let (rates, origin) = state
        .db
        .run(move |conn| settings::emv_rates(conn, &configured))
        .await?;
    Ok(answer(&state, &rates, origin))
}

pub async fn set_emv_rates(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<SetEmvRates>,
) -> Result<HttpResponse, ApiError> {
    let rates = EmvRates::new(body.into_inner().rates)
        .map_err(|e| ApiError::unprocessable("invalid_rates", e.to_string()))?;
    let stored = rates.clone();
    state
        .db
        .run(move |conn| settings::set_emv_rates(conn, &stored))
        .await?;
    Ok(answer(&state, &rates, Origin::Database))
}

pub async fn reset_emv_rates(
    _: FullAccess,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.db.run(settings::reset_emv_rates).await?;
    Ok(answer(&state, &state.settings.emv_rates, Origin::Config))
}
