//! One typed `Settings`, read from `chorus.toml` and `CHORUS_*` environment variables
//! (the environment wins), validated once at start. No other module reads the environment.

use std::collections::BTreeMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;

/// What the operator wrote, before validation. Every field is optional so that the file,
/// the environment and the defaults can be layered.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawSettings {
    pub bind: Option<String>,
    pub database_url: Option<String>,
    pub base_url: Option<String>,
    pub geoip_path: Option<String>,
    pub timezone: Option<String>,
    pub trusted_proxies: Option<String>,
    pub secret_key: Option<String>,
    pub pool_size: Option<u32>,
    pub redirect_status: Option<u16>,
    pub click_param: Option<String>,
    pub slug_length: Option<usize>,
    pub attribution_window_days: Option<u32>,
    pub privacy_mode: Option<String>,
    pub click_retention_days: Option<u32>,
    pub settings_refresh_ms: Option<u64>,
    pub default_currency: Option<String>,
    pub log_format: Option<String>,
    pub sqlite_synchronous: Option<String>,
    pub click_batch_max: Option<usize>,
    pub click_batch_ms: Option<u64>,
    pub click_queue: Option<usize>,
    pub spool_dir: Option<String>,
    pub click_durability: Option<String>,
    pub session_days: Option<u32>,
    pub login_attempts_per_minute: Option<u32>,
    pub login_attempts_per_account: Option<u32>,
    pub repeat_click_seconds: Option<u32>,
    pub scanner_burst_ms: Option<u32>,
    pub scanner_burst_links: Option<u32>,
    pub import_max_mb: Option<u64>,
    pub shutdown_seconds: Option<u64>,
    pub exchange_rates: Option<String>,
    pub click_lag_seconds: Option<u64>,
    pub emv_rates: Option<String>,
    pub default_locale: Option<String>,
    pub metrics_token: Option<String>,
    pub session_idle_days: Option<u32>,
    pub invitation_days: Option<u32>,
    pub reset_hours: Option<u32>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret: Option<String>,
    pub oidc_jit_team: Option<String>,
    pub image_fetch_ms: Option<u64>,
    pub image_fetch_private: Option<bool>,
    pub retention_check_ms: Option<u64>,
}

/// The settings' names (lowercase, without the `CHORUS_` prefix). Other `CHORUS_*`
/// variables (a test harness's, say) are not ours and are ignored; unknown keys in the
/// file are typos and are refused.
const KEYS: &[&str] = &[
    "bind",
    "database_url",
    "base_url",
    "geoip_path",
    "timezone",
    "trusted_proxies",
    "secret_key",
    "pool_size",
    "redirect_status",
    "click_param",
    "slug_length",
    "attribution_window_days",
    "privacy_mode",
    "click_retention_days",
    "settings_refresh_ms",
    "default_currency",
    "log_format",
    "sqlite_synchronous",
    "click_batch_max",
    "click_batch_ms",
    "click_queue",
    "spool_dir",
    "click_durability",
    "session_days",
    "login_attempts_per_minute",
    "login_attempts_per_account",
    "repeat_click_seconds",
    "scanner_burst_ms",
    "scanner_burst_links",
    "import_max_mb",
    "shutdown_seconds",
    "exchange_rates",
    "click_lag_seconds",
    "emv_rates",
    "default_locale",
    "metrics_token",
    "session_idle_days",
    "invitation_days",
    "reset_hours",
    "smtp_url",
    "mail_from",
    "oidc_issuer",
    "oidc_client_id",
    "oidc_client_secret",
    "oidc_jit_team",
    "image_fetch_ms",
    "image_fetch_private",
    "retention_check_ms",
];

/// The window of `CHORUS_LOGIN_ATTEMPTS_PER_ACCOUNT`: long enough that guessing one
/// account's password from many addresses gets nowhere, short enough that its owner is not
/// locked out for long by someone else's guessing.
pub const LOGIN_ACCOUNT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Where the data lives; the URL scheme picks the backend, never a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// Accepts `sqlite://path`, `sqlite:path`, a bare `*.db`/`*.sqlite` path, and
    /// `postgres://` / `postgresql://` URLs.
    pub fn parse(value: &str) -> Result<DatabaseUrl, ConfigError> {
        let value = value.trim();
        let bad = |why: &str| ConfigError::Invalid {
            setting: "CHORUS_DATABASE_URL",
            message: format!(
                "{why} (got {value:?}; expected sqlite://FILE or postgres://USER:PASS@HOST/DB)"
            ),
        };
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            let parsed =
                url::Url::parse(value).map_err(|e| bad(&format!("not a valid URL: {e}")))?;
            if parsed.host_str().is_none_or(str::is_empty) && !value.contains("host=") {
                return Err(bad("the PostgreSQL URL has no host"));
            }
            return Ok(DatabaseUrl::Postgres(value.to_string()));
        }
        let path = value
            .strip_prefix("sqlite://")
            .or_else(|| value.strip_prefix("sqlite:"))
            .or_else(|| (value.ends_with(".db") || value.ends_with(".sqlite")).then_some(value));
        match path {
            Some("") => Err(bad("the SQLite URL names no file")),
            Some(p) => Ok(DatabaseUrl::Sqlite(PathBuf::from(p))),
            None => Err(bad("unknown database URL scheme")),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// SQLite durability: FULL syncs the WAL on every commit (survives power loss); NORMAL
/// survives a crashed process but may lose the last commits on power loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteSync {
    Normal,
    Full,
}

