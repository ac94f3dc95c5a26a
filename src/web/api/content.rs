//! `/api/v1/content`: the content library.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::invalid;
use crate::domain::content::{self, Origin};
use crate::domain::person::Label;
use crate::domain::utm::DestinationUrl;
use crate::error::ApiError;
use crate::store;
use crate::store::content::{ContentRefused, NewContent};
use crate::web::auth::FullAccess;
use crate::web::AppState;

#[derive(Deserialize)]
pub struct CreateContent {
    title: String,
    url: String,
    #[serde(default)]
    campaign_id: Option<i64>,
    #[serde(default)]
    topics: Option<Vec<String>>,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    author_employee_id: Option<i64>,
    #[serde(default)]
    suggested_text: Option<String>,
    #[serde(default)]
    click_param: Option<bool>,
}

impl CreateContent {
    fn parse(self) -> Result<NewContent, ApiError> {
        let title = Label::parse(&self.title).map_err(|e| invalid("invalid_title", "title", e))?;
        let url = DestinationUrl::parse(&self.url).map_err(|e| invalid(e.code(), "url", e))?;
        let origin = match self.origin.as_deref() {
            None => Origin::default(),
            Some(o) => Origin::parse(o).map_err(|e| invalid("invalid_origin", "origin", e))?,
        };
        content::check_author(origin, self.author_employee_id)
            .map_err(|e| ApiError::unprocessable("author_required", e.to_string()))?;
        let topics = content::parse_topics(self.topics.as_deref().unwrap_or_default())
            .map_err(|e| ApiError::unprocessable("invalid_topic", e.to_string()))?;
        let suggested_text = content::parse_suggested_text(self.suggested_text.as_deref())
            .map_err(|e| invalid("invalid_suggested_text", "suggested_text", e))?;
        Ok(NewContent {
            title,
            url,
            campaign_id: self.campaign_id,
            topics,
            origin,
            author_employee_id: self.author_employee_id,
            suggested_text,
            click_param: self.click_param.unwrap_or(true),
        })
    }
}

/// `POST /content`: 201 with the item. Only `http`/`https` URLs (422 with the
/// `DestinationError` code); unknown campaign or author → 422; topics are created by
/// name when missing.
pub async fn create(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<CreateContent>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().parse()?;
    let campaign_id = new.campaign_id;
    let author = new.author_employee_id;
    let item = state
        .db
        .run(move |conn| Ok(store::content::insert(conn, new)))
        .await?
        .map_err(|e| match e {
            ContentRefused::UnknownCampaign => ApiError::unprocessable(
                "unknown_campaign",
                format!(
                    "campaign_id: no campaign {}",
                    campaign_id.unwrap_or_default()
                ),
            ),
            ContentRefused::UnknownAuthor => ApiError::unprocessable(
                "unknown_author",
                format!(
                    "author_employee_id: no employee {}",
                    author.unwrap_or_default()
                ),
            ),
            ContentRefused::Store(e) => e.into(),
        })?;
    Ok(HttpResponse::Created().json(item))
}

/// `GET /content`: `{"content": [...]}`, newest first.
pub async fn list(_: FullAccess, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = state.db.run(store::content::list).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "content": items })))
}

/// `GET /content/{id}`.
pub async fn show(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let item = state
        .db
        .run(move |conn| store::content::find_by_id(conn, id))
        .await
        .map_err(super::missing("content item", id))?;
    Ok(HttpResponse::Ok().json(item))
}
