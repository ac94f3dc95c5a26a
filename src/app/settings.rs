//! Settings an admin changes at run time (`/admin/settings`, `GET/PUT /api/v1/settings`):
//! stored in the database, shared by every instance, effective without a restart; the
//! configuration file and environment give the defaults.
//!
//! - [`EffectiveSettings`]: the values in force (stored ones over the configured ones), with
//!   where each one comes from.
//! - [`LiveSettings`]: each instance's in-memory copy, reread from the database every
//!   `CHORUS_SETTINGS_REFRESH_MS` (5 s by default) and at once on the instance that saved.
//!   Readers never touch the database: the redirect asks it for its status on every click.
//! - [`Proposal`] → [`check`] → [`Change`]: one set of rules for the page and the API; a
//!   proposal is applied whole or not at all, and every broken field is reported.
//!
//! Storage: one row per setting in `settings` (`store::settings`), the value as JSON. The
//! default currency and the exchange rates share one row (`currency`): rates are units of
//! the default currency, so they are set and reset together.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::Serialize;
use serde_json::{json, Value};

use crate::config::{PrivacyMode, Settings, MAX_ATTRIBUTION_WINDOW_DAYS, MAX_CLICK_RETENTION_DAYS};
use crate::db::{Db, DbConnection};
use crate::domain::conversion::Currency;
use crate::domain::emv::{EmvRate, EmvRates};
use crate::store::{settings, tx, StoreError};

/// Where an effective setting comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// `chorus.toml` or the environment (the default).
    Config,
    /// Set through the API or a page; replaces the configured value.
    Database,
}

/// The redirect statuses an admin may choose (DESIGN.md §3).
pub const REDIRECT_STATUSES: [u16; 4] = [301, 302, 307, 308];
/// Generated slug lengths (the same bounds as `CHORUS_SLUG_LENGTH`).
pub const SLUG_LENGTH_MIN: usize = 5;
pub const SLUG_LENGTH_MAX: usize = 32;
/// The largest exchange rate accepted (units of the default currency per unit).
pub const MAX_EXCHANGE_RATE: f64 = 1e9;

/// One setting admins can change, by its API name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Timezone,
    DefaultCurrency,
    ExchangeRates,
    EmvRates,
    RedirectStatus,
    SlugLength,
    AttributionWindowDays,
    PrivacyMode,
    ClickRetentionDays,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Timezone,
        Field::DefaultCurrency,
        Field::ExchangeRates,
        Field::EmvRates,
        Field::RedirectStatus,
        Field::SlugLength,
        Field::AttributionWindowDays,
        Field::PrivacyMode,
        Field::ClickRetentionDays,
    ];

    /// The name in the API's JSON (and in the page's form).
    pub fn name(self) -> &'static str {
        match self {
            Field::Timezone => "timezone",
            Field::DefaultCurrency => "default_currency",
            Field::ExchangeRates => "exchange_rates",
            Field::EmvRates => "emv_rates",
            Field::RedirectStatus => "redirect_status",
            Field::SlugLength => "slug_length",
            Field::AttributionWindowDays => "attribution_window_days",
            Field::PrivacyMode => "privacy_mode",
            Field::ClickRetentionDays => "click_retention_days",
        }
    }

    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name.trim())
    }

    /// The row the setting is stored in.
    fn key(self) -> &'static str {
        match self {
            Field::DefaultCurrency | Field::ExchangeRates => "currency",
            other => other.name(),
        }
    }

    /// The settings stored in the same row (and so set and reset together).
    fn siblings(self) -> &'static [Field] {
        match self {
            Field::DefaultCurrency | Field::ExchangeRates => {
                &[Field::DefaultCurrency, Field::ExchangeRates]
            }
            Field::Timezone => &[Field::Timezone],
            Field::EmvRates => &[Field::EmvRates],
            Field::RedirectStatus => &[Field::RedirectStatus],
            Field::SlugLength => &[Field::SlugLength],
            Field::AttributionWindowDays => &[Field::AttributionWindowDays],
            Field::PrivacyMode => &[Field::PrivacyMode],
            Field::ClickRetentionDays => &[Field::ClickRetentionDays],
        }
    }

    /// The configuration variable that gives the default.
    pub fn variable(self) -> &'static str {
        match self {
            Field::Timezone => "CHORUS_TIMEZONE",
            Field::DefaultCurrency => "CHORUS_DEFAULT_CURRENCY",
            Field::ExchangeRates => "CHORUS_EXCHANGE_RATES",
            Field::EmvRates => "CHORUS_EMV_RATES",
            Field::RedirectStatus => "CHORUS_REDIRECT_STATUS",
            Field::SlugLength => "CHORUS_SLUG_LENGTH",
            Field::AttributionWindowDays => "CHORUS_ATTRIBUTION_WINDOW_DAYS",
            Field::PrivacyMode => "CHORUS_PRIVACY_MODE",
            Field::ClickRetentionDays => "CHORUS_CLICK_RETENTION_DAYS",
        }
    }
}