impl SqliteSync {
    pub fn pragma(self) -> &'static str {
        match self {
            SqliteSync::Normal => "NORMAL",
            SqliteSync::Full => "FULL",
        }
    }
}

/// What a click must reach before its redirect is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClickDurability {
    /// The click journal in the spool directory: survives a crash of the process; the
    /// database follows a few milliseconds later.
    Journal,
    /// A database commit (with SQLite `synchronous = full`, also power loss).
    Database,
}

/// The longest attribution window, in days (ten years), for the configuration and the
/// settings page alike.
pub const MAX_ATTRIBUTION_WINDOW_DAYS: u32 = 3_650;

/// The longest raw-click retention, in days (a hundred years: "keep" has no number).
pub const MAX_CLICK_RETENTION_DAYS: u32 = 36_500;

/// Who sees individual rankings (DESIGN.md §6: for works councils and GDPR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrivacyMode {
    /// Everyone's rank is shown by name.
    #[default]
    Off,
    /// Individual rankings for admins only.
    AdminsOnly,
    /// Team-level boards only.
    TeamsOnly,
    /// Employees appear by name only when they opted in.
    OptIn,
}

impl PrivacyMode {
    pub const ALL: [PrivacyMode; 4] = [
        PrivacyMode::Off,
        PrivacyMode::AdminsOnly,
        PrivacyMode::TeamsOnly,
        PrivacyMode::OptIn,
    ];
    pub const NAMES: [&'static str; 4] = ["off", "admins_only", "teams_only", "opt_in"];

    pub fn as_str(self) -> &'static str {
        match self {
            PrivacyMode::Off => "off",
            PrivacyMode::AdminsOnly => "admins_only",
            PrivacyMode::TeamsOnly => "teams_only",
            PrivacyMode::OptIn => "opt_in",
        }
    }

    pub fn parse(text: &str) -> Option<PrivacyMode> {
        PrivacyMode::ALL
            .into_iter()
            .find(|m| m.as_str() == text.trim())
    }
}

/// Validated settings. Constructed only through [`Settings::validate`].
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database_url: DatabaseUrl,
    pub base_url: url::Url,
    pub geoip_path: Option<String>,
    pub timezone: chrono_tz::Tz,
    pub trusted_proxies: String,
    pub secret_key: Option<Vec<u8>>,
    pub pool_size: u32,
    pub redirect_status: u16,
    pub click_param: String,
    pub slug_length: usize,
    pub attribution_window_days: u32,
    /// Who sees individual rankings (DESIGN.md §6). The default of the admin's setting
    /// (`app::settings`); applied to every board by `app::privacy`.
    pub privacy_mode: PrivacyMode,
    /// How long raw clicks are kept (`None`: for ever). The default of the admin's setting;
    /// stored only for now, no job deletes clicks yet.
    pub click_retention_days: Option<u32>,
    /// How often each instance rereads the settings admins change at run time.
    pub settings_refresh: Duration,
    pub default_currency: String,
    pub log_format: LogFormat,
    pub sqlite_synchronous: SqliteSync,
    pub click_batch_max: usize,
    pub click_batch_wait: Duration,
    pub click_queue: usize,
    pub spool_dir: PathBuf,
    pub click_durability: ClickDurability,
    pub session_days: u32,
    /// Sign-in attempts per minute from one client (an IPv4 address or an IPv6 /64).
    pub login_attempts_per_minute: u32,
    /// Sign-in attempts on one account (by e-mail address) per [`LOGIN_ACCOUNT_WINDOW`],
    /// from anywhere.
    pub login_attempts_per_account: u32,
    /// Verified-click rules (DESIGN.md §3): repeat window and scanner-burst shape.
    pub click_policy: crate::domain::verify::Policy,
    /// The largest CSV file `/admin/import` accepts, in bytes.
    pub import_max_bytes: u64,
    /// At stop, how long in-flight requests may finish, and then how long the click writer
    /// may drain its queue; clicks still queued after that stay in the journal and are
    /// replayed at the next start.
    pub shutdown_wait: Duration,
    /// `/healthz` says `degraded` once the oldest click not yet committed is older.
    pub click_lag_alert: Duration,
    /// Fixed rates for reports: units of the default currency per unit of each other
    /// currency (`EUR=1.08` with USD as default: 1 EUR counts as 1.08 USD).
    pub exchange_rates: BTreeMap<String, f64>,
    /// Earned-media prices per network (CPM/CPC in default minor units); the API can
    /// replace them (stored in the database, read at each report).
    pub emv_rates: crate::domain::emv::EmvRates,
    /// The UI language when neither the employee nor the browser names one we speak.
    pub default_locale: crate::i18n::Locale,
    /// When set, `/metrics` answers only `Authorization: Bearer <token>`; when unset, only
    /// direct loopback requests (see `web::metrics`).
    pub metrics_token: Option<MetricsToken>,
    /// A session unused this long ends (its cookie may live on, the row does not).
    pub session_idle: chrono::Duration,
    /// How long an invitation link stays valid.
    pub invitation_valid: chrono::Duration,
    /// How long a password-reset link stays valid.
    pub reset_valid: chrono::Duration,
    /// Outgoing e-mail (invitations, password resets); `None`: links are handed over by an
    /// admin instead.
    pub mail: Option<crate::mail::MailSettings>,
    /// Sign-in through the company's OpenID Connect provider, when configured.
    pub sso: Option<crate::app::sso::SsoSettings>,
    /// How often each instance looks for content preview images to fetch.
    pub image_fetch_every: Duration,
    /// Whether preview images may come from private and loopback addresses.
    pub image_fetch_private: bool,
    /// How often each instance deletes raw clicks past the retention period.
    pub retention_every: Duration,
}

