//! `/api/v1/brands`: the own brand and its competitors.
//!
//! `POST` answers 201 with the brand; a taken name (ignoring case) or a second own brand
//! is 409 (`brand_exists`, `own_brand_exists`); a blank name, no keyword, a blank or too
//! long keyword, or intended attributes on a competitor are 422.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::domain::brand;
use crate::error::ApiError;
use crate::store::brands::BrandRefused;
use crate::store::{self};
use crate::web::auth::FullAccess;
use crate::web::AppState;

/// The body of `POST /brands` (API.md).
#[derive(Deserialize)]
pub struct CreateBrand {
    name: String,
    own: bool,
    keywords: Vec<String>,
    #[serde(default)]
    intended_attributes: Option<Vec<String>>,
}

/// The one mapping of a refused brand to HTTP.
pub fn refused(err: BrandRefused) -> ApiError {
    match err {
        BrandRefused::NameTaken(name) => ApiError::conflict(
            "brand_exists",
            format!("a brand named {name:?} already exists"),
        ),
        BrandRefused::OwnBrandExists(name) => ApiError::conflict(
            "own_brand_exists",
            format!("{name:?} is already the own brand; add competitors with \"own\": false"),
        ),
        BrandRefused::AttributeOnCompetitor => ApiError::unprocessable(
            "attributes_on_competitor",
            "intended_attributes: only the own brand has intended attributes",
        ),
        BrandRefused::LastKeyword => ApiError::unprocessable(
            "last_keyword",
            "keywords: a brand keeps at least one keyword",
        ),
        BrandRefused::Store(e) => e.into(),
    }
}

/// `POST /brands` → 201 `{"id","name","own","keywords","intended_attributes"}`.
pub async fn create(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<CreateBrand>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let new = brand::validate(
        &body.name,
        body.own,
        &body.keywords,
        body.intended_attributes.as_deref().unwrap_or_default(),
    )
    .map_err(|e| ApiError::unprocessable(e.code, e.to_string()))?;
    let created = state
        .db
        .run(move |conn| Ok(store::brands::insert(conn, &new)))
        .await?
        .map_err(refused)?;
    Ok(HttpResponse::Created().json(created))
}

/// `GET /brands` → `{"brands": [...]}`, the own brand first, then by name.
pub async fn list(_: FullAccess, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let brands = state.db.run(store::brands::list).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "brands": brands })))
}

/// `GET /brands/{id}`.
pub async fn show(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let brand = state
        .db
        .run(move |conn| store::brands::find_by_id(conn, id))
        .await
        .map_err(super::missing("brand", id))?;
    Ok(HttpResponse::Ok().json(brand))
}
