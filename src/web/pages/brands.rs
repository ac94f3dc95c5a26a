//! `/admin/brands`: the own brand and its competitors — list, create (keywords and
//! intended attributes typed comma- or line-separated), add and remove keywords.
//! Every form carries the CSRF token; a refused form is shown again with the message
//! beside its field and nothing changed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::setup::capitalise;
use super::{form_text, render, see_other, Nav, Tr};
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
    name: Option<String>,
    n: Option<i64>,
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
    see_other(&format!("/admin/brands?done={what}"))
}

fn encode(value: &str) -> percent_encoding::PercentEncode<'_> {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
}

/// The notice after `?done=…`, in the page's language.
fn notice_text(t: &Tr, notice: Notice) -> Option<String> {
    let n = notice.n.unwrap_or(0).max(0);
    Some(match notice.done.as_deref()? {
        "added" => t.with("brands.added", "name", notice.name.unwrap_or_default()),
        "nothing-new" => t.get("brands.nothing-new"),
        "keywords" => t.count("brands.added-keywords", n),
        "attributes" => t.count("brands.added-attributes", n),
        "removed" => t.get("brands.removed"),
        _ => return None,
    })
}

/// One entry of a keyword list as a sentence.
fn keyword_error(t: &Tr, e: &brand::InvalidKeyword) -> String {
    match e {
        brand::InvalidKeyword::Empty => t.get("brands.error-keyword-empty"),
        brand::InvalidKeyword::TooLong => t.with(
            "brands.error-keyword-too-long",
            "max",
            brand::MAX_KEYWORD_LEN,
        ),
        brand::InvalidKeyword::Control => t.get("brands.error-keyword-control"),
    }
}

/// A refused keyword list (`entries` as typed) in the page's language.
fn list_error(t: &Tr, e: &brand::InvalidBrand, entries: &[String]) -> String {
    let too_many = || {
        t.with2(
            "brands.error-too-many",
            "max",
            brand::MAX_KEYWORDS,
            "got",
            entries.len(),
        )
    };
    if entries.len() > brand::MAX_KEYWORDS && e.message.starts_with("at most") {
        return too_many();
    }
    for (i, entry) in entries.iter().enumerate() {
        if let Err(why) = brand::Keyword::parse(entry) {
            return t.with2(
                "brands.error-entry",
                "n",
                i + 1,
                "why",
                keyword_error(t, &why),
            );
        }
    }
    if e.message.starts_with("at most") {
        return too_many();
    }
    format!("{}.", capitalise(&e.message))
}

/// A refused brand form, the message for its field.
fn brand_error(t: &Tr, e: &brand::InvalidBrand, form: &BrandForm) -> String {
    match e.code {
        "invalid_name" => match brand::parse_name(&form.name) {
            Err(label) => form_text::label(t, "form.field.name", &label),
            Ok(_) => format!("{}.", capitalise(&e.message)),
        },
        "invalid_keyword" => list_error(t, e, &brand::split_list(&form.keywords)),
        "invalid_attribute" => list_error(t, e, &brand::split_list(&form.intended_attributes)),
        "missing_keywords" => t.get("brands.error-missing-keywords"),
        "attributes_on_competitor" => t.get("brands.error-attributes-on-competitor"),
        _ => format!("{}.", capitalise(&e.message)),
    }
}

/// `GET /admin/brands`.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    notice: web::Query<Notice>,
) -> Result<HttpResponse, PageError> {
    let mut draft = Draft::empty();
    draft.notice = notice_text(&Tr::current(), notice.into_inner());
    brands_page(&state, &user, StatusCode::OK, draft).await
}

/// Every broken field of a brand form at once, each message for its own field (issue 12:
/// a taken name was hidden behind "keyword required" while the domain's `validate` stops
/// at the first rule). `existing` are the brands stored now, for the name and own-brand
/// checks; the store checks both again in its transaction.
fn check_brand(
    t: &Tr,
    form: &BrandForm,
    existing: &[store::brands::Brand],
) -> Result<brand::NewBrand, BrandErrors> {
    let own = form.own.is_some();
    let mut errors = BrandErrors::default();
    match brand::parse_name(&form.name) {
        Err(label) => errors.name = Some(form_text::label(t, "form.field.name", &label)),
        Ok(name) => {
            if let Some(taken) = existing
                .iter()
                .find(|b| brand::same_name(&b.name, name.as_str()))
            {
                errors.name = Some(t.with("brands.error-name-taken", "name", &taken.name));
            }
        }
    }
    if own {
        if let Some(current) = existing.iter().find(|b| b.own) {
            errors.own = Some(t.with("brands.error-own-exists", "name", &current.name));
        }
    }
    let keywords = brand::split_list(&form.keywords);
    match brand::parse_keywords(&keywords, KeywordKind::Keyword) {
        Err(e) => errors.keywords = Some(list_error(t, &e, &keywords)),
        Ok(list) if list.is_empty() => {
            errors.keywords = Some(t.get("brands.error-missing-keywords"))
        }
        Ok(_) => {}
    }
    let attributes = brand::split_list(&form.intended_attributes);
    match brand::parse_keywords(&attributes, KeywordKind::Attribute) {
        Err(e) => errors.intended_attributes = Some(list_error(t, &e, &attributes)),
        Ok(list) if !own && !list.is_empty() => {
            errors.intended_attributes = Some(t.get("brands.error-attributes-on-competitor"))
        }
        Ok(_) => {}
    }
    if errors.name.is_some()
        || errors.own.is_some()
        || errors.keywords.is_some()
        || errors.intended_attributes.is_some()
    {
        return Err(errors);
    }
    // Every rule passed field by field: the domain's whole check builds the brand.
    brand::validate(&form.name, own, &keywords, &attributes).map_err(|e| {
        let mut errors = BrandErrors::default();
        let message = Some(brand_error(t, &e, form));
        match e.field {
            "name" => errors.name = message,
            "intended_attributes" => errors.intended_attributes = message,
            _ => errors.keywords = message,
        }
        errors
    })
}

