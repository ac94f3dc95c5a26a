//! `/admin/settings`: the settings admins change at run time, each beside its configured
//! default, with a "reset to default" for the ones set here. One form saves them all (only
//! the fields that differ from the values in force are stored: an untouched field keeps
//! following the configuration); every broken field is reported at once and nothing is
//! saved then. The rules are `app::settings`'s, shared with `PUT /api/v1/settings`.

use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, see_other, Nav, Tr};
use crate::app::settings::{
    check, parse_rates_text, rates_text, EffectiveSettings, Field, Invalid, Origin, Problem,
    Proposal, SLUG_LENGTH_MAX, SLUG_LENGTH_MIN,
};
use crate::config::{PrivacyMode, MAX_ATTRIBUTION_WINDOW_DAYS, MAX_CLICK_RETENTION_DAYS};
use crate::domain::emv::{parse_amount, EmvRate, EmvRates};
use crate::domain::network::Network;
use crate::error::PageError;
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::AppState;

#[derive(Deserialize)]
pub struct Notice {
    done: Option<String>,
    field: Option<String>,
}

/// One option of a select.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// One network's earned-media prices, as typed or in force.
struct EmvRow {
    network: &'static str,
    label: String,
    cpm: String,
    cpc: String,
    default: String,
    cpm_error: Option<String>,
    cpc_error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    notice: Option<String>,
    /// What each field shows: as typed after a refusal, else the value in force.
    values: HashMap<&'static str, String>,
    errors: HashMap<&'static str, String>,
    defaults: HashMap<&'static str, String>,
    stored: HashSet<&'static str>,
    emv: Vec<EmvRow>,
    emv_error: Option<String>,
    currency: String,
    redirect_choices: Vec<Choice>,
    privacy_choices: Vec<Choice>,
    timezones: Vec<&'static str>,
    refresh_seconds: String,
    slug_min: usize,
    slug_max: usize,
    window_max: u32,
    retention_max: u32,
}

impl SettingsPage {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    fn error(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }

    fn default_of(&self, name: &str) -> &str {
        self.defaults.get(name).map_or("", String::as_str)
    }

    fn is_stored(&self, name: &str) -> bool {
        self.stored.contains(name)
    }
}

fn privacy_label(t: &Tr, mode: PrivacyMode) -> String {
    t.get(&format!(
        "settings.privacy-{}",
        mode.as_str().replace('_', "-")
    ))
}

fn redirect_label(t: &Tr, status: u16) -> String {
    t.get(&format!("settings.redirect-{status}"))
}

/// Minor units as a decimal in major units (`1250`, 2 → `12.50`); zero is blank.
fn amount_text(cents: i64, exponent: u16) -> String {
    if cents == 0 {
        return String::new();
    }
    if exponent == 0 {
        return cents.to_string();
    }
    let scale = 10_i64.pow(u32::from(exponent));
    format!(
        "{}.{:0width$}",
        cents / scale,
        cents % scale,
        width = usize::from(exponent)
    )
}

fn emv_default_text(t: &Tr, rate: EmvRate, exponent: u16) -> String {
    if rate == EmvRate::default() {
        return t.get("settings.none");
    }
    let side = |cents: i64| {
        let text = amount_text(cents, exponent);
        if text.is_empty() {
            "–".to_string()
        } else {
            text
        }
    };
    format!("{} / {}", side(rate.cpm_cents), side(rate.cpc_cents))
}

fn retention_text(t: &Tr, days: Option<u32>) -> String {
    match days {
        None => t.get("settings.retention-forever"),
        Some(d) => t.count("settings.days", d),
    }
}

/// The fields' values as the form shows them.
fn form_values(e: &EffectiveSettings) -> HashMap<&'static str, String> {
    let exponent = e.currency_exponent();
    let mut values = HashMap::from([
        ("timezone", e.timezone.name().to_string()),
        ("default_currency", e.default_currency.clone()),
        ("exchange_rates", rates_text(&e.exchange_rates)),
        ("redirect_status", e.redirect_status.to_string()),
        ("slug_length", e.slug_length.to_string()),
        (
            "attribution_window_days",
            e.attribution_window_days.to_string(),
        ),
        ("privacy_mode", e.privacy_mode.as_str().to_string()),
        (
            "click_retention_days",
            e.click_retention_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
    ]);
    for network in Network::ALL {
        let rate = e.emv_rates.get(network.as_str());
        values.insert(cpm_name(network), amount_text(rate.cpm_cents, exponent));
        values.insert(cpc_name(network), amount_text(rate.cpc_cents, exponent));
    }
    values
}

