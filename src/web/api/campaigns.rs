//! `/api/v1/campaigns`: create, list, show and change (name, dates, goal, UTM overrides,
//! archive). Answers carry `channel_warnings`: where GA4 would file the campaign's links
//! when that is not Organic Social (`domain::utm::channel_preview`).

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Deserializer, Serialize};

use super::invalid;
use crate::domain::campaign::{self, UtmValue};
use crate::domain::person::Label;
use crate::domain::utm::{channel_preview, channel_warning};
use crate::error::ApiError;
use crate::store::campaigns::{
    Campaign, CampaignChanges, CampaignRefused, NewCampaign, UtmCampaignChange,
};
use crate::store::{self, StoreError};
use crate::web::auth::FullAccess;
use crate::web::AppState;

/// A campaign as the API answers with one: its fields, and the GA4 warnings of its links.
#[derive(Serialize)]
struct CampaignBody {
    #[serde(flatten)]
    campaign: Campaign,
    channel_warnings: Vec<WarningBody>,
}

/// One warning: its code, the networks whose links it concerns, the GA4 channel they land
/// in, and a sentence.
#[derive(Serialize)]
struct WarningBody {
    code: &'static str,
    channel: &'static str,
    networks: Vec<&'static str>,
    message: String,
}

fn campaign_body(campaign: Campaign) -> CampaignBody {
    let preview = channel_preview(
        campaign.utm_source.as_deref(),
        campaign.utm_medium.as_deref(),
        Some(&campaign.utm_campaign),
    );
    let mut warnings: Vec<WarningBody> = preview
        .warnings
        .iter()
        .map(|w| WarningBody {
            code: w.warning.code(),
            channel: w.channel.label(),
            networks: w.networks.iter().map(|n| n.as_str()).collect(),
            message: channel_warning(w.channel).unwrap_or_default().to_owned(),
        })
        .collect();
    if preview.medium_not_lowercase {
        warnings.push(WarningBody {
            code: "medium_case",
            channel: "",
            networks: Vec::new(),
            message: "GA4 reports utm_medium as sent: a medium with capitals is counted apart \
                      from its lower-case spelling. Use lower case."
                .to_owned(),
        });
    }
    CampaignBody {
        campaign,
        channel_warnings: warnings,
    }
}

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
    campaign::optional_utm(value).map_err(|e| invalid(code, field, e))
}

fn optional_date(value: Option<&str>, field: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
    campaign::optional_date(value).map_err(|e| invalid("invalid_date", field, e))
}

impl CreateCampaign {
    fn parse(self) -> Result<NewCampaign, ApiError> {
        let name = Label::parse(&self.name).map_err(|e| invalid("invalid_name", "name", e))?;
        let utm_campaign =
            campaign::utm_campaign_or_derived(self.utm_campaign.as_deref(), name.as_str())
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

/// `POST /campaigns`: 201 with the campaign (and its `channel_warnings`); 409
/// `utm_campaign_taken` when another campaign already uses the (given or derived)
/// `utm_campaign`.
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
    Ok(HttpResponse::Created().json(campaign_body(campaign)))
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    include_archived: bool,
}

/// `GET /campaigns?include_archived`: `{"campaigns": [...]}`, newest first; archived
/// campaigns only with `include_archived=true`.
pub async fn list(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let all = query.include_archived;
    let campaigns = state
        .db
        .run(move |conn| {
            if all {
                store::campaigns::list_all(conn)
            } else {
                store::campaigns::list(conn)
            }
        })
        .await?;
    let campaigns: Vec<CampaignBody> = campaigns.into_iter().map(campaign_body).collect();
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
    Ok(HttpResponse::Ok().json(campaign_body(campaign)))
}

/// `null` and absent told apart: absent → `None`, `null` → `Some(None)`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The body of `PATCH /campaigns/{id}`: every field optional; `null` (or a blank string)
/// clears a date, the goal or a UTM override, and derives `utm_campaign` from the name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateCampaign {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    utm_campaign: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    starts_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    ends_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    goal: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    utm_source: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    utm_medium: Option<Option<String>>,
    #[serde(default)]
    utm_overwrite: Option<bool>,
    #[serde(default)]
    archived: Option<bool>,
}

impl UpdateCampaign {
    fn parse(self) -> Result<CampaignChanges, ApiError> {
        let name = self
            .name
            .map(|n| Label::parse(&n).map_err(|e| invalid("invalid_name", "name", e)))
            .transpose()?;
        let utm_campaign = match self.utm_campaign {
            None => UtmCampaignChange::Keep,
            Some(v) => match v.as_deref().map(str::trim) {
                None | Some("") => UtmCampaignChange::Derive,
                Some(v) => UtmCampaignChange::Set(
                    UtmValue::parse(v)
                        .map_err(|e| invalid("invalid_utm_campaign", "utm_campaign", e))?,
                ),
            },
        };
        let date = |v: Option<Option<String>>, field: &str| {
            v.map(|d| optional_date(d.as_deref(), field)).transpose()
        };
        let starts_on = date(self.starts_on, "starts_on")?;
        let ends_on = date(self.ends_on, "ends_on")?;
        if let (Some(Some(starts)), Some(Some(ends))) = (starts_on, ends_on) {
            campaign::check_dates(Some(starts), Some(ends))
                .map_err(|e| ApiError::unprocessable("invalid_date_range", e.to_string()))?;
        }
        let goal = self
            .goal
            .map(|g| match g.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(g) => Label::parse(g)
                    .map(Some)
                    .map_err(|e| invalid("invalid_goal", "goal", e)),
            })
            .transpose()?;
        let utm_source = self
            .utm_source
            .map(|v| optional_utm(v.as_deref(), "invalid_utm_source", "utm_source"))
            .transpose()?;
        let utm_medium = self
            .utm_medium
            .map(|v| optional_utm(v.as_deref(), "invalid_utm_medium", "utm_medium"))
            .transpose()?;
        Ok(CampaignChanges {
            name,
            utm_campaign,
            starts_on,
            ends_on,
            goal,
            utm_source,
            utm_medium,
            utm_overwrite: self.utm_overwrite,
            archived: self.archived,
        })
    }
}

/// `PATCH /campaigns/{id}`: 200 with the campaign as it is afterwards (and its
/// `channel_warnings`). Validation as for `POST /campaigns`; the dates are checked as they
/// will be (422 `invalid_date_range`); 409 `utm_campaign_taken`; 404 for an unknown id.
/// Changing a UTM value or `utm_overwrite` re-tags the links of the campaign's content.
pub async fn update(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body_in: web::Json<UpdateCampaign>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body_in.into_inner().parse()?;
    let updated = state
        .db
        .run(move |conn| Ok(store::campaigns::update(conn, id, &changes)))
        .await?
        .map_err(|e| match e {
            CampaignRefused::UtmCampaignTaken(value) => ApiError::conflict(
                "utm_campaign_taken",
                format!(
                    "another campaign already uses utm_campaign {value:?}; give a different utm_campaign"
                ),
            ),
            CampaignRefused::Dates(e) => ApiError::unprocessable("invalid_date_range", e.to_string()),
            CampaignRefused::Utm(e) => invalid("invalid_utm_campaign", "utm_campaign", e),
            CampaignRefused::Store(e) => super::missing("campaign", id)(e),
        })?;
    for slug in &updated.relinked {
        state.links.invalidate(slug);
    }
    Ok(HttpResponse::Ok().json(campaign_body(updated.campaign)))
}