/// The settings in force on this instance.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveSettings {
    /// Day boundaries of reports, bare dates, and the local day of new clicks, mentions
    /// and conversions.
    pub timezone: chrono_tz::Tz,
    /// ISO 4217 code: conversions without a currency, and the currency of reports.
    pub default_currency: String,
    /// Units of `default_currency` per unit of each other currency.
    pub exchange_rates: BTreeMap<String, f64>,
    /// Earned-media prices per network, in minor units of `default_currency`.
    pub emv_rates: EmvRates,
    /// 301, 302, 307 or 308.
    pub redirect_status: u16,
    /// Length of generated slugs.
    pub slug_length: usize,
    /// How long a click can earn a conversion.
    pub attribution_window_days: u32,
    /// Applied to every board by `app::privacy`.
    pub privacy_mode: PrivacyMode,
    /// Stored only: no job deletes raw clicks yet. `None`: kept for ever.
    pub click_retention_days: Option<u32>,
    /// The fields whose value comes from the database.
    stored: BTreeSet<Field>,
}

impl EffectiveSettings {
    /// The configured values: what a field returns to when reset.
    pub fn defaults(config: &Settings) -> EffectiveSettings {
        EffectiveSettings {
            timezone: config.timezone,
            default_currency: config.default_currency.clone(),
            exchange_rates: config.exchange_rates.clone(),
            emv_rates: config.emv_rates.clone(),
            redirect_status: config.redirect_status,
            slug_length: config.slug_length,
            attribution_window_days: config.attribution_window_days,
            privacy_mode: config.privacy_mode,
            click_retention_days: config.click_retention_days,
            stored: BTreeSet::new(),
        }
    }

    pub fn origin(&self, field: Field) -> Origin {
        if self.stored.contains(&field) {
            Origin::Database
        } else {
            Origin::Config
        }
    }

    /// Decimals of the default currency's minor unit (EMV rates are kept in it).
    pub fn currency_exponent(&self) -> u16 {
        currency_exponent(&self.default_currency)
    }

    /// The stored values over `defaults`. A stored value that no longer reads (written by
    /// hand, or by a release with other rules) is logged and ignored: the default applies.
    pub fn load(
        conn: &mut DbConnection,
        defaults: &EffectiveSettings,
    ) -> Result<EffectiveSettings, StoreError> {
        let mut out = defaults.clone();
        for (key, text) in settings::list(conn)? {
            let Some(field) = Field::ALL.into_iter().find(|f| f.key() == key) else {
                continue; // another release's setting, or another part's
            };
            let read = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|value| out.read_stored(field, &value));
            if read.is_none() {
                tracing::warn!(
                    setting = key,
                    "the stored value is unreadable; using the configured one"
                );
            }
        }
        // Rules that join two settings hold for stored values only as long as both were
        // checked together; a configured default may have changed since.
        if let Some(days) = out.click_retention_days {
            if days < out.attribution_window_days {
                tracing::warn!(
                    retention = days,
                    window = out.attribution_window_days,
                    "raw-click retention is shorter than the attribution window"
                );
            }
        }
        Ok(out)
    }

    /// Applies one stored row; `None` when it does not read (nothing changed then).
    fn read_stored(&mut self, field: Field, value: &Value) -> Option<()> {
        let int = |max: u64| value.as_u64().filter(|v| (1..=max).contains(v));
        match field {
            Field::Timezone => {
                self.timezone = value.as_str()?.parse().ok()?;
            }
            Field::DefaultCurrency | Field::ExchangeRates => {
                let code = Currency::parse(value.get("code")?.as_str()?).ok()?.code();
                let rates: BTreeMap<String, f64> =
                    serde_json::from_value(value.get("rates")?.clone()).ok()?;
                let rates = check_rates(code, rates).ok()?;
                self.default_currency = code.to_string();
                self.exchange_rates = rates;
                self.stored.insert(Field::ExchangeRates);
                self.stored.insert(Field::DefaultCurrency);
                return Some(());
            }
            Field::EmvRates => {
                let map: BTreeMap<String, EmvRate> = serde_json::from_value(value.clone()).ok()?;
                self.emv_rates = EmvRates::new(map).ok()?;
            }
            Field::RedirectStatus => {
                let status = u16::try_from(value.as_u64()?).ok()?;
                REDIRECT_STATUSES.contains(&status).then_some(())?;
                self.redirect_status = status;
            }
            Field::SlugLength => {
                self.slug_length = usize::try_from(int(SLUG_LENGTH_MAX as u64)?)
                    .ok()
                    .filter(|l| *l >= SLUG_LENGTH_MIN)?;
            }
            Field::AttributionWindowDays => {
                self.attribution_window_days =
                    u32::try_from(int(MAX_ATTRIBUTION_WINDOW_DAYS.into())?).ok()?;
            }
            Field::PrivacyMode => {
                self.privacy_mode = PrivacyMode::parse(value.as_str()?)?;
            }
            Field::ClickRetentionDays => {
                self.click_retention_days = if value.is_null() {
                    None
                } else {
                    Some(u32::try_from(int(MAX_CLICK_RETENTION_DAYS.into())?).ok()?)
                };
            }
        }
        self.stored.insert(field);
        Some(())
    }

    /// The JSON stored for the row of `field`.
    fn stored_value(&self, field: Field) -> Value {
        match field {
            Field::Timezone => json!(self.timezone.name()),
            Field::DefaultCurrency | Field::ExchangeRates => {
                json!({"code": self.default_currency, "rates": self.exchange_rates})
            }
            Field::EmvRates => json!(self.emv_rates),
            Field::RedirectStatus => json!(self.redirect_status),
            Field::SlugLength => json!(self.slug_length),
            Field::AttributionWindowDays => json!(self.attribution_window_days),
            Field::PrivacyMode => json!(self.privacy_mode.as_str()),
            Field::ClickRetentionDays => json!(self.click_retention_days),
        }
    }

    /// The value of `field` as the API shows it.
    pub fn value_json(&self, field: Field) -> Value {
        match field {
            Field::DefaultCurrency => json!(self.default_currency),
            Field::ExchangeRates => json!(self.exchange_rates),
            other => self.stored_value(other),
        }
    }

    fn reset(&mut self, field: Field, defaults: &EffectiveSettings) {
        match field {
            Field::Timezone => self.timezone = defaults.timezone,
            Field::DefaultCurrency | Field::ExchangeRates => {
                self.default_currency = defaults.default_currency.clone();
                self.exchange_rates = defaults.exchange_rates.clone();
            }
            Field::EmvRates => self.emv_rates = defaults.emv_rates.clone(),
            Field::RedirectStatus => self.redirect_status = defaults.redirect_status,
            Field::SlugLength => self.slug_length = defaults.slug_length,
            Field::AttributionWindowDays => {
                self.attribution_window_days = defaults.attribution_window_days
            }
            Field::PrivacyMode => self.privacy_mode = defaults.privacy_mode,
            Field::ClickRetentionDays => self.click_retention_days = defaults.click_retention_days,
        }
        for sibling in field.siblings() {
            self.stored.remove(sibling);
        }
    }
}

