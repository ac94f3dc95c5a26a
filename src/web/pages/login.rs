//! Sign in and sign out, and the limiter every form that checks a password (or sends a
//! sign-in e-mail) shares.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;

use super::{render, see_other, Nav, Tr};
use crate::domain::client_ip::AddressBlock;
use crate::domain::email::Email;
use crate::domain::password;
use crate::domain::safe_path::SafePath;
use crate::error::PageError;
use crate::store;
use crate::web::auth::{self, CurrentUser};
use crate::web::AppState;

/// Above this many tracked keys, a limiter forgets the ones whose budget is full again.
const LIMITER_KEYS: usize = 10_000;

/// Throttles password guessing two ways, with `governor` (GCRA, one small state per key):
/// per client ([`AddressBlock`]: an IPv4 address or an IPv6 /64,
/// `CHORUS_LOGIN_ATTEMPTS_PER_MINUTE`) and per account (the normalised e-mail address,
/// `CHORUS_LOGIN_ATTEMPTS_PER_ACCOUNT` per [`crate::config::LOGIN_ACCOUNT_WINDOW`]), so
/// that neither one address guessing many accounts nor many addresses guessing one account
/// get far. The account budget is spent by any well-formed address, known or not, and
/// both limits answer alike, so a refusal says nothing about whether an account exists.
///
/// Memory is bounded: once a limiter tracks more than [`LIMITER_KEYS`] keys, the keys
/// whose budget has refilled (indistinguishable from new ones) are dropped.
pub struct LoginLimiter {
    by_address: Bounded<AddressBlock>,
    by_account: Bounded<String>,
}

/// Why an attempt is refused (both are answered the same way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttled {
    Address,
    Account,
}

impl LoginLimiter {
    /// `per_minute` attempts a minute per client, `per_account` per `account_window` per
    /// account (each at least 1; bursts as large as the budget).
    pub fn new(
        per_minute: u32,
        per_account: u32,
        account_window: std::time::Duration,
    ) -> LoginLimiter {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let per_account = NonZeroU32::new(per_account).unwrap_or(NonZeroU32::MIN);
        let account_quota = Quota::with_period(account_window / per_account.get())
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(per_account);
        LoginLimiter {
            by_address: Bounded::new(Quota::per_minute(per_minute)),
            by_account: Bounded::new(account_quota),
        }
    }

    /// The limiter as configured.
    pub fn from_settings(settings: &crate::config::Settings) -> LoginLimiter {
        LoginLimiter::new(
            settings.login_attempts_per_minute,
            settings.login_attempts_per_account,
            crate::config::LOGIN_ACCOUNT_WINDOW,
        )
    }

    /// Counts an attempt from `client`, then one on `account` (the client's budget first:
    /// a refused client spends no account's budget).
    pub fn check(&self, client: IpAddr, account: &Email) -> Result<(), Throttled> {
        self.check_client(client)?;
        self.check_account(account)
    }

    /// Counts an attempt from `client` (before the e-mail address is read).
    pub fn check_client(&self, client: IpAddr) -> Result<(), Throttled> {
        if self.by_address.check(&AddressBlock::of(client)) {
            Ok(())
        } else {
            Err(Throttled::Address)
        }
    }

    /// Counts an attempt on `account`, whether it exists or not.
    pub fn check_account(&self, account: &Email) -> Result<(), Throttled> {
        if self.by_account.check(&account.as_str().to_owned()) {
            Ok(())
        } else {
            // No address, no e-mail: the log says that it happens, not to whom.
            tracing::warn!("sign-in attempts on one account throttled");
            Err(Throttled::Account)
        }
    }
}

/// A keyed limiter that forgets idle keys once it holds too many.
struct Bounded<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    /// Pruning is a walk over every key: when the keys are all busy (a flood from many
    /// clients), the next walk waits until there are twice as many, so its cost per
    /// attempt stays constant.
    prune_above: AtomicUsize,
}

impl<K: Hash + Eq + Clone> Bounded<K> {
    fn new(quota: Quota) -> Self {
        Bounded {
            limiter: RateLimiter::keyed(quota),
            prune_above: AtomicUsize::new(LIMITER_KEYS),
        }
    }

