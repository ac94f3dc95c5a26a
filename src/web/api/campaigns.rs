//! `/api/v1/campaigns`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::invalid;
use crate::domain::campaign::{self, UtmValue};
use crate::domain::person::Label;
use crate::error::ApiError;
use crate::store::{self, campaigns::NewCampaign, StoreError};
use crate::web::auth::FullAccess;
use crate::web::AppState;

#[derive(Deserialize)]
pub struct CreateCampaign {
    name: String,
    #[serde(default)]
    utm_campaign: Option<String>,
    #[serde(default)]
    starts_on: Option<String>,
    #[serde(default)]
    ends_on: Option<String>,
    #[serde(default)]
    goal: Option<String>,
    #[serde(default)]
    utm_source: Option<String>,
    #[serde(default)]
    utm_medium: Option<String>,
    #[serde(default)]
    utm_overwrite: Option<bool>,
}

/// An optional UTM override: absent, `null` or blank means "use the default".
fn optional_utm(
    value: Option<&str>,
    code: &'static str,
    field: &str,
) -> Result<Option<UtmValue>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => UtmValue::parse(v)
            .map(Some)
            .map_err(|e| invalid(code, field, e)),
    }
}

fn optional_date(value: Option<&str>, field: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => campaign::parse_date(v)
            .map(Some)
            .map_err(|e| invalid("invalid_date", field, e)),
    }
}

impl CreateCampaign {
    fn parse(self) -> Result<NewCampaign, ApiError> {
        let name = Label::parse(&self.name).map_err(|e| invalid("invalid_name", "name", e))?;
        let utm_campaign = match self.utm_campaign.as_deref().map(str::trim) {
            None | Some("") => UtmValue::from_name(name.as_str()),
            Some(v) => UtmValue::parse(v),
        }
        .map_err(|e| invalid("invalid_utm_campaign", "utm_campaign", e))?;
        let starts_on = optional_date(self.starts_on.as_deref(), "starts_on")?;
        let ends_on = optional_date(self.ends_on.as_deref(), "ends_on")?;
        campaign::check_dates(starts_on, ends_on)
            .map_err(|e| ApiError::unprocessable("invalid_date_range", e.to_string()))?;
        let goal = match self.goal.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(g) => Some(Label::parse(g).map_err(|e| invalid("invalid_goal", "goal", e))?),
        };
        Ok(NewCampaign {
            name,
            utm_campaign,
            starts_on,
            ends_on,
            goal,
            utm_source: optional_utm(
                self.utm_source.as_deref(),
                "invalid_utm_source",
                "utm_source",
            )?,
            utm_medium: optional_utm(
                self.utm_medium.as_deref(),
                "invalid_utm_medium",
                "utm_medium",
            )?,
            utm_overwrite: self.utm_overwrite.unwrap_or(false),
        })
    }
}

/// `POST /campaigns`: 201 with the campaign; 409 `utm_campaign_taken` when another
/// campaign already uses the (given or derived) `utm_campaign`.
pub async fn create(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<CreateCampaign>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().parse()?;
    let value = new.utm_campaign.to_string();
    let campaign = state
        .db
        .run(move |conn| store::campaigns::insert(conn, new))
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::conflict(
                "utm_campaign_taken",
                format!(
                    "another campaign already uses utm_campaign {value:?}; give a different utm_campaign"
                ),
            ),
            other => other.into(),
        })?;
    Ok(HttpResponse::Created().json(campaign))
}

/// `GET /campaigns`: `{"campaigns": [...]}`, newest first.
pub async fn list(_: FullAccess, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let campaigns = state.db.run(store::campaigns::list).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "campaigns": campaigns })))
}

/// `GET /campaigns/{id}`.
pub async fn show(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let campaign = state
        .db
        .run(move |conn| store::campaigns::find_by_id(conn, id))
        .await
        .map_err(super::missing("campaign", id))?;
    Ok(HttpResponse::Ok().json(campaign))
}