/// Decimals of a currency's minor unit (2 when it has none or is unknown).
pub fn currency_exponent(code: &str) -> u16 {
    Currency::parse(code)
        .ok()
        .and_then(Currency::exponent)
        .unwrap_or(2)
}

/// What a person or a program asks to change. `None`: leave as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proposal {
    pub timezone: Option<String>,
    pub default_currency: Option<String>,
    pub exchange_rates: Option<BTreeMap<String, f64>>,
    pub emv_rates: Option<BTreeMap<String, EmvRate>>,
    pub redirect_status: Option<i64>,
    pub slug_length: Option<i64>,
    pub attribution_window_days: Option<i64>,
    pub privacy_mode: Option<String>,
    /// `Some(None)`: keep raw clicks for ever.
    pub click_retention_days: Option<Option<i64>>,
    /// Settings to return to their configured defaults.
    pub reset: Vec<Field>,
}

impl Proposal {
    fn sets(&self, field: Field) -> bool {
        match field {
            Field::Timezone => self.timezone.is_some(),
            Field::DefaultCurrency => self.default_currency.is_some(),
            Field::ExchangeRates => self.exchange_rates.is_some(),
            Field::EmvRates => self.emv_rates.is_some(),
            Field::RedirectStatus => self.redirect_status.is_some(),
            Field::SlugLength => self.slug_length.is_some(),
            Field::AttributionWindowDays => self.attribution_window_days.is_some(),
            Field::PrivacyMode => self.privacy_mode.is_some(),
            Field::ClickRetentionDays => self.click_retention_days.is_some(),
        }
    }

    /// Whether the proposal asks for anything at all.
    pub fn is_empty(&self) -> bool {
        self.reset.is_empty() && !Field::ALL.into_iter().any(|f| self.sets(f))
    }
}

/// A refused field of a proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub field: Field,
    pub problem: Problem,
}

/// What is wrong with a field; the page words it in the reader's language, the API in
/// English ([`Invalid::message`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    UnknownTimezone(String),
    UnknownCurrency(String),
    /// A rate's currency is not an ISO 4217 code.
    RateCurrency(String),
    /// A rate that is not a positive number up to [`MAX_EXCHANGE_RATE`].
    RateValue {
        currency: String,
        rate: String,
    },
    /// The default currency needs no rate.
    RateForDefault(String),
    /// A rate typed as something other than `CODE=RATE` (the page's text form).
    RateSyntax(String),
    /// A currency listed twice (the page's text form).
    RateTwice(String),
    /// A new default currency while rates exist, without new rates: the old ones are
    /// units of the old currency.
    RatesRequired(String),
    /// Earned-media rates refused (`domain::emv`'s sentence).
    EmvRates(String),
    RedirectStatus(i64),
    SlugLength(i64),
    AttributionWindow(i64),
    PrivacyMode(String),
    Retention(i64),
    RetentionShorterThanWindow {
        retention: u32,
        window: u32,
    },
    /// Set and reset in the same proposal.
    SetAndReset,
}

