//! Who is asking: session cookies for pages, CSRF tokens for forms, bearer keys for the
//! API, as actix extractors so handlers just name what they need.
//!
//! The session cookie is private (encrypted and signed with the instance key) and holds
//! `employee_id.token`. The token's hash names a row in `sessions`, so logging out kills
//! the cookie everywhere; the employee id lets the redirect recognise a sharer's own click
//! without a database round trip.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::TryFutureExt;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::api_key::{self, Scope};
use crate::error::{ApiError, PageError};
use crate::store::api_keys::AuthenticatedKey;
use crate::store::{self, sessions::SessionUser};
use crate::web::AppState;

pub const SESSION_COOKIE: &str = "chorus_session";
pub const LOGIN_CSRF_COOKIE: &str = "chorus_csrf";

/// Compares a presented secret with the expected one in time independent of where they
/// differ (their SHA-256 digests are compared, so lengths leak nothing either).
pub fn same_secret(given: &str, expected: &str) -> bool {
    let a = Sha256::digest(given.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Constant-time comparison for secrets presented by clients.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The decrypted content of a session cookie, if the request carries a valid one.
pub fn session_cookie(req: &HttpRequest, key: &Key) -> Option<(i64, String)> {
    let cookie = req.cookie(SESSION_COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let value = jar.private(key).get(SESSION_COOKIE)?.value().to_string();
    let (id, token) = value.split_once('.')?;
    Some((id.parse().ok()?, token.to_string()))
}

/// A new encrypted session cookie for `employee_id`.
pub fn new_session_cookie(
    key: &Key,
    employee_id: i64,
    token: &str,
    secure: bool,
    days: u32,
) -> Cookie<'static> {
    let cookie = Cookie::build(SESSION_COOKIE, format!("{employee_id}.{token}"))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::days(days.into()))
        .finish();
    let mut jar = CookieJar::new();
    jar.private_mut(key).add(cookie);
    jar.get(SESSION_COOKIE)
        .cloned()
        .unwrap_or_else(|| Cookie::new(SESSION_COOKIE, ""))
}

/// Whether cookies answered to `req` must be `Secure`: always when the base URL is https
/// (`Settings::secure_cookies`), and also when the request came over https through a
/// trusted proxy (`X-Forwarded-Proto: https` or `Forwarded: proto=https` from an address
/// in `CHORUS_TRUSTED_PROXIES`, see `client_ip::forwarded_https`): an installation behind
/// a TLS-terminating proxy whose base URL still says http must not send its session
/// cookie in clear text later.
pub fn secure_request(req: &HttpRequest, state: &AppState) -> bool {
    if state.settings.secure_cookies() {
        return true;
    }
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return false;
    };
    let header = |name: &str| crate::web::all_lines(req.headers(), name);
    crate::domain::client_ip::forwarded_https(
        peer,
        header("forwarded").as_deref(),
        header("x-forwarded-proto").as_deref(),
        &state.trusted_proxies,
    )
}

/// Marks every cookie of the response `Secure` when [`secure_request`] says so and the
/// handler did not (the cookie builders follow the base URL only; the request is known
/// here, once, for every page that sets a cookie).
pub async fn secure_cookies(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::http::header::{HeaderValue, SET_COOKIE};
    let upgrade = req.app_data::<web::Data<AppState>>().is_some_and(|state| {
        !state.settings.secure_cookies() && secure_request(req.request(), state)
    });
    let mut res = next.call(req).await?;
    if upgrade {
        let headers = res.headers_mut();
        let cookies: Vec<HeaderValue> = headers.get_all(SET_COOKIE).cloned().collect();
        if !cookies.is_empty() {
            headers.remove(SET_COOKIE);
            for cookie in cookies {
                headers.append(SET_COOKIE, with_secure(cookie));
            }
        }
    }
    Ok(res)
}

/// A `Set-Cookie` value with the `Secure` attribute (unchanged when it has it already).
fn with_secure(
    cookie: actix_web::http::header::HeaderValue,
) -> actix_web::http::header::HeaderValue {
    let has_secure = cookie.to_str().is_ok_and(|text| {
        text.split(';')
            .skip(1)
            .any(|attribute| attribute.trim().eq_ignore_ascii_case("secure"))
    });
    if has_secure {
        return cookie;
    }
    let mut bytes = cookie.as_bytes().to_vec();
    bytes.extend_from_slice(b"; Secure");
    actix_web::http::header::HeaderValue::from_bytes(&bytes).unwrap_or(cookie)
}