    /// Spends one unit of `key`'s budget; false when it is spent.
    fn check(&self, key: &K) -> bool {
        if self.limiter.len() > self.prune_above.load(Ordering::Relaxed) {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
            let left = self.limiter.len();
            self.prune_above
                .store(LIMITER_KEYS.max(left.saturating_mul(2)), Ordering::Relaxed);
        }
        self.limiter.check_key(key).is_ok()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.limiter.len()
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    next: String,
    email: String,
    error: Option<String>,
    notice: Option<String>,
    setup_hint: bool,
    /// Whether "sign in with your company account" is offered (an OIDC provider is set).
    sso: bool,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// `?reset=1` after a password was set through a reset link.
    #[serde(default)]
    reset: Option<String>,
}

/// Only local paths, so the login page cannot bounce a user to another site (the rule is
/// `SafePath`'s).
fn safe_next(next: Option<&str>) -> String {
    SafePath::or_root(next).into_string()
}

fn page(
    state: &AppState,
    status: StatusCode,
    next: String,
    email: String,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    page_with_notice(state, status, next, email, error, None)
}

fn page_with_notice(
    state: &AppState,
    status: StatusCode,
    next: String,
    email: String,
    error: Option<String>,
    notice: Option<String>,
) -> Result<HttpResponse, PageError> {
    let token = auth::random_token();
    let setup_hint = state
        .setup_token
        .lock()
        .map(|t| t.is_some())
        .unwrap_or(false);
    let mut response = render(
        status,
        &LoginPage {
            title: "page.login",
            nav: None,
            t: Tr::current(),
            csrf: token.clone(),
            next,
            email,
            error,
            notice,
            setup_hint,
            sso: state.sso.is_some(),
        },
    )?;
    response
        .add_cookie(&auth::login_csrf_cookie(
            &state.cookie_key,
            &token,
            state.settings.secure_cookies(),
        ))
        .map_err(|_| PageError::Internal)?;
    Ok(response)
}

pub async fn form(
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let notice = query
        .reset
        .is_some()
        .then(|| Tr::current().get("account.reset-done"));
    page_with_notice(
        &state,
        StatusCode::OK,
        safe_next(query.next.as_deref()),
        String::new(),
        None,
        notice,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    if !auth::check_login_csrf(&req, &state.cookie_key, &form.csrf) {
        return page(
            &state,
            StatusCode::BAD_REQUEST,
            next,
            form.email,
            Some(Tr::current().get("login.expired")),
        );
    }
    let ip = crate::web::client_address(&req, &state);
    let too_many = |email: String| {
        page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            next.clone(),
            email,
            Some(Tr::current().get("login.too-many")),
        )
    };
    if state.login_limiter.check_client(ip).is_err() {
        return too_many(form.email);
    }
    let wrong = || Some(Tr::current().get("login.wrong"));
    let Ok(email) = Email::parse(&form.email) else {
        return page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            next,
            form.email,
            Some(Tr::current().get("login.email-missing")),
        );
    };
    // Before the lookup: the answer must not depend on whether the account exists. (The
    // client was counted just above; this counts the account only.)
    if state.login_limiter.check_account(&email).is_err() {
        return too_many(form.email);
    }
    let lookup = email.clone();
    let credentials = state
        .db
        .run(move |conn| store::employees::find_login(conn, &lookup))
        .await?;
    // Verify against a dummy hash for unknown accounts so both cases take as long.
    let password = form.password;
    let (id, active, ok) = web::block(move || match credentials {
        Some((id, Some(hash), active)) => (Some(id), active, password::verify(&password, &hash)),
        _ => {
            let _ = password::verify(&password, password::dummy_hash());
            (None, false, false)
        }
    })
    .await
    .map_err(|_| PageError::Internal)?;
    let Some(employee_id) = id.filter(|_| ok) else {
        return page(&state, StatusCode::UNAUTHORIZED, next, form.email, wrong());
    };
    if !active {
        // The right password of a deactivated account: say so (only its owner learns it).
        return page(
            &state,
            StatusCode::FORBIDDEN,
            next,
            form.email,
            Some(Tr::current().get("account.deactivated")),
        );
    }