/// The bearer token `/metrics` requires; its `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken(String);

impl MetricsToken {
    /// At least 16 characters, all visible ASCII (it travels in a header).
    pub fn parse(text: &str) -> Result<MetricsToken, ConfigError> {
        let text = text.trim();
        if text.len() < 16 || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConfigError::Invalid {
                setting: "CHORUS_METRICS_TOKEN",
                message: "must be at least 16 visible ASCII characters, no spaces \
                          (e.g. `openssl rand -hex 32`)"
                    .into(),
            });
        }
        Ok(MetricsToken(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{setting}: {message}")]
    Invalid {
        setting: &'static str,
        message: String,
    },
    #[error("cannot read configuration: {0}")]
    Source(String),
}

/// `EUR=1.08, GBP=1.27`: ISO 4217 codes (any case) and positive rates; the default
/// currency itself needs none.
fn parse_exchange_rates(
    text: &str,
    default_currency: &str,
) -> Result<BTreeMap<String, f64>, ConfigError> {
    const SETTING: &str = "CHORUS_EXCHANGE_RATES";
    let mut rates = BTreeMap::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (code, rate) = pair
            .split_once('=')
            .ok_or_else(|| invalid(SETTING, format!("{pair:?} is not CODE=RATE, e.g. EUR=1.08")))?;
        let code = crate::domain::conversion::Currency::parse(code.trim())
            .map_err(|_| {
                invalid(
                    SETTING,
                    format!("{:?} is not an ISO 4217 code such as EUR", code.trim()),
                )
            })?
            .code();
        let rate: f64 = rate
            .trim()
            .parse()
            .ok()
            .filter(|r: &f64| r.is_finite() && *r > 0.0)
            .ok_or_else(|| {
                invalid(
                    SETTING,
                    format!(
                        "the rate of {code} must be a positive number, not {:?}",
                        rate.trim()
                    ),
                )
            })?;
        if code == default_currency {
            return Err(invalid(
                SETTING,
                format!(
                    "{code} is the default currency (CHORUS_DEFAULT_CURRENCY) and needs no rate"
                ),
            ));
        }
        if rates.insert(code.to_string(), rate).is_some() {
            return Err(invalid(SETTING, format!("{code} is listed twice")));
        }
    }
    Ok(rates)
}

fn invalid(setting: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        setting,
        message: message.into(),
    }
}

impl Settings {
    /// Layers `chorus.toml` (or `file`) under the `CHORUS_*` environment, then validates.
    pub fn load(file: &Path) -> Result<Settings, ConfigError> {
        let raw: RawSettings = Figment::new()
            .merge(Toml::file(file))
            .merge(Env::prefixed("CHORUS_").only(KEYS))
            .extract()
            .map_err(|e| ConfigError::Source(e.to_string()))?;
        Settings::validate(raw)
    }

    pub fn validate(raw: RawSettings) -> Result<Settings, ConfigError> {
        let bind_text = raw.bind.unwrap_or_else(|| "127.0.0.1:8080".to_string());
        let bind = bind_text
            .to_socket_addrs()
            .map_err(|e| {
                invalid(
                    "CHORUS_BIND",
                    format!("{bind_text:?} is not a usable address: {e}"),
                )
            })?
            .next()
            .ok_or_else(|| {
                invalid(
                    "CHORUS_BIND",
                    format!("{bind_text:?} resolves to no address"),
                )
            })?;

        let database_url =
            DatabaseUrl::parse(raw.database_url.as_deref().unwrap_or("sqlite://chorus.db"))?;

        let base_text = raw
            .base_url
            .unwrap_or_else(|| format!("http://{bind_text}"));
        let base_url = url::Url::parse(base_text.trim_end_matches('/')).map_err(|e| {
            invalid(
                "CHORUS_BASE_URL",
                format!("{base_text:?} is not a URL: {e}"),
            )
        })?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host_str().is_none() {
            return Err(invalid(
                "CHORUS_BASE_URL",
                format!("{base_text:?} must be an http(s) URL with a host"),
            ));
        }

        let geoip_path = raw.geoip_path.filter(|p| !p.trim().is_empty());
        if let Some(spec) = &geoip_path {
            for path in spec.split(',').map(str::trim) {
                std::fs::File::open(path).map_err(|e| {
                    invalid(
                        "CHORUS_GEOIP_PATH",
                        format!("cannot read GeoIP file {path:?}: {e}"),
                    )
                })?;
            }
        }

        let tz_text = raw.timezone.unwrap_or_else(|| "UTC".to_string());
        let timezone: chrono_tz::Tz = tz_text.parse().map_err(|_| {
            invalid(
                "CHORUS_TIMEZONE",
                format!("unknown time zone {tz_text:?} (use an IANA name such as Asia/Seoul)"),
            )
        })?;

        let secret_key = match raw.secret_key.filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => {
                let bytes = hex::decode(k.trim()).map_err(|_| {
                    invalid(
                        "CHORUS_SECRET_KEY",
                        "must be hex (e.g. `openssl rand -hex 64`)",
                    )
                })?;
                if bytes.len() < 32 {
                    return Err(invalid(
                        "CHORUS_SECRET_KEY",
                        "must be at least 32 bytes (64 hex digits)",
                    ));
                }
                Some(bytes)
            }
        };