pub fn removal_cookie(name: &'static str) -> Cookie<'static> {
    let mut cookie = Cookie::build(name, "").path("/").finish();
    cookie.make_removal();
    cookie
}

/// The signed-in person, with the CSRF token their forms must carry.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub csrf: String,
    session_token_hash: String,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }

    pub fn session_token_hash(&self) -> &str {
        &self.session_token_hash
    }

    /// Refuses a form whose token is not this session's.
    pub fn check_csrf(&self, presented: &str) -> Result<(), PageError> {
        if same(&self.csrf, presented) {
            Ok(())
        } else {
            Err(PageError::BadRequest(
                "the form has expired; reload the page and try again".into(),
            ))
        }
    }
}

/// The CSRF token of a session: derived, so nothing is stored.
fn session_csrf(secret: &[u8], token_hash: &str) -> String {
    let mut h = Sha256::new();
    h.update(secret);
    h.update(b"csrf");
    h.update(token_hash.as_bytes());
    hex::encode(&h.finalize()[..16])
}

async fn load_user(req: HttpRequest) -> Result<CurrentUser, PageError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(PageError::Internal)?
        .clone();
    let next = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let login = || PageError::LoginRequired { next: next.clone() };
    let (_, token) = session_cookie(&req, &state.cookie_key).ok_or_else(login)?;
    let token_hash = hash_token(&token);
    let lookup = token_hash.clone();
    let now = store::now();
    let idle_since = now - state.settings.session_idle;
    let user: Option<SessionUser> = state
        .db
        .run(move |conn| {
            let user = store::sessions::find_user(conn, &lookup, idle_since)?;
            // The idle clock: refreshed at most every few minutes, not on every request.
            if user
                .as_ref()
                .is_some_and(|u| now - u.last_seen_at >= store::sessions::TOUCH_EVERY)
            {
                store::sessions::touch(conn, &lookup, now)?;
            }
            Ok(user)
        })
        .await?;
    let user = user.ok_or_else(login)?;
    Ok(CurrentUser {
        id: user.employee_id,
        email: user.email,
        name: user.name,
        role: user.role,
        csrf: session_csrf(&state.csrf_secret, &token_hash),
        session_token_hash: token_hash,
    })
}

impl FromRequest for CurrentUser {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(load_user(req.clone()))
    }
}

/// A signed-in admin; an employee gets 403.
#[derive(Debug, Clone)]
pub struct AdminUser(pub CurrentUser);

impl FromRequest for AdminUser {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = load_user(req).await?;
            if user.is_admin() {
                Ok(AdminUser(user))
            } else {
                Err(PageError::Forbidden)
            }
        })
    }
}

/// Starts a session for `employee_id` (deleting dead sessions on the way: sign-in is the
/// natural moment to sweep) and returns the cookie to set.
pub async fn start_session(
    state: &AppState,
    employee_id: i64,
) -> Result<Cookie<'static>, PageError> {
    let token = random_token();
    let token_hash = hash_token(&token);
    let days = state.settings.session_days;
    let now = store::now();
    let expires = now + chrono::Duration::days(days.into());
    let idle_since = now - state.settings.session_idle;
    state
        .db
        .run(move |conn| {
            store::sessions::delete_expired(conn, idle_since)?;
            store::sessions::insert(conn, &token_hash, employee_id, expires)
        })
        .await?;
    Ok(new_session_cookie(
        &state.cookie_key,
        employee_id,
        &token,
        state.settings.secure_cookies(),
        days,
    ))
}

/// The token of a one-time account link (invitation, password reset): derived from the
/// instance secret and the link's stored nonce, so the database alone (which keeps only the
/// token's hash and the nonce) cannot produce it, while an admin's page can show a pending
/// link again.
pub fn link_token(state: &AppState, nonce: &str) -> String {
    let mut h = Sha256::new();
    h.update(&state.csrf_secret);
    h.update(b"account-link");
    h.update(nonce.as_bytes());
    hex::encode(h.finalize())
}

/// Double-submit token for forms shown before a session exists (login, setup): a signed
/// cookie and a hidden field that must match.
pub fn login_csrf_cookie(key: &Key, token: &str, secure: bool) -> Cookie<'static> {
    let cookie = Cookie::build(LOGIN_CSRF_COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish();
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(cookie);
    jar.get(LOGIN_CSRF_COOKIE)
        .cloned()
        .unwrap_or_else(|| Cookie::new(LOGIN_CSRF_COOKIE, ""))
}

