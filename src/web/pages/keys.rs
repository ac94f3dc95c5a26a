//! `/admin/keys`: API keys — create (full, or publishable with the origins it may be used
//! from), list with kind, origins, creation and last use, revoke after a confirmation.
//!
//! The secret is shown once: the creating request stores it in an encrypted, short-lived
//! cookie and redirects (so a reload never makes a second key); the next page view shows
//! it and deletes the cookie in the same answer. The database keeps only its hash, so no
//! later page can show it again.

use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::{form_text, render, see_other, Nav, Tr};
use crate::domain::api_key::{self, parse_origin_list, parse_origins, split_origins};
use crate::domain::api_key::{InvalidOrigin, Scope, MAX_ORIGINS};
use crate::domain::person::Label;
use crate::error::PageError;
use crate::store::{self, StoreError};
use crate::web::auth::{removal_cookie, AdminUser, CurrentUser};
use crate::web::AppState;

/// The cookie that carries a new key's secret to the one page view that shows it.
const NEW_KEY_COOKIE: &str = "chorus_new_key";
const NEW_KEY_PATH: &str = "/admin/keys";
/// Long enough for the redirect, short enough not to linger.
const NEW_KEY_MINUTES: i64 = 5;

struct KeyView {
    id: i64,
    name: String,
    publishable: bool,
    prefix: String,
    origins: Vec<String>,
    created: String,
    last_used: Option<String>,
    revoked: Option<String>,
}

/// A key made a moment ago, with its secret: shown this once.
struct Fresh {
    id: i64,
    name: String,
    publishable: bool,
    secret: String,
}

#[derive(Deserialize, Default)]
pub struct KeyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    origins: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Default)]
struct KeyErrors {
    name: Option<String>,
    kind: Option<String>,
    origins: Option<String>,
}

impl KeyErrors {
    fn any(&self) -> bool {
        self.name.is_some() || self.kind.is_some() || self.origins.is_some()
    }
}

#[derive(Deserialize)]
pub struct Notice {
    done: Option<String>,
    name: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/keys.html")]
struct KeysPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    keys: Vec<KeyView>,
    active: usize,
    fresh: Option<Fresh>,
    form: KeyForm,
    errors: KeyErrors,
    notice: Option<String>,
    max_origins: usize,
}

#[derive(Template)]
#[template(path = "admin/keys_revoke.html")]
struct RevokePage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    key: KeyView,
}

fn local(state: &AppState, t: &Tr, at: NaiveDateTime) -> String {
    let tz = state.live.timezone();
    t.datetime(&at.and_utc().with_timezone(&tz).naive_local())
}

fn view(state: &AppState, t: &Tr, row: store::api_keys::ApiKeyRow) -> KeyView {
    KeyView {
        id: row.id,
        publishable: row.scope == Scope::Publishable.as_str(),
        origins: parse_origins(row.allowed_origins.as_deref()),
        created: local(state, t, row.created_at),
        last_used: row.last_used_at.map(|at| local(state, t, at)),
        revoked: row.revoked_at.map(|at| local(state, t, at)),
        name: row.name,
        prefix: row.prefix,
    }
}

async fn keys_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    form: KeyForm,
    errors: KeyErrors,
    notice: Option<String>,
    fresh: Option<(i64, String)>,
) -> Result<HttpResponse, PageError> {
    let rows = state.db.run(store::api_keys::list).await?;
    let t = Tr::current();
    let fresh = fresh.and_then(|(id, secret)| {
        // Only a key that exists, is active and matches the secret's kind is shown.
        let row = rows
            .iter()
            .find(|r| r.id == id && r.revoked_at.is_none() && secret.starts_with(&r.prefix))?;
        Some(Fresh {
            id,
            name: row.name.clone(),
            publishable: row.scope == Scope::Publishable.as_str(),
            secret,
        })
    });
    let keys: Vec<KeyView> = rows.into_iter().rev().map(|r| view(state, &t, r)).collect();
    render(
        status,
        &KeysPage {
            title: "keys.title",
            nav: Some(Nav::new(user, "keys")),
            t,
            csrf: user.csrf.clone(),
            active: keys.iter().filter(|k| k.revoked.is_none()).count(),
            keys,
            fresh,
            form,
            errors,
            notice,
            max_origins: MAX_ORIGINS,
        },
    )
}

/// The new key's id and secret, from the cookie the creating request set.
fn fresh_key(req: &HttpRequest, state: &AppState) -> Option<(i64, String)> {
    let cookie = req.cookie(NEW_KEY_COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let value = jar
        .private(&state.cookie_key)
        .get(NEW_KEY_COOKIE)?
        .value()
        .to_string();
    let (id, secret) = value.split_once('.')?;
    Some((id.parse().ok()?, secret.to_string()))
}

fn new_key_cookie(state: &AppState, id: i64, secret: &str) -> Cookie<'static> {
    let cookie = Cookie::build(NEW_KEY_COOKIE, format!("{id}.{secret}"))
        .path(NEW_KEY_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies())
        .max_age(actix_web::cookie::time::Duration::minutes(NEW_KEY_MINUTES))
        .finish();
    let mut jar = CookieJar::new();
    jar.private_mut(&state.cookie_key).add(cookie);
    jar.get(NEW_KEY_COOKIE)
        .cloned()
        .unwrap_or_else(|| Cookie::new(NEW_KEY_COOKIE, ""))
}

