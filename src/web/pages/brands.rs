//! `/admin/brands`: the own brand and its competitors — list, create (keywords and
//! intended attributes typed comma- or line-separated), add and remove keywords.
//! Every form carries the CSRF token; a refused form is shown again with the message
//! beside its field and nothing changed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::setup::capitalise;
use super::{render, see_other, Nav, Tr};
use crate::domain::brand::{self, KeywordKind};
use crate::error::PageError;
use crate::store::brands::{Added, BrandRefused};
use crate::store::{self, StoreError};
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::AppState;

/// One keyword or attribute, with the id its remove button posts to.
struct Chip {
    id: i64,
    text: String,
}

struct BrandView {
    id: i64,
    name: String,
    own: bool,
    mentions: i64,
    keywords: Vec<Chip>,
    attributes: Vec<Chip>,
}

#[derive(Deserialize, Default)]
pub struct BrandForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    own: Option<String>,
    #[serde(default)]
    keywords: String,
    #[serde(default)]
    intended_attributes: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Default)]
struct BrandErrors {
    name: Option<String>,
    own: Option<String>,
    keywords: Option<String>,
    intended_attributes: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct KeywordForm {
    #[serde(default)]
    keyword: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    csrf: String,
}

/// A refused keyword form: which brand's form, what was typed, and why.
struct KeywordDraft {
    brand_id: i64,
    keyword: String,
    kind: String,
    error: String,
}

#[derive(Deserialize)]
pub struct Notice {
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/brands.html")]
struct BrandsPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    brands: Vec<BrandView>,
    has_own: bool,
    form: BrandForm,
    errors: BrandErrors,
    keyword_draft: Option<KeywordDraft>,
    notice: Option<String>,
    max_keywords: usize,
}

impl BrandsPage {
    /// What the keyword field of brand `id` shows back after a refusal.
    fn draft_for(&self, id: &i64) -> Option<&KeywordDraft> {
        self.keyword_draft.as_ref().filter(|d| d.brand_id == *id)
    }
}

struct Draft {
    form: BrandForm,
    errors: BrandErrors,
    keyword_draft: Option<KeywordDraft>,
    notice: Option<String>,
}

impl Draft {
    fn empty() -> Draft {
        Draft {
            form: BrandForm::default(),
            errors: BrandErrors::default(),
            keyword_draft: None,
            notice: None,
        }
    }
}

async fn brands_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    draft: Draft,
) -> Result<HttpResponse, PageError> {
    let (brands, counts, entries) = state
        .db
        .run(|conn| {
            let brands = store::brands::list(conn)?;
            let counts = store::brands::mention_counts(conn)?;
            let mut entries = Vec::with_capacity(brands.len());
            for b in &brands {
                entries.push(store::brands::keyword_entries(conn, b.id)?);
            }
            Ok((brands, counts, entries))
        })
        .await?;
    let views: Vec<BrandView> = brands
        .into_iter()
        .zip(entries)
        .map(|(b, entries)| {
            let chips = |kind: KeywordKind| -> Vec<Chip> {
                entries
                    .iter()
                    .filter(|(_, _, k)| *k == kind)
                    .map(|(id, text, _)| Chip {
                        id: *id,
                        text: text.clone(),
                    })
                    .collect()
            };
            BrandView {
                mentions: counts.get(&b.id).copied().unwrap_or(0),
                keywords: chips(KeywordKind::Keyword),
                attributes: chips(KeywordKind::Attribute),
                id: b.id,
                name: b.name,
                own: b.own,
            }
        })
        .collect();
    render(
        status,
        &BrandsPage {
            title: "page.brands",
            nav: Some(Nav::new(user, "brands")),
            t: Tr::current(),
            csrf: user.csrf.clone(),
            has_own: views.iter().any(|b| b.own),
            brands: views,
            form: draft.form,
            errors: draft.errors,
            keyword_draft: draft.keyword_draft,
            notice: draft.notice,
            max_keywords: brand::MAX_KEYWORDS,
        },
    )
}

fn done(what: &str) -> HttpResponse {
    see_other(&format!(
        "/admin/brands?done={}",
        percent_encoding::utf8_percent_encode(what, percent_encoding::NON_ALPHANUMERIC)
    ))
}

/// `GET /admin/brands`.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    notice: web::Query<Notice>,
) -> Result<HttpResponse, PageError> {
    let mut draft = Draft::empty();
    draft.notice = notice.into_inner().done;
    brands_page(&state, &user, StatusCode::OK, draft).await
}