pub fn check_login_csrf(req: &HttpRequest, key: &Key, presented: &str) -> bool {
    let Some(cookie) = req.cookie(LOGIN_CSRF_COOKIE) else {
        return false;
    };
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    jar.signed(key)
        .get(LOGIN_CSRF_COOKIE)
        .is_some_and(|c| !presented.is_empty() && same(c.value(), presented))
}

/// An API caller authenticated by `Authorization: Bearer <key>`, any scope.
#[derive(Debug, Clone)]
pub struct ApiCaller(pub AuthenticatedKey);

/// An API caller whose key has full access (not a publishable key).
#[derive(Debug, Clone)]
pub struct FullAccess(pub AuthenticatedKey);

/// The outcome of [`authenticate_first`], for the extractors: the key, or why it was
/// refused (the 401 message).
#[derive(Clone)]
struct Authenticated(Result<AuthenticatedKey, String>);

/// Authenticates the bearer key before the route's extractors run, so the answer to a
/// caller without the right key is its 401/403 whatever the body: otherwise the body
/// extractor, ready first while the key lookup waits for the database, would answer a
/// publishable or unknown key with the body's 400 (telling it how the body is checked and
/// reading up to the body limit for it). Wraps the API scope; the extractors take the
/// outcome from the request's extensions.
pub async fn authenticate_first(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    if req
        .headers()
        .contains_key(actix_web::http::header::AUTHORIZATION)
    {
        let outcome = match authenticate(req.request().clone()).await {
            Ok(key) => Some(Ok(key)),
            Err(ApiError::Unauthorized(message)) => Some(Err(message)),
            // A database failure: the extractor tries again and reports it.
            Err(_) => None,
        };
        if let Some(outcome) = outcome {
            req.extensions_mut().insert(Authenticated(outcome));
        }
    }
    next.call(req).await
}

async fn authenticate(req: HttpRequest) -> Result<AuthenticatedKey, ApiError> {
    let known = req.extensions().get::<Authenticated>().cloned();
    if let Some(Authenticated(outcome)) = known {
        return outcome.map_err(ApiError::Unauthorized);
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(ApiError::Internal)?
        .clone();
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let presented = header
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized("send an API key as `Authorization: Bearer <key>`".into())
        })?;
    let hash = api_key::hash(presented);
    state
        .db
        .run(move |conn| store::api_keys::find_active_by_hash(conn, &hash))
        .await?
        .ok_or_else(|| ApiError::Unauthorized("the API key is unknown or revoked".into()))
}

impl FromRequest for ApiCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()).map_ok(ApiCaller))
    }
}

impl FromRequest for FullAccess {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let key = authenticate(req).await?;
            if key.scope == Scope::Full {
                Ok(FullAccess(key))
            } else {
                Err(ApiError::Forbidden(
                    "a publishable key can only report conversions".into(),
                ))
            }
        })
    }
}

/// How often dead sessions are swept besides at each sign-in.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Deletes expired and idle sessions every [`SWEEP_EVERY`] on the server's runtime, so an
/// instance where nobody signs in still forgets them. Two indexed deletes: cheap.
pub fn spawn_session_sweeper(db: crate::db::Db, idle: chrono::Duration) {
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(SWEEP_EVERY);
        loop {
            every.tick().await;
            let idle_since = store::now() - idle;
            match db
                .run(move |conn| store::sessions::delete_expired(conn, idle_since))
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::debug!(sessions = n, "deleted dead sessions"),
                Err(err) => tracing::warn!(error = %err, "could not delete dead sessions"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::with_secure;
    use actix_web::http::header::HeaderValue;

    #[test]
    fn secure_is_added_once() {
        let add = |v: &'static str| with_secure(HeaderValue::from_static(v));
        assert_eq!(
            add("chorus_session=abc; HttpOnly; SameSite=Lax; Path=/"),
            "chorus_session=abc; HttpOnly; SameSite=Lax; Path=/; Secure"
        );
        assert_eq!(add("a=b; Secure; Path=/"), "a=b; Secure; Path=/");
        assert_eq!(add("a=b; path=/; secure"), "a=b; path=/; secure");
        // A value that merely contains the word is no attribute.
        assert_eq!(add("secure=1; Path=/"), "secure=1; Path=/; Secure");
    }
}