impl Invalid {
    /// The API's error code.
    pub fn code(&self) -> &'static str {
        match &self.problem {
            Problem::UnknownTimezone(_) => "invalid_timezone",
            Problem::UnknownCurrency(_) => "invalid_currency",
            Problem::RateCurrency(_)
            | Problem::RateValue { .. }
            | Problem::RateForDefault(_)
            | Problem::RateSyntax(_)
            | Problem::RateTwice(_) => "invalid_exchange_rates",
            Problem::RatesRequired(_) => "exchange_rates_required",
            Problem::EmvRates(_) => "invalid_rates",
            Problem::RedirectStatus(_) => "invalid_redirect_status",
            Problem::SlugLength(_) => "invalid_slug_length",
            Problem::AttributionWindow(_) => "invalid_attribution_window",
            Problem::PrivacyMode(_) => "invalid_privacy_mode",
            Problem::Retention(_) => "invalid_click_retention",
            Problem::RetentionShorterThanWindow { .. } => "retention_shorter_than_window",
            Problem::SetAndReset => "set_and_reset",
        }
    }

    /// An English sentence naming the field.
    pub fn message(&self) -> String {
        let field = self.field.name();
        match &self.problem {
            Problem::UnknownTimezone(v) => {
                format!("{field}: {v:?} is not an IANA time zone such as Asia/Seoul")
            }
            Problem::UnknownCurrency(v) => {
                format!("{field}: {v:?} is not an ISO 4217 currency code such as EUR")
            }
            Problem::RateCurrency(v) => {
                format!("{field}: {v:?} is not an ISO 4217 currency code such as EUR")
            }
            Problem::RateValue { currency, rate } => format!(
                "{field}: the rate of {currency} must be a positive number up to {MAX_EXCHANGE_RATE}, not {rate}"
            ),
            Problem::RateForDefault(code) => {
                format!("{field}: {code} is the default currency and needs no rate")
            }
            Problem::RateSyntax(pair) => {
                format!("{field}: {pair:?} is not CODE=RATE, e.g. EUR=1.08")
            }
            Problem::RateTwice(code) => format!("{field}: {code} is listed twice"),
            Problem::RatesRequired(code) => format!(
                "{field}: the stored rates are units of the current default currency; \
                 send the rates in {code} with the new default currency (an empty object for none)"
            ),
            Problem::EmvRates(why) => format!("{field}: {why}"),
            Problem::RedirectStatus(v) => {
                format!("{field}: {v} is not one of 301, 302, 307, 308")
            }
            Problem::SlugLength(v) => format!(
                "{field}: must be between {SLUG_LENGTH_MIN} and {SLUG_LENGTH_MAX}, not {v}"
            ),
            Problem::AttributionWindow(v) => format!(
                "{field}: must be between 1 and {MAX_ATTRIBUTION_WINDOW_DAYS} days, not {v}"
            ),
            Problem::PrivacyMode(v) => format!(
                "{field}: {v:?} is not one of {}",
                PrivacyMode::NAMES.join(", ")
            ),
            Problem::Retention(v) => format!(
                "{field}: must be between 1 and {MAX_CLICK_RETENTION_DAYS} days (null: keep for ever), not {v}"
            ),
            Problem::RetentionShorterThanWindow { retention, window } => format!(
                "{field}: raw clicks kept {retention} days would be gone before the \
                 attribution window of {window} days ends"
            ),
            Problem::SetAndReset => format!("{field}: set and reset at once"),
        }
    }
}