/// `POST /admin/brands`: create a brand.
pub async fn create(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<BrandForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let own = form.own.is_some();
    let validated = brand::validate(
        &form.name,
        own,
        &brand::split_list(&form.keywords),
        &brand::split_list(&form.intended_attributes),
    );
    let mut errors = BrandErrors::default();
    let refuse = |errors: BrandErrors, form: BrandForm| Draft {
        form,
        errors,
        keyword_draft: None,
        notice: None,
    };
    let new = match validated {
        Ok(new) => new,
        Err(e) => {
            let message = Some(format!("{}.", capitalise(&e.message)));
            match e.field {
                "name" => errors.name = message,
                "intended_attributes" => errors.intended_attributes = message,
                _ => errors.keywords = message,
            }
            let draft = refuse(errors, form);
            return brands_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, draft).await;
        }
    };
    let shown = new.name.as_str().to_owned();
    let result = state
        .db
        .run(move |conn| Ok(store::brands::insert(conn, &new)))
        .await?;
    match result {
        Ok(_) => Ok(done(&format!("Added {shown}."))),
        Err(BrandRefused::NameTaken(name)) => {
            errors.name = Some(format!("There is already a brand named “{name}”."));
            let draft = refuse(errors, form);
            brands_page(&state, &user, StatusCode::CONFLICT, draft).await
        }
        Err(BrandRefused::OwnBrandExists(name)) => {
            errors.own = Some(format!(
                "“{name}” is already the own brand; add this one as a competitor."
            ));
            let draft = refuse(errors, form);
            brands_page(&state, &user, StatusCode::CONFLICT, draft).await
        }
        Err(BrandRefused::Store(e)) => Err(e.into()),
        Err(other) => {
            errors.keywords = Some(format!("{}.", capitalise(&other.to_string())));
            let draft = refuse(errors, form);
            brands_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, draft).await
        }
    }
}

/// `POST /admin/brands/{id}/keywords`: add keywords or (own brand) attributes, typed
/// comma- or line-separated.
pub async fn add_keyword(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<KeywordForm>,
) -> Result<HttpResponse, PageError> {
    let brand_id = id.into_inner();
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let refuse = |error: String, form: KeywordForm, status: StatusCode| {
        let mut draft = Draft::empty();
        draft.keyword_draft = Some(KeywordDraft {
            brand_id,
            keyword: form.keyword,
            kind: form.kind,
            error,
        });
        (draft, status)
    };
    let Some(kind) = KeywordKind::parse(form.kind.trim()) else {
        let (draft, status) = refuse(
            "Choose keyword or intended attribute.".into(),
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        return brands_page(&state, &user, status, draft).await;
    };
    let entries = brand::split_list(&form.keyword);
    let parsed = match brand::parse_keywords(&entries, kind) {
        Ok(list) if list.is_empty() => Err("Enter a keyword.".to_owned()),
        Ok(list) => Ok(list),
        Err(e) => Err(format!("{}.", capitalise(&e.message))),
    };
    let keywords = match parsed {
        Ok(list) => list,
        Err(why) => {
            let (draft, status) = refuse(why, form, StatusCode::UNPROCESSABLE_ENTITY);
            return brands_page(&state, &user, status, draft).await;
        }
    };
    let result = state
        .db
        .run(move |conn| {
            // All or nothing: one transaction around every keyword typed.
            Ok(crate::store::tx::write_transaction(conn, |conn| {
                let mut added = 0;
                for keyword in &keywords {
                    if store::brands::add_keyword(conn, brand_id, kind, keyword)? == Added::Added {
                        added += 1;
                    }
                }
                Ok::<_, BrandRefused>(added)
            }))
        })
        .await?;
    match result {
        Ok(0) => Ok(done("Nothing new: the brand had these already.")),
        Ok(n) => Ok(done(&format!(
            "Added {n} {}.",
            match (kind, n) {
                (KeywordKind::Keyword, 1) => "keyword",
                (KeywordKind::Keyword, _) => "keywords",
                (KeywordKind::Attribute, 1) => "intended attribute",
                (KeywordKind::Attribute, _) => "intended attributes",
            }
        ))),
        Err(BrandRefused::Store(StoreError::NotFound)) => Err(PageError::NotFound),
        Err(BrandRefused::Store(StoreError::Conflict(why))) => {
            let (draft, status) = refuse(
                format!("A brand keeps {}.", why),
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
            brands_page(&state, &user, status, draft).await
        }
        Err(BrandRefused::Store(e)) => Err(e.into()),
        Err(other) => {
            let (draft, status) = refuse(
                format!("{}.", capitalise(&other.to_string())),
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
            brands_page(&state, &user, status, draft).await
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/brands/{id}/keywords/{keyword_id}/delete`.
pub async fn remove_keyword(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let (brand_id, keyword_id) = path.into_inner();
    let result = state
        .db
        .run(move |conn| Ok(store::brands::remove_keyword(conn, brand_id, keyword_id)))
        .await?;
    match result {
        Ok(()) => Ok(done("Removed.")),
        Err(BrandRefused::LastKeyword) => {
            let mut draft = Draft::empty();
            draft.keyword_draft = Some(KeywordDraft {
                brand_id,
                keyword: String::new(),
                kind: KeywordKind::Keyword.as_str().to_owned(),
                error: "A brand keeps at least one keyword: add another before removing this one."
                    .into(),
            });
            brands_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, draft).await
        }
        Err(BrandRefused::Store(StoreError::NotFound)) => Err(PageError::NotFound),
        Err(BrandRefused::Store(e)) => Err(e.into()),
        Err(_) => Err(PageError::Internal),
    }
}
