//! The web side of the layer: the per-request negotiation middleware and [`Tr`], the
//! extractor and template field that pages use.
//!
//! `negotiate_locale` wraps every page route (see `web::routes`): it reads the session's
//! `employees.locale`, else `Accept-Language`, else `CHORUS_DEFAULT_LOCALE`, once per
//! request, puts the result in the request's extensions (so `Tr` as a handler argument is
//! free) and in a task-local, so that error pages rendered by `PageError` (which have no
//! request at hand) speak the same language.

use std::fmt::Display;
use std::future::{ready, Ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use chrono::{NaiveDate, NaiveDateTime};
use fluent_templates::fluent_bundle::FluentValue;

use super::{catalog_key, format, negotiate, Locale};
use crate::web::auth;
use crate::web::AppState;

tokio::task_local! {
    static CURRENT: Locale;
}

/// The language of the page being rendered: one field (`t`) of every page template.
///
/// In templates: `{{ t.get("nav.signout") }}`, `{{ t.with("links.owner", "name", name) }}`,
/// `{{ t.count("links.count", n) }}`, `{{ t.num(n) }}`, `{{ t.date(d) }}`; `t.lang()` for
/// `<html lang>`. Keys are written `area.thing` and live as `area-thing` in
/// `locales/<lang>/*.ftl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tr {
    locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Tr {
        Tr { locale }
    }

    /// The language of the request being handled (set by the middleware), or the given
    /// default outside a page request.
    pub fn current_or(default: Locale) -> Tr {
        Tr::new(CURRENT.try_with(|l| *l).unwrap_or(default))
    }

    /// The language of the page request being handled: page handlers and the helpers
    /// that build their templates use this (the middleware wraps them all).
    pub fn current() -> Tr {
        Tr::current_or(Locale::En)
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The `<html lang>` value.
    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }

    pub fn get(&self, key: &str) -> String {
        self.locale.text(&catalog_key(key))
    }

    /// A message with one value, `{ $name }` in the catalogs.
    pub fn with(&self, key: &str, name: &str, value: impl Display) -> String {
        self.locale.text_with(
            &catalog_key(key),
            &[(name, FluentValue::from(value.to_string()))],
        )
    }

    /// A message with two values.
    pub fn with2(
        &self,
        key: &str,
        name1: &str,
        value1: impl Display,
        name2: &str,
        value2: impl Display,
    ) -> String {
        self.locale.text_with(
            &catalog_key(key),
            &[
                (name1, FluentValue::from(value1.to_string())),
                (name2, FluentValue::from(value2.to_string())),
            ],
        )
    }

    /// A message about a count: `$n` is the number (for plural selection), `$count` the
    /// same number formatted for the locale.
    pub fn count(&self, key: &str, n: impl Whole) -> String {
        let n = n.whole();
        self.locale.text_with(
            &catalog_key(key),
            &[
                ("n", FluentValue::from(n)),
                ("count", FluentValue::from(format::integer(self.locale, n))),
            ],
        )
    }

    /// "first–last of count" (message `key` with those three arguments) for a page of
    /// `shown` rows after `offset`.
    pub fn page_range(&self, key: &str, offset: i64, shown: usize, count: i64) -> String {
        let first = if shown == 0 { 0 } else { offset + 1 };
        let last = offset + shown as i64;
        self.locale.text_with(
            key,
            &[
                ("first", FluentValue::from(self.num(first))),
                ("last", FluentValue::from(self.num(last))),
                ("count", FluentValue::from(self.num(count))),
            ],
        )
    }

    pub fn num(&self, n: impl Whole) -> String {
        format::integer(self.locale, n.whole())
    }

    pub fn date(&self, d: &NaiveDate) -> String {
        format::date(self.locale, *d)
    }

    pub fn datetime(&self, t: &NaiveDateTime) -> String {
        format::datetime(self.locale, *t)
    }
}

/// A whole number as templates hand it over (askama passes fields by reference).
pub trait Whole {
    fn whole(&self) -> i64;
}

macro_rules! whole {
    ($($t:ty),*) => {$(
        impl Whole for $t {
            fn whole(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
whole!(i64, i32, u32, u64, usize);

impl<T: Whole + ?Sized> Whole for &T {
    fn whole(&self) -> i64 {
        (**self).whole()
    }
}

impl FromRequest for Tr {
    type Error = actix_web::Error;
    type Future = Ready<Result<Tr, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let tr = req.extensions().get::<Tr>().copied();
        ready(Ok(tr.unwrap_or_else(|| Tr::new(without_session(req)))))
    }
}

/// `Accept-Language`, then the instance default: for requests that have no session (or
/// were not seen by the middleware).
pub fn without_session(req: &HttpRequest) -> Locale {
    let default = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.settings.default_locale)
        .unwrap_or_default();
    let header = req
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    negotiate(None, header, default)
}

/// The full negotiation for a request: the signed-in employee's choice first.
pub async fn locale_of(req: &HttpRequest) -> Locale {
    let fallback = without_session(req);
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return fallback;
    };
    let Some((_, token)) = auth::session_cookie(req, &state.cookie_key) else {
        return fallback;
    };
    let hash = auth::hash_token(&token);
    let chosen = state
        .db
        .run(move |conn| crate::store::employees::locale_of_session(conn, &hash))
        .await;
    match chosen {
        Ok(Some(code)) => Locale::parse(&code).unwrap_or(fallback),
        Ok(None) => fallback,
        Err(err) => {
            // The page itself will report the database; the language falls back.
            tracing::debug!(error = %err, "could not read the session's locale");
            fallback
        }
    }
}

/// Middleware for the page routes: negotiates once, then runs the handler with the result
/// in the request's extensions and in the task-local that error pages read.
pub async fn negotiate_locale(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let locale = locale_of(req.request()).await;
    req.extensions_mut().insert(Tr::new(locale));
    CURRENT.scope(locale, next.call(req)).await
}