        let redirect_status = raw.redirect_status.unwrap_or(302);
        if ![301, 302, 307, 308].contains(&redirect_status) {
            return Err(invalid(
                "CHORUS_REDIRECT_STATUS",
                format!("{redirect_status} is not one of 301, 302, 307, 308"),
            ));
        }

        let click_param = raw
            .click_param
            .unwrap_or_else(|| "chorus_click".to_string());
        if click_param.is_empty()
            || !click_param
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(invalid(
                "CHORUS_CLICK_PARAM",
                format!("{click_param:?} must be letters, digits, _ or -"),
            ));
        }

        let slug_length = raw.slug_length.unwrap_or(7);
        if !(5..=32).contains(&slug_length) {
            return Err(invalid("CHORUS_SLUG_LENGTH", "must be between 5 and 32"));
        }

        let default_currency = raw.default_currency.unwrap_or_else(|| "USD".to_string());
        let default_currency = crate::domain::conversion::Currency::parse(&default_currency)
            .map_err(|_| {
                invalid(
                    "CHORUS_DEFAULT_CURRENCY",
                    format!("{default_currency:?} is not an ISO 4217 code such as EUR"),
                )
            })?
            .code()
            .to_string();

        let exchange_rates = parse_exchange_rates(
            raw.exchange_rates.as_deref().unwrap_or(""),
            &default_currency,
        )?;

        let exponent = crate::domain::conversion::Currency::parse(&default_currency)
            .ok()
            .and_then(|c| c.exponent())
            .unwrap_or(2);
        let emv_rates =
            crate::domain::emv::EmvRates::parse(raw.emv_rates.as_deref().unwrap_or(""), exponent)
                .map_err(|e| invalid("CHORUS_EMV_RATES", e.0))?;

        let log_format = match raw.log_format.as_deref().unwrap_or("text") {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(invalid(
                    "CHORUS_LOG_FORMAT",
                    format!("{other:?} is not text or json"),
                ))
            }
        };
        let click_durability = match raw.click_durability.as_deref().unwrap_or("journal") {
            "journal" => ClickDurability::Journal,
            "database" => ClickDurability::Database,
            other => {
                return Err(invalid(
                    "CHORUS_CLICK_DURABILITY",
                    format!("{other:?} is not journal or database"),
                ))
            }
        };
        // With the journal, a commit needs to survive a crashed process, not power loss (the
        // journal itself does not promise that), which is what NORMAL gives without an fsync
        // per commit.
        let sqlite_synchronous = match raw
            .sqlite_synchronous
            .as_deref()
            .unwrap_or(match click_durability {
                ClickDurability::Journal => "normal",
                ClickDurability::Database => "full",
            })
            .to_ascii_lowercase()
            .as_str()
        {
            "full" => SqliteSync::Full,
            "normal" => SqliteSync::Normal,
            other => {
                return Err(invalid(
                    "CHORUS_SQLITE_SYNCHRONOUS",
                    format!("{other:?} is not full or normal"),
                ))
            }
        };

        let positive = |setting, v: u64| {
            if v == 0 {
                Err(invalid(setting, "must be greater than 0"))
            } else {
                Ok(v)
            }
        };
        let pool_size = positive("CHORUS_POOL_SIZE", raw.pool_size.unwrap_or(8).into())? as u32;
        let click_batch_max = positive(
            "CHORUS_CLICK_BATCH_MAX",
            raw.click_batch_max.unwrap_or(5000) as u64,
        )? as usize;
        let click_batch_wait = Duration::from_millis(raw.click_batch_ms.unwrap_or(0));
        let click_queue = positive(
            "CHORUS_CLICK_QUEUE",
            raw.click_queue.unwrap_or(65_536) as u64,
        )? as usize;
        let attribution_window_days = positive(
            "CHORUS_ATTRIBUTION_WINDOW_DAYS",
            raw.attribution_window_days.unwrap_or(30).into(),
        )? as u32;
        if attribution_window_days > MAX_ATTRIBUTION_WINDOW_DAYS {
            return Err(invalid(
                "CHORUS_ATTRIBUTION_WINDOW_DAYS",
                format!("must be at most {MAX_ATTRIBUTION_WINDOW_DAYS}"),
            ));
        }
        let privacy_mode = match raw.privacy_mode.as_deref().map(str::trim) {
            None | Some("") => PrivacyMode::Off,
            Some(text) => PrivacyMode::parse(text).ok_or_else(|| {
                invalid(
                    "CHORUS_PRIVACY_MODE",
                    format!("{text:?} is not one of {}", PrivacyMode::NAMES.join(", ")),
                )
            })?,
        };
        let click_retention_days = match raw.click_retention_days {
            None => None,
            Some(days) if !(1..=MAX_CLICK_RETENTION_DAYS).contains(&days) => {
                return Err(invalid(
                    "CHORUS_CLICK_RETENTION_DAYS",
                    format!("must be between 1 and {MAX_CLICK_RETENTION_DAYS}"),
                ))
            }
            Some(days) if days < attribution_window_days => {
                return Err(invalid(
                    "CHORUS_CLICK_RETENTION_DAYS",
                    format!(
                        "must not be shorter than the attribution window \
                         (CHORUS_ATTRIBUTION_WINDOW_DAYS, {attribution_window_days} days)"
                    ),
                ))
            }
            Some(days) => Some(days),
        };
        let settings_refresh_ms = raw.settings_refresh_ms.unwrap_or(5_000);
        if !(100..=600_000).contains(&settings_refresh_ms) {
            return Err(invalid(
                "CHORUS_SETTINGS_REFRESH_MS",
                "must be between 100 and 600000",
            ));
        }
        let session_days =
            positive("CHORUS_SESSION_DAYS", raw.session_days.unwrap_or(14).into())? as u32;
        let login_attempts_per_minute = positive(
            "CHORUS_LOGIN_ATTEMPTS_PER_MINUTE",
            raw.login_attempts_per_minute.unwrap_or(5).into(),
        )? as u32;
        let login_attempts_per_account = positive(
            "CHORUS_LOGIN_ATTEMPTS_PER_ACCOUNT",
            raw.login_attempts_per_account.unwrap_or(10).into(),
        )? as u32;

        let burst_links = raw.scanner_burst_links.unwrap_or(3);
        if burst_links < 2 {
            return Err(invalid("CHORUS_SCANNER_BURST_LINKS", "must be at least 2"));
        }
        let click_policy = crate::domain::verify::Policy {
            repeat_ms: i64::from(raw.repeat_click_seconds.unwrap_or(5)) * 1000,
            burst_ms: i64::from(raw.scanner_burst_ms.unwrap_or(2000)),
            burst_links: burst_links as usize,
        };

        let spool_dir = PathBuf::from(raw.spool_dir.unwrap_or_else(|| "spool".to_string()));

        // A million mentions take about 200 MiB; the CLI has no limit.
        let import_max_mb = positive("CHORUS_IMPORT_MAX_MB", raw.import_max_mb.unwrap_or(200))?;
        if import_max_mb > 1 << 20 {
            return Err(invalid(
                "CHORUS_IMPORT_MAX_MB",
                "must be at most 1048576 (1 TiB)",
            ));
        }

        let seconds = |setting, v: u64, max: u64| {
            if v > max {
                Err(invalid(setting, format!("must be at most {max}")))
            } else {
                positive(setting, v).map(Duration::from_secs)
            }
        };
        let shutdown_wait = seconds(
            "CHORUS_SHUTDOWN_SECONDS",
            raw.shutdown_seconds.unwrap_or(10),
            3_600,
        )?;
        let click_lag_alert = seconds(
            "CHORUS_CLICK_LAG_SECONDS",
            raw.click_lag_seconds.unwrap_or(10),
            86_400,
        )?;

        let default_locale = match raw.default_locale.as_deref().map(str::trim) {
            None | Some("") => crate::i18n::Locale::En,
            Some(tag) => crate::i18n::Locale::parse(tag).ok_or_else(|| {
                invalid(
                    "CHORUS_DEFAULT_LOCALE",
                    format!("{tag:?} is not a supported language (en or ko)"),
                )
            })?,
        };

        let metrics_token = raw
            .metrics_token
            .filter(|t| !t.trim().is_empty())
            .map(|t| MetricsToken::parse(&t))
            .transpose()?;

        let session_idle_days = positive(
            "CHORUS_SESSION_IDLE_DAYS",
            raw.session_idle_days.unwrap_or(7).into(),
        )?;
        let invitation_days = positive(
            "CHORUS_INVITATION_DAYS",
            raw.invitation_days.unwrap_or(7).into(),
        )?;
        let reset_hours = positive("CHORUS_RESET_HOURS", raw.reset_hours.unwrap_or(24).into())?;
        for (setting, value, max) in [
            ("CHORUS_SESSION_IDLE_DAYS", session_idle_days, 3_650),
            ("CHORUS_INVITATION_DAYS", invitation_days, 365),
            ("CHORUS_RESET_HOURS", reset_hours, 24 * 30),
        ] {
            if value > max {
                return Err(invalid(setting, format!("must be at most {max}")));
            }
        }
        let mail = crate::mail::MailSettings::parse(
            raw.smtp_url.as_deref(),
            raw.mail_from.as_deref(),
            &base_url,
        )?;

        let sso = crate::app::sso::SsoSettings::parse(
            raw.oidc_issuer.as_deref(),
            raw.oidc_client_id.as_deref(),
            raw.oidc_client_secret.as_deref(),
            raw.oidc_jit_team.as_deref(),
        )?;

        let image_fetch_ms = raw.image_fetch_ms.unwrap_or(30_000);
        if !(50..=86_400_000).contains(&image_fetch_ms) {
            return Err(invalid(
                "CHORUS_IMAGE_FETCH_MS",
                "must be between 50 and 86400000",
            ));
        }

        let retention_check_ms = raw.retention_check_ms.unwrap_or(3_600_000);
        if !(50..=86_400_000).contains(&retention_check_ms) {
            return Err(invalid(
                "CHORUS_RETENTION_CHECK_MS",
                "must be between 50 and 86400000",
            ));
        }

        Ok(Settings {
            retention_every: Duration::from_millis(retention_check_ms),
            image_fetch_every: Duration::from_millis(image_fetch_ms),
            image_fetch_private: raw.image_fetch_private.unwrap_or(false),
            sso,
            bind,
            database_url,
            base_url,
            geoip_path,
            timezone,
            trusted_proxies: raw.trusted_proxies.unwrap_or_default(),
            secret_key,
            pool_size,
            redirect_status,
            click_param,
            slug_length,
            attribution_window_days,
            privacy_mode,
            click_retention_days,
            settings_refresh: Duration::from_millis(settings_refresh_ms),
            default_currency,
            log_format,
            sqlite_synchronous,
            click_batch_max,
            click_batch_wait,
            click_queue,
            spool_dir,
            click_durability,
            session_days,
            login_attempts_per_minute,
            login_attempts_per_account,
            click_policy,
            import_max_bytes: import_max_mb * 1024 * 1024,
            shutdown_wait,
            click_lag_alert,
            exchange_rates,
            emv_rates,
            default_locale,
            metrics_token,
            session_idle: chrono::Duration::days(session_idle_days as i64),
            invitation_valid: chrono::Duration::days(invitation_days as i64),
            reset_valid: chrono::Duration::hours(reset_hours as i64),
            mail,
        })
    }

    /// Session cookies get `Secure` when the public base is https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// The public base without a trailing slash, for building short URLs.
    pub fn public_base(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each setting has its row in the README's configuration table, and each row there
    /// is a setting: the table cannot drift from what start-up reads.
    #[test]
    fn the_readme_documents_exactly_the_settings() {
        let readme = include_str!("../README.md");
        // `CHORUS_X` names in a row of the table: the first cell names the row's settings
        // (several separated by " / "); the meaning may document a related one.
        let names = |text: &str| -> Vec<String> {
            text.split("`CHORUS_")
                .skip(1)
                .filter_map(|rest| rest.split_once('`'))
                .map(|(name, _)| name.to_lowercase())
                .collect()
        };
        let table: Vec<&str> = readme
            .lines()
            .filter(|line| line.starts_with("| `CHORUS_"))
            .collect();
        let rows: std::collections::BTreeSet<String> = table
            .iter()
            .flat_map(|line| names(line.split(" | ").next().unwrap_or_default()))
            .collect();
        let mentioned: std::collections::BTreeSet<String> =
            table.iter().flat_map(|line| names(line)).collect();
        let keys: std::collections::BTreeSet<String> =
            KEYS.iter().map(|k| (*k).to_owned()).collect();
        // The log filter is read by the tracing subscriber's own env filter.
        let outside_keys: std::collections::BTreeSet<String> = ["log".to_owned()].into();
        assert!(rows.len() > 30, "the table was read: {rows:?}");
        let undocumented: Vec<_> = keys.difference(&mentioned).collect();
        let unknown: Vec<_> = rows
            .difference(&keys)
            .filter(|r| !outside_keys.contains(*r))
            .collect();
        assert!(
            undocumented.is_empty(),
            "settings without a README row: {undocumented:?}"
        );
        assert!(
            unknown.is_empty(),
            "README rows that are no setting: {unknown:?}"
        );
    }

    fn raw() -> RawSettings {
        RawSettings::default()
    }

    fn message(raw: RawSettings) -> String {
        Settings::validate(raw)
            .expect_err("should be refused")
            .to_string()
    }

    #[test]
    fn defaults_follow_the_api_contract() {
        let s = Settings::validate(raw()).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database_url, DatabaseUrl::Sqlite("chorus.db".into()));
        assert_eq!(s.public_base(), "http://127.0.0.1:8080");
        assert_eq!(s.timezone, chrono_tz::UTC);
        assert_eq!(s.redirect_status, 302);
        assert_eq!(s.click_param, "chorus_click");
        assert_eq!(s.slug_length, 7);
        assert!(!s.secure_cookies());
    }

    #[test]
    fn default_locale_is_english_and_accepts_ko() {
        use crate::i18n::Locale;
        assert_eq!(
            Settings::validate(raw()).unwrap().default_locale,
            Locale::En
        );
        let ko = RawSettings {
            default_locale: Some("ko-KR".into()),
            ..raw()
        };
        assert_eq!(Settings::validate(ko).unwrap().default_locale, Locale::Ko);
        let err = message(RawSettings {
            default_locale: Some("fr".into()),
            ..raw()
        });
        assert!(err.starts_with("CHORUS_DEFAULT_LOCALE:"), "{err}");
    }

    #[test]
    fn database_url_picks_the_backend_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db").unwrap(),
            DatabaseUrl::Sqlite("data/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:x.db").unwrap(),
            DatabaseUrl::Sqlite("x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("/var/lib/chorus.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/chorus.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u:p@localhost/chorus").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@db.internal:5433/c").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
    }

    #[test]
    fn bad_database_urls_name_the_setting() {
        for bad in ["mysql://x/y", "sqlite://", "chorus", "postgres://"] {
            let err = DatabaseUrl::parse(bad).expect_err(bad).to_string();
            assert!(err.starts_with("CHORUS_DATABASE_URL:"), "{err}");
        }
    }

    #[test]
    fn unknown_time_zone_is_refused() {
        let err = message(RawSettings {
            timezone: Some("Mars/Olympus".into()),
            ..raw()
        });
        assert!(
            err.contains("CHORUS_TIMEZONE") && err.contains("Mars/Olympus"),
            "{err}"
        );
        let ok = Settings::validate(RawSettings {
            timezone: Some("Asia/Seoul".into()),
            ..raw()
        })
        .unwrap();
        assert_eq!(ok.timezone, chrono_tz::Asia::Seoul);
    }

    #[test]
    fn click_durability_is_journal_or_database() {
        assert_eq!(
            Settings::validate(raw()).unwrap().click_durability,
            ClickDurability::Journal
        );
        let s = Settings::validate(RawSettings {
            click_durability: Some("database".into()),
            ..raw()
        })
        .unwrap();
        assert_eq!(s.click_durability, ClickDurability::Database);
        // Commit-before-answer keeps SQLite's power-loss-safe default; the journal pairs
        // with NORMAL (both survive a crashed process), unless set explicitly.
        assert_eq!(s.sqlite_synchronous, SqliteSync::Full);
        assert_eq!(
            Settings::validate(raw()).unwrap().sqlite_synchronous,
            SqliteSync::Normal
        );
        let s = Settings::validate(RawSettings {
            sqlite_synchronous: Some("full".into()),
            ..raw()
        })
        .unwrap();
        assert_eq!(s.sqlite_synchronous, SqliteSync::Full);
        let err = message(RawSettings {
            click_durability: Some("memory".into()),
            ..raw()
        });
        assert!(err.starts_with("CHORUS_CLICK_DURABILITY:"), "{err}");
    }

    #[test]
    fn unusable_bind_address_is_refused() {
        let err = message(RawSettings {
            bind: Some("localhost".into()),
            ..raw()
        });
        assert!(err.starts_with("CHORUS_BIND:"), "{err}");
        let err = message(RawSettings {
            bind: Some("300.1.1.1:80".into()),
            ..raw()
        });
        assert!(err.starts_with("CHORUS_BIND:"), "{err}");
    }

    #[test]
    fn unreadable_geoip_file_is_refused() {
        let err = message(RawSettings {
            geoip_path: Some("/nonexistent/city.mmdb".into()),
            ..raw()
        });
        assert!(
            err.contains("CHORUS_GEOIP_PATH") && err.contains("/nonexistent/city.mmdb"),
            "{err}"
        );
    }

    #[test]
    fn base_url_defaults_to_bind_and_https_makes_cookies_secure() {
        let s = Settings::validate(RawSettings {
            bind: Some("0.0.0.0:9000".into()),
            ..raw()
        })
        .unwrap();
        assert_eq!(s.public_base(), "http://0.0.0.0:9000");
        let s = Settings::validate(RawSettings {
            base_url: Some("https://go.example.com/".into()),
            ..raw()
        })
        .unwrap();
        assert_eq!(s.public_base(), "https://go.example.com");
        assert!(s.secure_cookies());
        let err = message(RawSettings {
            base_url: Some("ftp://x".into()),
            ..raw()
        });
        assert!(err.starts_with("CHORUS_BASE_URL:"), "{err}");
    }

    #[test]
    fn other_settings_are_checked() {
        assert!(message(RawSettings {
            redirect_status: Some(303),
            ..raw()
        })
        .starts_with("CHORUS_REDIRECT_STATUS"));
        assert!(message(RawSettings {
            click_param: Some("a b".into()),
            ..raw()
        })
        .starts_with("CHORUS_CLICK_PARAM"));
        assert!(message(RawSettings {
            default_currency: Some("euro".into()),
            ..raw()
        })
        .starts_with("CHORUS_DEFAULT_CURRENCY"));
        assert!(message(RawSettings {
            default_currency: Some("ABC".into()),
            ..raw()
        })
        .starts_with("CHORUS_DEFAULT_CURRENCY"));
        let eur = Settings::validate(RawSettings {
            default_currency: Some("eur".into()),
            ..raw()
        })
        .unwrap();
        assert_eq!(eur.default_currency, "EUR");
        let rated = Settings::validate(RawSettings {
            exchange_rates: Some(" eur=1.08, GBP = 1.27 ".into()),
            ..raw()
        })
        .unwrap();
        assert_eq!(
            rated.exchange_rates,
            BTreeMap::from([("EUR".to_string(), 1.08), ("GBP".to_string(), 1.27)])
        );
        for bad in [
            "EUR",
            "EURO=1",
            "EUR=0",
            "EUR=-1",
            "EUR=x",
            "USD=1",
            "EUR=1,EUR=2",
        ] {
            assert!(
                message(RawSettings {
                    exchange_rates: Some(bad.into()),
                    ..raw()
                })
                .starts_with("CHORUS_EXCHANGE_RATES"),
                "{bad}"
            );
        }
        assert!(message(RawSettings {
            secret_key: Some("abcd".into()),
            ..raw()
        })
        .starts_with("CHORUS_SECRET_KEY"));
        for bad in ["short", "has a space in it ok", "ünicode-token-0123456789"] {
            assert!(
                message(RawSettings {
                    metrics_token: Some(bad.into()),
                    ..raw()
                })
                .starts_with("CHORUS_METRICS_TOKEN"),
                "{bad}"
            );
        }
        assert!(message(RawSettings {
            pool_size: Some(0),
            ..raw()
        })
        .starts_with("CHORUS_POOL_SIZE"));
        assert!(message(RawSettings {
            log_format: Some("xml".into()),
            ..raw()
        })
        .starts_with("CHORUS_LOG_FORMAT"));
    }

    #[test]
    fn run_time_setting_defaults_are_checked() {
        let s = Settings::validate(raw()).unwrap();
        assert_eq!(s.privacy_mode, PrivacyMode::Off);
        assert_eq!(s.click_retention_days, None);
        assert_eq!(s.settings_refresh, Duration::from_secs(5));
        let s = Settings::validate(RawSettings {
            privacy_mode: Some("teams_only".into()),
            click_retention_days: Some(90),
            settings_refresh_ms: Some(250),
            ..raw()
        })
        .unwrap();
        assert_eq!(s.privacy_mode, PrivacyMode::TeamsOnly);
        assert_eq!(s.click_retention_days, Some(90));
        assert_eq!(s.settings_refresh, Duration::from_millis(250));
        for (bad, setting) in [
            (
                RawSettings {
                    privacy_mode: Some("hidden".into()),
                    ..raw()
                },
                "CHORUS_PRIVACY_MODE",
            ),
            (
                RawSettings {
                    click_retention_days: Some(0),
                    ..raw()
                },
                "CHORUS_CLICK_RETENTION_DAYS",
            ),
            (
                RawSettings {
                    click_retention_days: Some(10),
                    ..raw()
                },
                "CHORUS_CLICK_RETENTION_DAYS",
            ),
            (
                RawSettings {
                    attribution_window_days: Some(3651),
                    ..raw()
                },
                "CHORUS_ATTRIBUTION_WINDOW_DAYS",
            ),
            (
                RawSettings {
                    settings_refresh_ms: Some(10),
                    ..raw()
                },
                "CHORUS_SETTINGS_REFRESH_MS",
            ),
        ] {
            let err = message(bad);
            assert!(err.starts_with(setting), "{err}");
        }
    }

    #[test]
    fn account_links_and_idle_sessions_have_bounded_lifetimes() {
        let s = Settings::validate(raw()).unwrap();
        assert_eq!(s.session_idle, chrono::Duration::days(7));
        assert_eq!(s.invitation_valid, chrono::Duration::days(7));
        assert_eq!(s.reset_valid, chrono::Duration::hours(24));
        assert!(s.mail.is_none());
        for (bad, setting) in [
            (
                RawSettings {
                    session_idle_days: Some(0),
                    ..raw()
                },
                "CHORUS_SESSION_IDLE_DAYS",
            ),
            (
                RawSettings {
                    invitation_days: Some(366),
                    ..raw()
                },
                "CHORUS_INVITATION_DAYS",
            ),
            (
                RawSettings {
                    reset_hours: Some(0),
                    ..raw()
                },
                "CHORUS_RESET_HOURS",
            ),
            (
                RawSettings {
                    smtp_url: Some("smtp://localhost".into()),
                    ..raw()
                },
                "CHORUS_MAIL_FROM",
            ),
        ] {
            assert!(message(bad).starts_with(setting), "{setting}");
        }
        let mail = Settings::validate(RawSettings {
            smtp_url: Some("smtp://localhost:2525".into()),
            mail_from: Some("Chorus <chorus@example.com>".into()),
            ..raw()
        })
        .unwrap();
        assert!(mail.mail.is_some());
    }

    #[test]
    fn metrics_token_is_optional_and_never_printed() {
        let unset = Settings::validate(raw()).expect("valid");
        assert_eq!(unset.metrics_token, None);
        let blank = Settings::validate(RawSettings {
            metrics_token: Some("  ".into()),
            ..raw()
        })
        .expect("valid");
        assert_eq!(blank.metrics_token, None);
        let set = Settings::validate(RawSettings {
            metrics_token: Some(" 0123456789abcdef0123 ".into()),
            ..raw()
        })
        .expect("valid");
        let token = set.metrics_token.as_ref().expect("token");
        assert_eq!(token.expose(), "0123456789abcdef0123");
        assert!(!format!("{set:?}").contains("0123456789abcdef0123"));
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail error type, not ours
    fn environment_wins_over_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "chorus.toml",
                "bind = \"127.0.0.1:7000\"\ntimezone = \"Asia/Seoul\"\n",
            )?;
            jail.set_env("CHORUS_BIND", "127.0.0.1:7001");
            let s = Settings::load(Path::new("chorus.toml")).map_err(|e| e.to_string())?;
            assert_eq!(s.bind.to_string(), "127.0.0.1:7001");
            assert_eq!(s.timezone, chrono_tz::Asia::Seoul);
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn unknown_keys_in_the_file_are_reported() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("chorus.toml", "bnid = \"127.0.0.1:7000\"\n")?;
            let err = Settings::load(Path::new("chorus.toml"))
                .expect_err("typo must be refused")
                .to_string();
            assert!(err.contains("bnid"), "{err}");
            Ok(())
        });
    }
}
