//! `/api/v1/content`: the content library — create, list, show and change (title, URL,
//! campaign, topics, suggested texts, preview image, click-id switch, archive, pin).

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Deserializer};

use super::invalid;
use crate::domain::content::{self, InvalidNetworkText, Origin};
use crate::domain::person::Label;
use crate::domain::utm::DestinationUrl;
use crate::error::ApiError;
use crate::store;
use crate::store::content::{ContentChanges, ContentRefused, NewContent};
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

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    include_archived: bool,
}

/// `GET /content?include_archived`: `{"content": [...]}`, newest first; archived items
/// only with `include_archived=true`.
pub async fn list(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let all = query.include_archived;
    let items = state
        .db
        .run(move |conn| store::content::list(conn, all))
        .await?;
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

/// `null` and absent told apart: absent → `None`, `null` → `Some(None)`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The body of `PATCH /content/{id}`: every field optional; `null` clears what can be
/// cleared.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateContent {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default, deserialize_with = "present")]
    campaign_id: Option<Option<i64>>,
    #[serde(default)]
    topics: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    suggested_text: Option<Option<String>>,
    #[serde(default)]
    suggested_texts: Option<BTreeMap<String, Option<String>>>,
    #[serde(default, deserialize_with = "present")]
    preview_image_url: Option<Option<String>>,
    #[serde(default)]
    click_param: Option<bool>,
    #[serde(default)]
    archived: Option<bool>,
    #[serde(default)]
    pinned: Option<bool>,
}

impl UpdateContent {
    fn parse(self) -> Result<ContentChanges, ApiError> {
        let title = self
            .title
            .map(|t| Label::parse(&t).map_err(|e| invalid("invalid_title", "title", e)))
            .transpose()?;
        let url = self
            .url
            .map(|u| DestinationUrl::parse(&u).map_err(|e| invalid(e.code(), "url", e)))
            .transpose()?;
        let topics = self
            .topics
            .map(|names| {
                content::parse_topics(&names)
                    .map_err(|e| ApiError::unprocessable("invalid_topic", e.to_string()))
            })
            .transpose()?;
        let suggested_text = self
            .suggested_text
            .map(|text| {
                content::parse_suggested_text(text.as_deref())
                    .map_err(|e| invalid("invalid_suggested_text", "suggested_text", e))
            })
            .transpose()?;
        let texts = self.suggested_texts.unwrap_or_default();
        let network_texts =
            content::parse_network_texts(texts.iter().map(|(k, v)| (k.as_str(), v.as_deref())))
                .map_err(|e| match e {
                    InvalidNetworkText::UnknownNetwork(e) => {
                        invalid("invalid_network", "suggested_texts", e)
                    }
                    e @ InvalidNetworkText::TooLong { .. } => {
                        invalid("invalid_suggested_text", "suggested_texts", e)
                    }
                })?;
        let preview_image_url = self
            .preview_image_url
            .map(|u| {
                content::parse_image_url(u.as_deref())
                    .map_err(|e| invalid(e.code(), "preview_image_url", e))
            })
            .transpose()?;
        Ok(ContentChanges {
            title,
            url,
            campaign_id: self.campaign_id,
            topics,
            suggested_text,
            network_texts,
            preview_image_url,
            click_param: self.click_param,
            archived: self.archived,
            pinned: self.pinned,
        })
    }
}

/// `PATCH /content/{id}`: 200 with the item as it is afterwards. Validation as for
/// `POST /content` (422 with the same codes), `invalid_network` for an unknown network in
/// `suggested_texts`, `invalid_preview_image_url` for anything but an `https` URL; 404 for
/// an unknown id. Changing `url` or `campaign_id` re-tags the item's existing links.
pub async fn update(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<UpdateContent>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner().parse()?;
    let campaign_id = changes.campaign_id.flatten();
    let updated = state
        .db
        .run(move |conn| Ok(store::content::update(conn, id, &changes)))
        .await?
        .map_err(|e| match e {
            ContentRefused::UnknownCampaign => ApiError::unprocessable(
                "unknown_campaign",
                format!(
                    "campaign_id: no campaign {}",
                    campaign_id.unwrap_or_default()
                ),
            ),
            ContentRefused::UnknownAuthor => {
                ApiError::unprocessable("unknown_author", "author_employee_id: no such employee")
            }
            ContentRefused::Store(e) => super::missing("content item", id)(e),
        })?;
    for slug in &updated.relinked {
        state.links.invalidate(slug);
    }
    Ok(HttpResponse::Ok().json(updated.content))
}
