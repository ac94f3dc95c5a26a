//! `/api/v1/shares`: one employee's short link for one content item on one network.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Deserializer, Serialize};

use super::invalid;
use super::snapshots::SourcesQuery;
use crate::domain::network::Network;
use crate::domain::share;
use crate::domain::slug::Slug;
use crate::error::ApiError;
use crate::store;
use crate::store::shares::{NewShare, Share, ShareChanges, ShareFilter, ShareRefused, ShareStats};
use crate::web::auth::FullAccess;
use crate::web::AppState;

/// A share in API bodies: the stored share plus its public short URL, and its numbers
/// on `GET /shares/{id}`.
#[derive(Serialize)]
struct ShareBody {
    #[serde(flatten)]
    share: Share,
    short_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<ShareStats>,
}

fn body(state: &AppState, share: Share, stats: Option<ShareStats>) -> ShareBody {
    ShareBody {
        short_url: share::short_url(state.settings.public_base(), &share.slug),
        share,
        stats,
    }
}

#[derive(Deserialize)]
pub struct CreateShare {
    employee_id: i64,
    content_id: i64,
    network: String,
    #[serde(default)]
    slug: Option<String>,
}

impl CreateShare {
    fn parse(self) -> Result<NewShare, ApiError> {
        let network = Network::parse(&self.network)
            .map_err(|e| ApiError::unprocessable("invalid_network", e.to_string()))?;
        let slug = match self.slug.as_deref() {
            None => None,
            Some(s) => Some(Slug::parse(s).map_err(|e| invalid(e.code(), "slug", e))?),
        };
        Ok(NewShare {
            employee_id: self.employee_id,
            content_id: self.content_id,
            network,
            slug,
        })
    }
}

/// `POST /shares`: 201 with a new share, or 200 with the existing share of the same
/// (employee, content, network). A share owns exactly one short link, so on 200 a
/// requested custom `slug` is ignored (the existing slug is returned) — it is still
/// checked first: an invalid slug is 422 either way.
pub async fn create(
    _: FullAccess,
    state: web::Data<AppState>,
    body_in: web::Json<CreateShare>,
) -> Result<HttpResponse, ApiError> {
    let new = body_in.into_inner().parse()?;
    // A deactivated employee's links keep working, but no new ones are made.
    let employee_id = new.employee_id;
    if state
        .db
        .run(move |conn| store::employees::is_active(conn, employee_id))
        .await?
        == Some(false)
    {
        return Err(ApiError::unprocessable(
            "employee_deactivated",
            format!(
                "employee_id: employee {employee_id} is deactivated and cannot make new shares"
            ),
        ));
    }
    let slug_length = state.effective().slug_length;
    let request = new.clone();
    let (share, created) = state
        .db
        .run(move |conn| {
            Ok(store::shares::create(conn, &request, &mut || {
                Slug::generate(slug_length)
            }))
        })
        .await?
        .map_err(|e| match e {
            ShareRefused::UnknownEmployee => ApiError::unprocessable(
                "unknown_employee",
                format!("employee_id: no employee {}", new.employee_id),
            ),
            ShareRefused::UnknownContent => ApiError::unprocessable(
                "unknown_content",
                format!("content_id: no content item {}", new.content_id),
            ),
            ShareRefused::SlugTaken => ApiError::conflict(
                "slug_taken",
                format!(
                    "the short link {:?} is taken; choose another slug",
                    new.slug.as_ref().map(Slug::as_str).unwrap_or_default()
                ),
            ),
            ShareRefused::NoFreeSlug => {
                tracing::error!(
                    slug_length,
                    "no free slug after several attempts; raise CHORUS_SLUG_LENGTH"
                );
                ApiError::Unavailable
            }
            ShareRefused::Store(e) => e.into(),
        })?;
    // A visit before the link existed may have left a short-lived "unknown" entry.
    state.links.invalidate(&share.slug);
    let out = body(&state, share, None);
    Ok(if created {
        HttpResponse::Created().json(out)
    } else {
        HttpResponse::Ok().json(out)
    })
}

/// `GET /shares/{id}?self_reported`: the share with its `stats`; `self_reported=false`
/// takes engagement and impressions from the latest snapshot that the employee did not
/// type in.
pub async fn show(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<SourcesQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let currency = state.effective().default_currency.clone();
    let sources = query.sources();
    state.clicks.settle().await;
    let (share, stats) = state
        .db
        .run(move |conn| {
            let share = store::shares::find_by_id(conn, id)?;
            let stats = store::shares::stats(conn, id, &currency, sources)?;
            Ok((share, stats))
        })
        .await
        .map_err(super::missing("share", id))?;
    Ok(HttpResponse::Ok().json(body(&state, share, Some(stats))))
}

#[derive(Deserialize)]
pub struct ListQuery {
    employee_id: Option<i64>,
    content_id: Option<i64>,
    network: Option<String>,
}

/// `GET /shares?employee_id&content_id&network`: `{"shares": [...]}`, newest first,
/// without stats.
pub async fn list(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let filter = ShareFilter {
        employee_id: query.employee_id,
        content_id: query.content_id,
        network: query
            .network
            .as_deref()
            .map(Network::parse)
            .transpose()
            .map_err(|e| ApiError::unprocessable("invalid_network", e.to_string()))?,
    };
    let shares = state
        .db
        .run(move |conn| store::shares::list(conn, &filter))
        .await?;
    let shares: Vec<ShareBody> = shares.into_iter().map(|s| body(&state, s, None)).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "shares": shares })))
}

/// `null` and absent told apart: absent → `None`, `null` → `Some(None)`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
pub struct UpdateShare {
    #[serde(default)]
    disabled: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    expires_at: Option<Option<String>>,
}

/// `PATCH /shares/{id}` `{"disabled"?: bool, "expires_at"?: time or null}`: 200 with the
/// share. `expires_at` is RFC 3339 or a bare date (midnight in the configured time zone);
/// a past time expires the link at once, `null` removes the expiry.
pub async fn update(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body_in: web::Json<UpdateShare>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body_in = body_in.into_inner();
    let expires_at = match body_in.expires_at {
        None => None,
        Some(None) => Some(None),
        Some(Some(t)) => Some(Some(
            share::parse_time(&t, state.effective().timezone)
                .map_err(|e| invalid("invalid_expires_at", "expires_at", e))?,
        )),
    };
    let changes = ShareChanges {
        disabled: body_in.disabled,
        expires_at,
    };
    let share = state
        .db
        .run(move |conn| store::shares::update(conn, id, &changes))
        .await
        .map_err(super::missing("share", id))?;
    state.links.invalidate(&share.slug);
    Ok(HttpResponse::Ok().json(body(&state, share, None)))
}