fn forget_new_key() -> Cookie<'static> {
    let mut cookie = removal_cookie(NEW_KEY_COOKIE);
    cookie.set_path(NEW_KEY_PATH);
    cookie
}

fn encode(value: &str) -> percent_encoding::PercentEncode<'_> {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
}

fn notice_text(t: &Tr, notice: Notice) -> Option<String> {
    let name = notice.name.unwrap_or_default();
    Some(match notice.done.as_deref()? {
        "created" => t.with("keys.created", "name", name),
        "revoked" => t.with("keys.revoked", "name", name),
        _ => return None,
    })
}

/// `GET /admin/keys`.
pub async fn page(
    req: HttpRequest,
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    notice: web::Query<Notice>,
) -> Result<HttpResponse, PageError> {
    let fresh = fresh_key(&req, &state);
    let had_cookie = req.cookie(NEW_KEY_COOKIE).is_some();
    let notice = notice_text(&Tr::current(), notice.into_inner());
    let mut response = keys_page(
        &state,
        &user,
        StatusCode::OK,
        KeyForm {
            kind: Scope::Full.as_str().into(),
            ..KeyForm::default()
        },
        KeyErrors::default(),
        notice,
        fresh,
    )
    .await?;
    if had_cookie {
        // Shown now, or never: the secret leaves the browser with this answer.
        response
            .add_cookie(&forget_new_key())
            .map_err(|_| PageError::Internal)?;
    }
    Ok(response)
}

fn origin_error(t: &Tr, e: &InvalidOrigin) -> String {
    match e {
        InvalidOrigin::NotAnOrigin(v) => t.with("keys.error-origin", "value", v),
        InvalidOrigin::Scheme(v) => t.with("keys.error-origin-scheme", "value", v),
        InvalidOrigin::Twice(v) => t.with("keys.error-origin-twice", "value", v),
        InvalidOrigin::TooMany => t.with("keys.error-origins-too-many", "max", MAX_ORIGINS),
        InvalidOrigin::Missing => t.get("keys.error-origins-missing"),
        InvalidOrigin::OnFullKey => t.get("keys.error-origins-on-full"),
    }
}

/// `POST /admin/keys`: create a key; every broken field is reported at once.
pub async fn create(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<KeyForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let t = Tr::current();
    let mut errors = KeyErrors::default();
    let name = match Label::parse(&form.name) {
        Ok(name) => Some(name.into_string()),
        Err(e) => {
            errors.name = Some(form_text::label(&t, "form.field.name", &e));
            None
        }
    };
    let scope = match form.kind.trim() {
        "full" => Some(Scope::Full),
        "publishable" => Some(Scope::Publishable),
        other => {
            errors.kind = Some(t.with("keys.error-kind", "value", other));
            None
        }
    };
    let origins = match scope {
        Some(scope) => match parse_origin_list(scope, &split_origins(&form.origins)) {
            Ok(list) => Some(list),
            Err(e) => {
                errors.origins = Some(origin_error(&t, &e));
                None
            }
        },
        None => None,
    };
    let (Some(name), Some(scope), Some(origins), false) = (name, scope, origins, errors.any())
    else {
        return keys_page(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            errors,
            None,
            None,
        )
        .await;
    };
    let key = api_key::generate(scope);
    let secret = key.secret.clone();
    let shown = name.clone();
    let id = state
        .db
        .run(move |conn| {
            let stored = (!origins.is_empty()).then(|| origins.join(","));
            store::api_keys::insert(conn, &name, scope, &key, stored.as_deref())
        })
        .await?;
    let mut response = see_other(&format!("/admin/keys?done=created&name={}", encode(&shown)));
    response
        .add_cookie(&new_key_cookie(&state, id, &secret))
        .map_err(|_| PageError::Internal)?;
    Ok(response)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `GET /admin/keys/{id}/revoke`: the confirmation step.
pub async fn confirm_revoke(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let row = state
        .db
        .run(move |conn| store::api_keys::find_by_id(conn, id))
        .await?;
    if row.revoked_at.is_some() {
        return Err(PageError::NotFound);
    }
    let t = Tr::current();
    render(
        StatusCode::OK,
        &RevokePage {
            title: "keys.revoke-title",
            nav: Some(Nav::new(&user, "keys")),
            t,
            csrf: user.csrf.clone(),
            key: view(&state, &t, row),
        },
    )
}

/// `POST /admin/keys/{id}/revoke`: revoke; the key answers 401 from the next request on.
pub async fn revoke(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id = id.into_inner();
    let row = state
        .db
        .run(move |conn| {
            store::api_keys::revoke(conn, id)?;
            store::api_keys::find_by_id(conn, id)
        })
        .await
        .map_err(|e| match e {
            StoreError::NotFound => PageError::NotFound,
            other => other.into(),
        })?;
    Ok(see_other(&format!(
        "/admin/keys?done=revoked&name={}",
        encode(&row.name)
    )))
}