    let cookie = auth::start_session(&state, employee_id).await?;
    tracing::info!(employee_id, "signed in");
    let mut response = see_other(&next);
    response
        .add_cookie(&cookie)
        .map_err(|_| PageError::Internal)?;
    response
        .add_removal_cookie(&auth::removal_cookie(auth::LOGIN_CSRF_COOKIE))
        .map_err(|_| PageError::Internal)?;
    Ok(response)
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<LogoutForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let token_hash = user.session_token_hash().to_string();
    state
        .db
        .run(move |conn| store::sessions::delete(conn, &token_hash))
        .await?;
    let mut response = see_other("/login");
    response
        .add_removal_cookie(&auth::removal_cookie(auth::SESSION_COOKIE))
        .map_err(|_| PageError::Internal)?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    const WINDOW: Duration = Duration::from_secs(15 * 60);

    #[test]
    fn one_ipv6_64_shares_one_budget() {
        let limiter = LoginLimiter::new(5, 1000, WINDOW);
        for i in 1..=5 {
            let client = ip(&format!("2001:db8:aa:bb::{i}"));
            assert_eq!(limiter.check_client(client), Ok(()), "attempt {i}");
        }
        assert_eq!(
            limiter.check_client(ip("2001:db8:aa:bb:ffff::9")),
            Err(Throttled::Address)
        );
        // The neighbouring /64 and an IPv4 client have their own.
        assert_eq!(limiter.check_client(ip("2001:db8:aa:bc::1")), Ok(()));
        assert_eq!(limiter.check_client(ip("192.0.2.1")), Ok(()));
    }

    #[test]
    fn one_account_is_limited_from_any_number_of_addresses() {
        let limiter = LoginLimiter::new(5, 10, WINDOW);
        let victim = email("Victim@Example.com");
        for i in 0..10 {
            let client = ip(&format!("198.51.100.{i}"));
            assert_eq!(limiter.check(client, &victim), Ok(()), "attempt {i}");
        }
        // Normalised: case and blanks do not make another account.
        assert_eq!(
            limiter.check(ip("203.0.113.1"), &email(" victim@example.COM")),
            Err(Throttled::Account)
        );
        assert_eq!(
            limiter.check(ip("203.0.113.2"), &email("other@example.com")),
            Ok(())
        );
    }

    #[test]
    fn a_refused_client_spends_no_account_budget() {
        let limiter = LoginLimiter::new(1, 2, WINDOW);
        let victim = email("victim@example.com");
        assert_eq!(limiter.check(ip("192.0.2.1"), &victim), Ok(()));
        for _ in 0..5 {
            assert_eq!(
                limiter.check(ip("192.0.2.1"), &victim),
                Err(Throttled::Address)
            );
        }
        assert_eq!(limiter.check(ip("192.0.2.2"), &victim), Ok(()));
    }

    #[test]
    fn idle_keys_are_forgotten_once_there_are_too_many() {
        // A budget of one that refills within a millisecond: every key is idle again
        // almost at once, the state of a key nobody has used for a while.
        let bounded = Bounded::new(Quota::per_second(NonZeroU32::new(1000).unwrap()));
        for i in 0..=LIMITER_KEYS {
            assert!(bounded.check(&i));
        }
        assert_eq!(bounded.len(), LIMITER_KEYS + 1);
        std::thread::sleep(Duration::from_millis(5));
        assert!(bounded.check(&usize::MAX));
        assert!(bounded.len() <= 1, "{} keys kept", bounded.len());
    }

    #[test]
    fn busy_keys_are_kept_when_pruning() {
        let bounded = Bounded::new(Quota::per_hour(NonZeroU32::new(1).unwrap()));
        for i in 0..=LIMITER_KEYS {
            assert!(bounded.check(&i));
        }
        // Every key spent its budget: none may be forgotten (that would refill it).
        assert!(!bounded.check(&0));
        assert_eq!(bounded.len(), LIMITER_KEYS + 1);
        assert!(!bounded.check(&LIMITER_KEYS));
    }
}