fn cpm_name(network: Network) -> &'static str {
    match network {
        Network::Linkedin => "cpm_linkedin",
        Network::X => "cpm_x",
        Network::Facebook => "cpm_facebook",
        Network::Instagram => "cpm_instagram",
        Network::Threads => "cpm_threads",
        Network::Bluesky => "cpm_bluesky",
        Network::Xing => "cpm_xing",
        Network::Tiktok => "cpm_tiktok",
        Network::Youtube => "cpm_youtube",
        Network::Email => "cpm_email",
        Network::Other => "cpm_other",
    }
}

fn cpc_name(network: Network) -> &'static str {
    match network {
        Network::Linkedin => "cpc_linkedin",
        Network::X => "cpc_x",
        Network::Facebook => "cpc_facebook",
        Network::Instagram => "cpc_instagram",
        Network::Threads => "cpc_threads",
        Network::Bluesky => "cpc_bluesky",
        Network::Xing => "cpc_xing",
        Network::Tiktok => "cpc_tiktok",
        Network::Youtube => "cpc_youtube",
        Network::Email => "cpc_email",
        Network::Other => "cpc_other",
    }
}

/// What a refused field says, in the page's language.
fn problem_text(t: &Tr, invalid: &Invalid) -> String {
    match &invalid.problem {
        Problem::UnknownTimezone(v) => t.with("settings.error-timezone", "value", v.trim()),
        Problem::UnknownCurrency(v) | Problem::RateCurrency(v) => {
            t.with("settings.error-currency", "value", v.trim())
        }
        Problem::RateValue { currency, rate } => t.with2(
            "settings.error-rate-value",
            "currency",
            currency,
            "value",
            rate,
        ),
        Problem::RateForDefault(code) => t.with("settings.error-rate-default", "currency", code),
        Problem::RateSyntax(pair) => t.with("settings.error-rate-syntax", "value", pair),
        Problem::RateTwice(code) => t.with("settings.error-rate-twice", "currency", code),
        Problem::RatesRequired(code) => t.with("settings.error-rates-required", "currency", code),
        Problem::EmvRates(why) => t.with("settings.error-emv", "why", why),
        Problem::RedirectStatus(v) => t.with("settings.error-redirect", "value", v),
        Problem::SlugLength(_) => t.with2(
            "settings.error-slug-length",
            "min",
            SLUG_LENGTH_MIN,
            "max",
            SLUG_LENGTH_MAX,
        ),
        Problem::AttributionWindow(_) => {
            t.with("settings.error-window", "max", MAX_ATTRIBUTION_WINDOW_DAYS)
        }
        Problem::PrivacyMode(v) => t.with("settings.error-privacy", "value", v),
        Problem::Retention(_) => {
            t.with("settings.error-retention", "max", MAX_CLICK_RETENTION_DAYS)
        }
        Problem::RetentionShorterThanWindow { retention, window } => t.with2(
            "settings.error-retention-window",
            "retention",
            retention,
            "window",
            window,
        ),
        Problem::SetAndReset => t.get("settings.error-set-and-reset"),
    }
}

fn settings_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    effective: &EffectiveSettings,
    typed: Option<HashMap<&'static str, String>>,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
) -> Result<HttpResponse, PageError> {
    let t = Tr::current();
    let defaults = state.live.defaults();
    let values = typed.unwrap_or_else(|| form_values(effective));
    let default_exponent = defaults.currency_exponent();
    let emv = Network::ALL
        .into_iter()
        .map(|network| EmvRow {
            network: network.as_str(),
            label: crate::i18n::network_label(&t, network),
            cpm: values.get(cpm_name(network)).cloned().unwrap_or_default(),
            cpc: values.get(cpc_name(network)).cloned().unwrap_or_default(),
            default: emv_default_text(
                &t,
                defaults.emv_rates.get(network.as_str()),
                default_exponent,
            ),
            cpm_error: errors.get(cpm_name(network)).cloned(),
            cpc_error: errors.get(cpc_name(network)).cloned(),
        })
        .collect();
    let selected = |name: &str, value: &str| values.get(name).is_some_and(|v| v == value);
    let redirect_choices = crate::app::settings::REDIRECT_STATUSES
        .into_iter()
        .map(|s| Choice {
            value: s.to_string(),
            label: redirect_label(&t, s),
            selected: selected("redirect_status", &s.to_string()),
        })
        .collect();
    let privacy_choices = PrivacyMode::ALL
        .into_iter()
        .map(|m| Choice {
            value: m.as_str().to_string(),
            label: privacy_label(&t, m),
            selected: selected("privacy_mode", m.as_str()),
        })
        .collect();
    let default_texts = HashMap::from([
        ("timezone", defaults.timezone.name().to_string()),
        ("default_currency", defaults.default_currency.clone()),
        (
            "exchange_rates",
            if defaults.exchange_rates.is_empty() {
                t.get("settings.none")
            } else {
                rates_text(&defaults.exchange_rates)
            },
        ),
        (
            "redirect_status",
            redirect_label(&t, defaults.redirect_status),
        ),
        ("slug_length", t.num(defaults.slug_length as i64)),
        (
            "attribution_window_days",
            t.count("settings.days", defaults.attribution_window_days),
        ),
        ("privacy_mode", privacy_label(&t, defaults.privacy_mode)),
        (
            "click_retention_days",
            retention_text(&t, defaults.click_retention_days),
        ),
    ]);
    let stored = Field::ALL
        .into_iter()
        .filter(|f| effective.origin(*f) == Origin::Database)
        .map(Field::name)
        .collect();
    render(
        status,
        &SettingsPage {
            title: "settings.title",
            nav: Some(Nav::new(user, "settings")),
            t,
            csrf: user.csrf.clone(),
            notice,
            emv_error: errors.get("emv_rates").cloned(),
            values,
            errors,
            defaults: default_texts,
            stored,
            emv,
            currency: effective.default_currency.clone(),
            redirect_choices,
            privacy_choices,
            timezones: chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect(),
            refresh_seconds: crate::i18n::format::decimal(
                t.locale(),
                state.settings.settings_refresh.as_secs_f64(),
                if state.settings.settings_refresh.subsec_millis() == 0 {
                    0
                } else {
                    1
                },
            ),
            slug_min: SLUG_LENGTH_MIN,
            slug_max: SLUG_LENGTH_MAX,
            window_max: MAX_ATTRIBUTION_WINDOW_DAYS,
            retention_max: MAX_CLICK_RETENTION_DAYS,
        },
    )
}