/// `POST /admin/brands`: create a brand. A refused form comes back with every broken
/// field marked and what was typed kept; a stored one redirects (so a reload never
/// creates it twice) to the list with a notice.
pub async fn create(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<BrandForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let refuse = |errors: BrandErrors, form: BrandForm| Draft {
        form,
        errors,
        keyword_draft: None,
        notice: None,
    };
    let existing = state.db.run(store::brands::list).await?;
    let new = match check_brand(&Tr::current(), &form, &existing) {
        Ok(new) => new,
        Err(errors) => {
            // 409 when only what is stored stands in the way (a taken name, a second own
            // brand), 422 when something typed breaks a rule.
            let typed_wrong = errors.keywords.is_some()
                || errors.intended_attributes.is_some()
                || brand::parse_name(&form.name).is_err();
            let status = if typed_wrong {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            let draft = refuse(errors, form);
            return brands_page(&state, &user, status, draft).await;
        }
    };
    let mut errors = BrandErrors::default();
    let shown = new.name.as_str().to_owned();
    let result = state
        .db
        .run(move |conn| Ok(store::brands::insert(conn, &new)))
        .await?;
    match result {
        Ok(_) => Ok(done(&format!("added&name={}", encode(&shown)))),
        // Another admin was quicker between the check and the write.
        Err(BrandRefused::NameTaken(name)) => {
            errors.name = Some(Tr::current().with("brands.error-name-taken", "name", name));
            let draft = refuse(errors, form);
            brands_page(&state, &user, StatusCode::CONFLICT, draft).await
        }
        Err(BrandRefused::OwnBrandExists(name)) => {
            errors.own = Some(Tr::current().with("brands.error-own-exists", "name", name));
            let draft = refuse(errors, form);
            brands_page(&state, &user, StatusCode::CONFLICT, draft).await
        }
        Err(BrandRefused::Store(e)) => Err(e.into()),
        Err(other) => {
            errors.keywords = Some(refused_text(&Tr::current(), &other));
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
    let t = Tr::current();
    let Some(kind) = KeywordKind::parse(form.kind.trim()) else {
        let (draft, status) = refuse(
            t.get("brands.error-kind"),
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        return brands_page(&state, &user, status, draft).await;
    };
    let entries = brand::split_list(&form.keyword);
    let parsed = match brand::parse_keywords(&entries, kind) {
        Ok(list) if list.is_empty() => Err(t.get("brands.error-enter-keyword")),
        Ok(list) => Ok(list),
        Err(e) => Err(list_error(&t, &e, &entries)),
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
        Ok(0) => Ok(done("nothing-new")),
        Ok(n) => Ok(done(&format!(
            "{}&n={n}",
            match kind {
                KeywordKind::Keyword => "keywords",
                KeywordKind::Attribute => "attributes",
            }
        ))),
        Err(BrandRefused::Store(StoreError::NotFound)) => Err(PageError::NotFound),
        Err(BrandRefused::Store(StoreError::Conflict(why))) => {
            let (draft, status) = refuse(
                if why.starts_with("at most") {
                    t.with("brands.error-keeps-at-most", "max", brand::MAX_KEYWORDS)
                } else {
                    format!("A brand keeps {}.", why)
                },
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
            brands_page(&state, &user, status, draft).await
        }
        Err(BrandRefused::Store(e)) => Err(e.into()),
        Err(other) => {
            let (draft, status) = refuse(
                refused_text(&t, &other),
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
        Ok(()) => Ok(done("removed")),
        Err(BrandRefused::LastKeyword) => {
            let mut draft = Draft::empty();
            draft.keyword_draft = Some(KeywordDraft {
                brand_id,
                keyword: String::new(),
                kind: KeywordKind::Keyword.as_str().to_owned(),
                error: Tr::current().get("brands.error-last-keyword"),
            });
            brands_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, draft).await
        }
        Err(BrandRefused::Store(StoreError::NotFound)) => Err(PageError::NotFound),
        Err(BrandRefused::Store(e)) => Err(e.into()),
        Err(_) => Err(PageError::Internal),
    }
}

/// A refusal of the store, as a sentence in the page's language.
fn refused_text(t: &Tr, e: &BrandRefused) -> String {
    match e {
        BrandRefused::NameTaken(name) => t.with("brands.error-name-taken", "name", name),
        BrandRefused::OwnBrandExists(name) => t.with("brands.error-own-exists", "name", name),
        BrandRefused::AttributeOnCompetitor => t.get("brands.error-attributes-on-competitor"),
        BrandRefused::LastKeyword => t.get("brands.error-last-keyword"),
        BrandRefused::Store(e) => format!("{}.", capitalise(&e.to_string())),
    }
}