/// Reads `EUR=1.08, GBP=1.27` (the page's and the configuration's form) into rates; the
/// codes are upper-cased, the rest is checked by [`check`].
pub fn parse_rates_text(text: &str) -> Result<BTreeMap<String, f64>, Problem> {
    let mut rates = BTreeMap::new();
    for pair in text
        .split([',', '\n', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (code, rate) = pair
            .split_once('=')
            .ok_or_else(|| Problem::RateSyntax(pair.to_string()))?;
        let code = Currency::parse(code.trim())
            .map_err(|_| Problem::RateCurrency(code.trim().to_string()))?
            .code()
            .to_string();
        let rate: f64 = rate.trim().parse().map_err(|_| Problem::RateValue {
            currency: code.clone(),
            rate: rate.trim().to_string(),
        })?;
        if rates.insert(code.clone(), rate).is_some() {
            return Err(Problem::RateTwice(code));
        }
    }
    Ok(rates)
}

/// Rates as text, the way [`parse_rates_text`] reads them.
pub fn rates_text(rates: &BTreeMap<String, f64>) -> String {
    rates
        .iter()
        .map(|(code, rate)| format!("{code}={rate}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_rates(
    default_currency: &str,
    rates: BTreeMap<String, f64>,
) -> Result<BTreeMap<String, f64>, Problem> {
    let mut out = BTreeMap::new();
    for (code, rate) in rates {
        let code = Currency::parse(code.trim())
            .map_err(|_| Problem::RateCurrency(code.clone()))?
            .code()
            .to_string();
        if !(rate.is_finite() && rate > 0.0 && rate <= MAX_EXCHANGE_RATE) {
            return Err(Problem::RateValue {
                currency: code,
                rate: rate.to_string(),
            });
        }
        if code == default_currency {
            return Err(Problem::RateForDefault(code));
        }
        if out.insert(code.clone(), rate).is_some() {
            return Err(Problem::RateTwice(code));
        }
    }
    Ok(out)
}

/// A checked proposal: the settings it leads to and the rows it writes.
#[derive(Debug, Clone)]
pub struct Change {
    pub result: EffectiveSettings,
    /// Row key → new JSON value, or `None` to delete the row (back to the default).
    writes: BTreeMap<&'static str, Option<String>>,
}

/// Checks `proposal` against the settings in force (`current`) and the configured ones:
/// every broken field is reported, in [`Field::ALL`] order.
pub fn check(
    proposal: &Proposal,
    current: &EffectiveSettings,
    defaults: &EffectiveSettings,
) -> Result<Change, Vec<Invalid>> {
    let mut next = current.clone();
    let mut errors = Vec::new();
    let mut touched: BTreeSet<Field> = BTreeSet::new();
    let mut refuse = |field: Field, problem: Problem| errors.push(Invalid { field, problem });

    for &field in &proposal.reset {
        if field.siblings().iter().any(|f| proposal.sets(*f)) {
            refuse(field, Problem::SetAndReset);
            continue;
        }
        next.reset(field, defaults);
        touched.insert(field);
    }

    if let Some(text) = &proposal.timezone {
        match text.trim().parse::<chrono_tz::Tz>() {
            Ok(tz) => {
                next.timezone = tz;
                next.stored.insert(Field::Timezone);
                touched.insert(Field::Timezone);
            }
            Err(_) => refuse(Field::Timezone, Problem::UnknownTimezone(text.clone())),
        }
    }

    if proposal.default_currency.is_some() || proposal.exchange_rates.is_some() {
        let code = match &proposal.default_currency {
            None => Some(current.default_currency.clone()),
            Some(text) => match Currency::parse(text.trim()) {
                Ok(c) => Some(c.code().to_string()),
                Err(_) => {
                    refuse(
                        Field::DefaultCurrency,
                        Problem::UnknownCurrency(text.clone()),
                    );
                    None
                }
            },
        };
        if let Some(code) = code {
            let rates = match &proposal.exchange_rates {
                Some(rates) => check_rates(&code, rates.clone()),
                None if code == current.default_currency => Ok(current.exchange_rates.clone()),
                None if current.exchange_rates.is_empty() => Ok(BTreeMap::new()),
                None => Err(Problem::RatesRequired(code.clone())),
            };
            match rates {
                Ok(rates) => {
                    next.default_currency = code;
                    next.exchange_rates = rates;
                    for f in Field::DefaultCurrency.siblings() {
                        next.stored.insert(*f);
                        touched.insert(*f);
                    }
                }
                Err(problem) => refuse(Field::ExchangeRates, problem),
            }
        }
    }

    if let Some(map) = &proposal.emv_rates {
        match EmvRates::new(map.clone()) {
            Ok(rates) => {
                next.emv_rates = rates;
                next.stored.insert(Field::EmvRates);
                touched.insert(Field::EmvRates);
            }
            Err(e) => refuse(Field::EmvRates, Problem::EmvRates(e.0)),
        }
    }

    if let Some(status) = proposal.redirect_status {
        match u16::try_from(status)
            .ok()
            .filter(|s| REDIRECT_STATUSES.contains(s))
        {
            Some(s) => {
                next.redirect_status = s;
                next.stored.insert(Field::RedirectStatus);
                touched.insert(Field::RedirectStatus);
            }
            None => refuse(Field::RedirectStatus, Problem::RedirectStatus(status)),
        }
    }

    if let Some(length) = proposal.slug_length {
        match usize::try_from(length)
            .ok()
            .filter(|l| (SLUG_LENGTH_MIN..=SLUG_LENGTH_MAX).contains(l))
        {
            Some(l) => {
                next.slug_length = l;
                next.stored.insert(Field::SlugLength);
                touched.insert(Field::SlugLength);
            }
            None => refuse(Field::SlugLength, Problem::SlugLength(length)),
        }
    }

    if let Some(days) = proposal.attribution_window_days {
        match u32::try_from(days)
            .ok()
            .filter(|d| (1..=MAX_ATTRIBUTION_WINDOW_DAYS).contains(d))
        {
            Some(d) => {
                next.attribution_window_days = d;
                next.stored.insert(Field::AttributionWindowDays);
                touched.insert(Field::AttributionWindowDays);
            }
            None => refuse(
                Field::AttributionWindowDays,
                Problem::AttributionWindow(days),
            ),
        }
    }

    if let Some(text) = &proposal.privacy_mode {
        match PrivacyMode::parse(text) {
            Some(mode) => {
                next.privacy_mode = mode;
                next.stored.insert(Field::PrivacyMode);
                touched.insert(Field::PrivacyMode);
            }
            None => refuse(Field::PrivacyMode, Problem::PrivacyMode(text.clone())),
        }
    }

    if let Some(retention) = proposal.click_retention_days {
        let parsed = match retention {
            None => Some(None),
            Some(days) => u32::try_from(days)
                .ok()
                .filter(|d| (1..=MAX_CLICK_RETENTION_DAYS).contains(d))
                .map(Some),
        };
        match parsed {
            Some(value) => {
                next.click_retention_days = value;
                next.stored.insert(Field::ClickRetentionDays);
                touched.insert(Field::ClickRetentionDays);
            }
            None => refuse(
                Field::ClickRetentionDays,
                Problem::Retention(retention.unwrap_or_default()),
            ),
        }
    }

    // A click deleted before its window ends could never earn a conversion. Judged when
    // either side changes, and reported on the side that did.
    let either_refused = errors.iter().any(|e| {
        matches!(
            e.field,
            Field::ClickRetentionDays | Field::AttributionWindowDays
        )
    });
    let joined = touched.contains(&Field::ClickRetentionDays)
        || touched.contains(&Field::AttributionWindowDays);
    if let (Some(retention), false, true) = (next.click_retention_days, either_refused, joined) {
        if retention < next.attribution_window_days {
            errors.push(Invalid {
                field: if touched.contains(&Field::ClickRetentionDays) {
                    Field::ClickRetentionDays
                } else {
                    Field::AttributionWindowDays
                },
                problem: Problem::RetentionShorterThanWindow {
                    retention,
                    window: next.attribution_window_days,
                },
            });
        }
    }

    if !errors.is_empty() {
        errors.sort_by_key(|e| e.field);
        return Err(errors);
    }
    let writes = touched
        .iter()
        .map(|&field| {
            let value = next
                .stored
                .contains(&field)
                .then(|| next.stored_value(field).to_string());
            (field.key(), value)
        })
        .collect();
    Ok(Change {
        result: next,
        writes,
    })
}

/// Writes a checked change (one transaction: all of it or nothing).
pub fn save(conn: &mut DbConnection, change: &Change) -> Result<(), StoreError> {
    tx::write_transaction(conn, |conn| {
        for (key, value) in &change.writes {
            match value {
                Some(text) => settings::put(conn, key, text)?,
                None => settings::remove(conn, key)?,
            }
        }
        Ok(())
    })
}

/// Replaces the earned-media rates for every instance (the demo data's example rates).
pub fn set_emv_rates(conn: &mut DbConnection, rates: &EmvRates) -> Result<(), StoreError> {
    settings::put(conn, Field::EmvRates.key(), &json!(rates).to_string())
}

/// The outcome of [`LiveSettings::change`]: the settings now in force, or every refusal.
pub type Changed = Result<Arc<EffectiveSettings>, Vec<Invalid>>;

/// This instance's copy of the settings in force, shared by the handlers (cheap to clone).
#[derive(Clone)]
pub struct LiveSettings {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    defaults: EffectiveSettings,
    every: Duration,
    /// The settings in force, with the ticket of the read that produced them: a read
    /// that began before another one finished never replaces the newer result.
    current: RwLock<(u64, Arc<EffectiveSettings>)>,
    tickets: AtomicU64,
    /// The last refresh worked (so an outage is logged once, not every interval).
    healthy: AtomicBool,
}

impl LiveSettings {
    /// Reads the stored settings once (at start; a failure stops the start).
    pub fn load(db: Db, config: &Settings) -> Result<LiveSettings, StoreError> {
        let defaults = EffectiveSettings::defaults(config);
        let first = db.run_sync(|conn| EffectiveSettings::load(conn, &defaults))?;
        Ok(LiveSettings {
            inner: Arc::new(Inner {
                db,
                defaults,
                every: config.settings_refresh,
                current: RwLock::new((0, Arc::new(first))),
                tickets: AtomicU64::new(0),
                healthy: AtomicBool::new(true),
            }),
        })
    }

    /// The settings in force (no database access).
    pub fn current(&self) -> Arc<EffectiveSettings> {
        match self.inner.current.read() {
            Ok(guard) => guard.1.clone(),
            Err(poisoned) => poisoned.into_inner().1.clone(),
        }
    }

    /// The time zone in force, without cloning anything (the click path asks per click).
    pub fn timezone(&self) -> chrono_tz::Tz {
        match self.inner.current.read() {
            Ok(guard) => guard.1.timezone,
            Err(poisoned) => poisoned.into_inner().1.timezone,
        }
    }

    /// The redirect status in force (per click).
    pub fn redirect_status(&self) -> u16 {
        match self.inner.current.read() {
            Ok(guard) => guard.1.redirect_status,
            Err(poisoned) => poisoned.into_inner().1.redirect_status,
        }
    }

    /// The configured values (what "reset to default" returns to).
    pub fn defaults(&self) -> &EffectiveSettings {
        &self.inner.defaults
    }

    fn ticket(&self) -> u64 {
        self.inner.tickets.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn install(&self, ticket: u64, value: EffectiveSettings) -> Arc<EffectiveSettings> {
        let mut guard = match self.inner.current.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if ticket >= guard.0 && *guard.1 != value {
            *guard = (ticket, Arc::new(value));
        } else if ticket >= guard.0 {
            guard.0 = ticket;
        }
        guard.1.clone()
    }

    /// Rereads the stored settings now.
    pub async fn refresh(&self) -> Result<Arc<EffectiveSettings>, StoreError> {
        let ticket = self.ticket();
        let defaults = self.inner.defaults.clone();
        let read = self
            .inner
            .db
            .run(move |conn| EffectiveSettings::load(conn, &defaults))
            .await?;
        Ok(self.install(ticket, read))
    }

    /// Checks and stores a proposal against the stored settings (in one write
    /// transaction, so two admins saving at once cannot undo each other's checks), then
    /// puts the result in force on this instance at once; the others follow at their
    /// next refresh.
    pub async fn change(&self, proposal: Proposal) -> Result<Changed, StoreError> {
        let defaults = self.inner.defaults.clone();
        let outcome = self
            .inner
            .db
            .run(move |conn| {
                tx::write_transaction(conn, |conn| {
                    let current = EffectiveSettings::load(conn, &defaults)?;
                    match check(&proposal, &current, &defaults) {
                        Ok(change) => {
                            save(conn, &change)?;
                            Ok(Ok(change.result))
                        }
                        Err(errors) => Ok(Err(errors)),
                    }
                })
            })
            .await?;
        // The ticket is taken after the commit: a read that began earlier cannot
        // replace what was just saved.
        Ok(outcome.map(|result| self.install(self.ticket(), result)))
    }

    /// Rereads the settings every `CHORUS_SETTINGS_REFRESH_MS` on the server's runtime,
    /// until the last handle is dropped.
    pub fn spawn_refresher(&self) {
        let weak = Arc::downgrade(&self.inner);
        let every = self.inner.every;
        actix_web::rt::spawn(async move {
            let mut tick = actix_web::rt::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await; // the first tick is immediate; start() just read
            loop {
                tick.tick().await;
                let Some(inner) = weak.upgrade() else { break };
                let live = LiveSettings { inner };
                match live.refresh().await {
                    Ok(_) => {
                        if !live.inner.healthy.swap(true, Ordering::Relaxed) {
                            tracing::info!("settings are read from the database again");
                        }
                    }
                    Err(err) => {
                        if live.inner.healthy.swap(false, Ordering::Relaxed) {
                            tracing::warn!(
                                error = %err,
                                "cannot reread the settings; keeping the last ones read"
                            );
                        }
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RawSettings;

    fn defaults() -> EffectiveSettings {
        let config = Settings::validate(RawSettings {
            exchange_rates: Some("EUR=1.08".into()),
            ..RawSettings::default()
        })
        .expect("valid");
        EffectiveSettings::defaults(&config)
    }

    fn problems(p: &Proposal) -> Vec<(Field, &'static str)> {
        let d = defaults();
        match check(p, &d, &d) {
            Ok(_) => vec![],
            Err(errors) => errors.iter().map(|e| (e.field, e.code())).collect(),
        }
    }

    #[test]
    fn every_broken_field_is_reported_at_once() {
        let p = Proposal {
            timezone: Some("Mars/Olympus".into()),
            default_currency: Some("euro".into()),
            redirect_status: Some(303),
            slug_length: Some(4),
            attribution_window_days: Some(0),
            privacy_mode: Some("secret".into()),
            click_retention_days: Some(Some(0)),
            emv_rates: Some(BTreeMap::from([("fax".into(), EmvRate::default())])),
            ..Proposal::default()
        };
        assert_eq!(
            problems(&p),
            vec![
                (Field::Timezone, "invalid_timezone"),
                (Field::DefaultCurrency, "invalid_currency"),
                (Field::EmvRates, "invalid_rates"),
                (Field::RedirectStatus, "invalid_redirect_status"),
                (Field::SlugLength, "invalid_slug_length"),
                (Field::AttributionWindowDays, "invalid_attribution_window"),
                (Field::PrivacyMode, "invalid_privacy_mode"),
                (Field::ClickRetentionDays, "invalid_click_retention"),
            ]
        );
    }

    #[test]
    fn currency_and_rates_go_together() {
        let d = defaults();
        // A new currency with rates in the old one: refused until rates come along.
        let p = Proposal {
            default_currency: Some("krw".into()),
            ..Proposal::default()
        };
        assert_eq!(
            problems(&p),
            vec![(Field::ExchangeRates, "exchange_rates_required")]
        );
        let p = Proposal {
            default_currency: Some("krw".into()),
            exchange_rates: Some(BTreeMap::from([("USD".into(), 1400.0)])),
            ..Proposal::default()
        };
        let change = check(&p, &d, &d).expect("valid");
        assert_eq!(change.result.default_currency, "KRW");
        assert_eq!(change.result.currency_exponent(), 0);
        assert_eq!(change.result.origin(Field::ExchangeRates), Origin::Database);
        for (rates, code) in [
            (
                BTreeMap::from([("USD".into(), 1.0)]),
                "invalid_exchange_rates",
            ),
            (
                BTreeMap::from([("EUR".into(), 0.0)]),
                "invalid_exchange_rates",
            ),
            (
                BTreeMap::from([("EUR".into(), f64::INFINITY)]),
                "invalid_exchange_rates",
            ),
            (
                BTreeMap::from([("XYZ".into(), 1.0)]),
                "invalid_exchange_rates",
            ),
        ] {
            let p = Proposal {
                exchange_rates: Some(rates),
                ..Proposal::default()
            };
            assert_eq!(problems(&p), vec![(Field::ExchangeRates, code)]);
        }
        // Resetting one of the pair resets both.
        let stored = change.result.clone();
        let back = check(
            &Proposal {
                reset: vec![Field::ExchangeRates],
                ..Proposal::default()
            },
            &stored,
            &d,
        )
        .expect("valid");
        assert_eq!(back.result.default_currency, "USD");
        assert_eq!(back.result.origin(Field::DefaultCurrency), Origin::Config);
        assert_eq!(back.writes.get("currency"), Some(&None));
    }

    #[test]
    fn retention_may_not_end_before_the_window() {
        let p = Proposal {
            click_retention_days: Some(Some(10)),
            ..Proposal::default()
        };
        assert_eq!(
            problems(&p),
            vec![(Field::ClickRetentionDays, "retention_shorter_than_window")]
        );
        let p = Proposal {
            click_retention_days: Some(Some(10)),
            attribution_window_days: Some(7),
            ..Proposal::default()
        };
        assert_eq!(problems(&p), vec![]);
        let p = Proposal {
            click_retention_days: Some(None),
            ..Proposal::default()
        };
        assert_eq!(problems(&p), vec![]);
    }

    #[test]
    fn set_and_reset_at_once_is_refused() {
        let p = Proposal {
            slug_length: Some(9),
            reset: vec![Field::SlugLength],
            ..Proposal::default()
        };
        assert_eq!(problems(&p), vec![(Field::SlugLength, "set_and_reset")]);
        let p = Proposal {
            default_currency: Some("EUR".into()),
            exchange_rates: Some(BTreeMap::new()),
            reset: vec![Field::ExchangeRates],
            ..Proposal::default()
        };
        assert_eq!(problems(&p), vec![(Field::ExchangeRates, "set_and_reset")]);
    }

    #[test]
    fn stored_values_read_back() {
        let d = defaults();
        let p = Proposal {
            timezone: Some("Asia/Seoul".into()),
            redirect_status: Some(307),
            slug_length: Some(9),
            privacy_mode: Some("opt_in".into()),
            click_retention_days: Some(Some(400)),
            ..Proposal::default()
        };
        let change = check(&p, &d, &d).expect("valid");
        let mut again = d.clone();
        for (key, value) in &change.writes {
            let field = Field::ALL.into_iter().find(|f| f.key() == *key).unwrap();
            let value: Value = serde_json::from_str(value.as_deref().unwrap()).unwrap();
            assert!(again.read_stored(field, &value).is_some(), "{key}");
        }
        assert_eq!(again, change.result);
        assert_eq!(again.timezone, chrono_tz::Asia::Seoul);
        // Unreadable rows change nothing.
        let mut same = d.clone();
        assert!(same
            .read_stored(Field::RedirectStatus, &json!(303))
            .is_none());
        assert!(same
            .read_stored(Field::Timezone, &json!("Nowhere"))
            .is_none());
        assert_eq!(same, d);
    }

    #[test]
    fn rates_text_reads_and_writes() {
        assert_eq!(
            parse_rates_text(" eur=1.08, GBP = 1.27\n").unwrap(),
            BTreeMap::from([("EUR".into(), 1.08), ("GBP".into(), 1.27)])
        );
        assert_eq!(
            rates_text(&BTreeMap::from([
                ("EUR".into(), 1.08),
                ("GBP".into(), 1.27)
            ])),
            "EUR=1.08, GBP=1.27"
        );
        assert_eq!(
            parse_rates_text("EUR"),
            Err(Problem::RateSyntax("EUR".into()))
        );
        assert_eq!(
            parse_rates_text("EURO=1"),
            Err(Problem::RateCurrency("EURO".into()))
        );
        assert!(matches!(
            parse_rates_text("EUR=x"),
            Err(Problem::RateValue { .. })
        ));
        assert_eq!(
            parse_rates_text("EUR=1, eur=2"),
            Err(Problem::RateTwice("EUR".into()))
        );
        assert_eq!(parse_rates_text(" ").unwrap(), BTreeMap::new());
    }
}