fn notice_text(t: &Tr, notice: Notice) -> Option<String> {
    Some(match notice.done.as_deref()? {
        "saved" => t.get("settings.saved"),
        "unchanged" => t.get("settings.unchanged"),
        "reset" => {
            let field = Field::parse(notice.field.as_deref()?)?;
            let label = match field {
                Field::DefaultCurrency | Field::ExchangeRates => {
                    "settings.label-default-currency-exchange-rates".to_string()
                }
                other => format!("settings.label-{}", other.name().replace('_', "-")),
            };
            t.with("settings.reset-done", "setting", t.get(&label))
        }
        _ => return None,
    })
}

/// `GET /admin/settings`.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    notice: web::Query<Notice>,
) -> Result<HttpResponse, PageError> {
    // What is stored now (and this instance catches up on the way).
    let effective = state.live.refresh().await?;
    let notice = notice_text(&Tr::current(), notice.into_inner());
    settings_page(
        &state,
        &user,
        StatusCode::OK,
        &effective,
        None,
        HashMap::new(),
        notice,
    )
}

/// The form's fields, by name.
pub type SettingsForm = Vec<(String, String)>;

/// A whole number typed in a field; blank is `None`, anything else not a number refused.
fn whole(text: &str) -> Result<Option<i64>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>().map(Some).map_err(|_| ())
}

/// Turns the typed form into a proposal of what differs from `current`, plus the
/// refusals that happen before the shared rules (unreadable numbers and amounts).
fn read_form(
    t: &Tr,
    form: &HashMap<String, String>,
    current: &EffectiveSettings,
) -> (
    Proposal,
    HashMap<&'static str, String>,
    HashMap<&'static str, String>,
) {
    let mut proposal = Proposal::default();
    let mut errors: HashMap<&'static str, String> = HashMap::new();
    let mut typed: HashMap<&'static str, String> = HashMap::new();
    let field = |name: &str| form.get(name).map_or("", String::as_str);

    let tz = field("timezone").trim();
    typed.insert("timezone", tz.to_string());
    if tz != current.timezone.name() {
        proposal.timezone = Some(tz.to_string());
    }

    let code_typed = field("default_currency").trim().to_string();
    let code = code_typed.to_ascii_uppercase();
    let rates_typed = field("exchange_rates").trim().to_string();
    typed.insert("default_currency", code_typed.clone());
    typed.insert("exchange_rates", rates_typed.clone());
    let code_changed = code != current.default_currency;
    match parse_rates_text(&rates_typed) {
        Ok(rates) => {
            if code_changed || rates != current.exchange_rates {
                proposal.default_currency = Some(code_typed.clone());
                proposal.exchange_rates = Some(rates);
            }
        }
        Err(problem) => {
            errors.insert(
                "exchange_rates",
                problem_text(
                    t,
                    &Invalid {
                        field: Field::ExchangeRates,
                        problem,
                    },
                ),
            );
            if code_changed {
                // Still judge the currency, so both fields speak at once.
                proposal.default_currency = Some(code_typed.clone());
                proposal.exchange_rates = Some(BTreeMap::new());
            }
        }
    }

    // EMV prices are in the currency being saved (its decimals).
    let exponent = crate::domain::conversion::Currency::parse(&code)
        .ok()
        .and_then(|c| c.exponent())
        .unwrap_or_else(|| current.currency_exponent());
    let mut rates = BTreeMap::new();
    let mut emv_readable = true;
    for network in Network::ALL {
        let mut read = |name: &'static str| -> i64 {
            let text = field(name).trim().to_string();
            typed.insert(name, text.clone());
            if text.is_empty() {
                return 0;
            }
            match parse_amount(&text, exponent) {
                Some(cents) => cents,
                None => {
                    emv_readable = false;
                    errors.insert(
                        name,
                        t.with2(
                            "settings.error-amount",
                            "value",
                            &text,
                            "decimals",
                            exponent,
                        ),
                    );
                    0
                }
            }
        };
        let rate = EmvRate {
            cpm_cents: read(cpm_name(network)),
            cpc_cents: read(cpc_name(network)),
        };
        if rate != EmvRate::default() {
            rates.insert(network.as_str().to_string(), rate);
        }
    }
    if emv_readable {
        let unchanged = EmvRates::new(rates.clone()).is_ok_and(|r| r == current.emv_rates);
        if !unchanged {
            proposal.emv_rates = Some(rates);
        }
    }

    for (name, slot) in [
        ("redirect_status", &mut proposal.redirect_status),
        ("slug_length", &mut proposal.slug_length),
        (
            "attribution_window_days",
            &mut proposal.attribution_window_days,
        ),
    ] {
        let text = field(name).trim().to_string();
        typed.insert(name, text.clone());
        let now = match name {
            "redirect_status" => i64::from(current.redirect_status),
            "slug_length" => current.slug_length as i64,
            _ => i64::from(current.attribution_window_days),
        };
        match whole(&text) {
            Ok(Some(n)) if n == now => {}
            Ok(Some(n)) => *slot = Some(n),
            Ok(None) | Err(()) => {
                errors.insert(name, t.get("settings.error-whole-number"));
            }
        }
    }

    let mode = field("privacy_mode").trim().to_string();
    typed.insert("privacy_mode", mode.clone());
    if mode != current.privacy_mode.as_str() {
        proposal.privacy_mode = Some(mode);
    }

    let retention = field("click_retention_days").trim().to_string();
    typed.insert("click_retention_days", retention.clone());
    match whole(&retention) {
        Ok(days) if days == current.click_retention_days.map(i64::from) => {}
        Ok(days) => proposal.click_retention_days = Some(days),
        Err(()) => {
            errors.insert(
                "click_retention_days",
                t.get("settings.error-whole-number-or-blank"),
            );
        }
    }
    (proposal, typed, errors)
}

/// `POST /admin/settings`: save every changed field, or (a "reset" button) return one
/// setting to its configured default.
pub async fn save(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, PageError> {
    let form: HashMap<String, String> = form.into_inner().into_iter().collect();
    user.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let t = Tr::current();

    if let Some(name) = form.get("reset") {
        let field = Field::parse(name).ok_or_else(|| {
            PageError::BadRequest(t.with("settings.error-unknown-setting", "value", name))
        })?;
        let proposal = Proposal {
            reset: vec![field],
            ..Proposal::default()
        };
        return match state.live.change(proposal).await? {
            Ok(_) => Ok(see_other(&format!(
                "/admin/settings?done=reset&field={}",
                field.name()
            ))),
            Err(_) => Err(PageError::Internal),
        };
    }

    let current = state.live.refresh().await?;
    let (proposal, typed, mut errors) = read_form(&t, &form, &current);
    let refused = |errors: &mut HashMap<&'static str, String>, invalid: &[Invalid]| {
        for i in invalid {
            let name = i.field.name();
            errors.entry(name).or_insert_with(|| problem_text(&t, i));
        }
    };
    if !errors.is_empty() {
        // Report the shared rules' refusals too: every broken field at once.
        if let Err(invalid) = check(&proposal, &current, state.live.defaults()) {
            refused(&mut errors, &invalid);
        }
        return settings_page(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            &current,
            Some(typed),
            errors,
            None,
        );
    }
    if proposal.is_empty() {
        return Ok(see_other("/admin/settings?done=unchanged"));
    }
    match state.live.change(proposal).await? {
        Ok(_) => Ok(see_other("/admin/settings?done=saved")),
        Err(invalid) => {
            refused(&mut errors, &invalid);
            settings_page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                &current,
                Some(typed),
                errors,
                None,
            )
        }
    }
}
