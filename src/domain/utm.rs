//! Destinations, UTM tagging and the GA4 channel a tagged link lands in (DESIGN.md §3).
//!
//! - [`DestinationUrl`]: a content URL that is safe to redirect to: absolute `http`/`https`
//!   with a host, no credentials, at most [`DestinationUrl::MAX_LEN`] characters, stored in
//!   its canonical ASCII form (IDN hosts as punycode, non-ASCII percent-encoded) so that
//!   it is always a valid `Location` header value.
//! - [`compose`]: the destination plus UTM parameters ([`UtmTags`]), keeping the
//!   destination's own query and fragment.
//! - [`append_query_param`]: the per-click step of every redirect (the click id).
//! - [`ga4_channel`] / [`channel_warning`]: which GA4 default channel a source/medium pair
//!   falls into, so the link builder can warn before a link is shared.
//!
//! URLs are split by plain string work, never re-parsed: in the canonical form the first
//! `#` starts the fragment and the first `?` before it starts the query, because both are
//! percent-encoded everywhere else.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use url::Url;

use crate::domain::network::Network;

/// Everything but RFC 3986 unreserved characters is escaped in a query name or value, so
/// `&`, `=`, `+`, `#` and `%` can never change the query's structure and a space is
/// `%20` (not `+`, which some decoders keep as a literal plus).
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The default `utm_medium`: the one medium GA4 files under Organic Social whatever the
/// source.
pub const DEFAULT_MEDIUM: &str = "social";
/// The default `utm_source_platform`, so advocacy traffic can be filtered in GA4 without
/// leaving Organic Social.
pub const DEFAULT_SOURCE_PLATFORM: &str = "employee_advocacy";

// ---------------------------------------------------------------------------------------
// Destination URLs
// ---------------------------------------------------------------------------------------

/// A URL a short link may redirect to.
///
/// Invariants: absolute `http` or `https`, a non-empty valid host, no user name or
/// password, at most [`DestinationUrl::MAX_LEN`] characters, ASCII only. The stored string
/// is the WHATWG serialisation (the form a browser would request) of the trimmed input:
///
/// - scheme and host lower-cased (`HTTP://A.B` → `http://a.b/`), the default port dropped,
///   other ports kept, an empty path becomes `/`, `.`/`..` path segments resolved;
/// - IDN hosts stored as punycode (`bücher.example` → `xn--bcher-kva.example`), non-ASCII
///   characters and spaces in path, query and fragment percent-encoded as UTF-8;
/// - existing `%XX` escapes, `+`, key order and repeated keys in the query kept as they
///   are, as is an empty query (`?`) or fragment (`#`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DestinationUrl(String);

/// Why a string is not an acceptable [`DestinationUrl`]. Messages are written for the
/// person who typed the URL.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DestinationError {
    #[error("the destination URL is empty")]
    Empty,
    #[error("the destination is not an absolute URL; it must start with http:// or https://")]
    NotAUrl,
    #[error(
        "links with the scheme {0:?} cannot be shortened; only http:// and https:// are allowed"
    )]
    SchemeNotAllowed(String),
    #[error("the destination URL has no host name")]
    MissingHost,
    #[error("the destination URL's host name is not valid")]
    InvalidHost,
    #[error("the destination URL's port is not valid")]
    InvalidPort,
    #[error("the destination URL must not contain a user name or password")]
    UserinfoNotAllowed,
    #[error(
        "the destination URL is longer than {} characters",
        DestinationUrl::MAX_LEN
    )]
    TooLong,
}

impl DestinationError {
    /// A stable snake_case code for API error bodies (`{"error": {"code": …}}`).
    pub fn code(&self) -> &'static str {
        match self {
            DestinationError::Empty => "url_empty",
            DestinationError::NotAUrl => "url_not_absolute",
            DestinationError::SchemeNotAllowed(_) => "url_scheme_not_allowed",
            DestinationError::MissingHost => "url_missing_host",
            DestinationError::InvalidHost => "url_invalid_host",
            DestinationError::InvalidPort => "url_invalid_port",
            DestinationError::UserinfoNotAllowed => "url_userinfo_not_allowed",
            DestinationError::TooLong => "url_too_long",
        }
    }
}

impl DestinationUrl {
    /// The longest destination accepted, in characters: of the input (after trimming) and
    /// of the canonical form (which percent-encoding can make longer). UTM parameters and
    /// the click id are added on top, so redirects can be somewhat longer.
    pub const MAX_LEN: usize = 2048;

    /// Parses and canonicalises a destination URL; surrounding whitespace is trimmed.
    ///
    /// # Errors
    /// [`DestinationError::Empty`] for blank input; [`DestinationError::TooLong`] past
    /// [`DestinationUrl::MAX_LEN`]; [`DestinationError::SchemeNotAllowed`] for any scheme
    /// but `http`/`https` (`javascript:`, `ftp:`, `mailto:`, `data:` …);
    /// [`DestinationError::NotAUrl`] for relative or scheme-less input (`/path`,
    /// `example.com/x`, `localhost:3000`) and anything unparsable;
    /// [`DestinationError::MissingHost`], [`DestinationError::InvalidHost`],
    /// [`DestinationError::InvalidPort`] for a bad authority;
    /// [`DestinationError::UserinfoNotAllowed`] when credentials are present (they leak
    /// into logs and enable `https://trusted.example@evil.example/` look-alikes).
    pub fn parse(s: &str) -> Result<DestinationUrl, DestinationError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DestinationError::Empty);
        }
        if s.chars().count() > Self::MAX_LEN {
            return Err(DestinationError::TooLong);
        }
        check_leading_scheme(s)?;
        let url = Url::parse(s).map_err(|e| match e {
            url::ParseError::EmptyHost => DestinationError::MissingHost,
            url::ParseError::IdnaError
            | url::ParseError::InvalidIpv4Address
            | url::ParseError::InvalidIpv6Address
            | url::ParseError::InvalidDomainCharacter => DestinationError::InvalidHost,
            url::ParseError::InvalidPort => DestinationError::InvalidPort,
            _ => DestinationError::NotAUrl,
        })?;
        // The parser drops tabs and newlines anywhere in the input (`java\nscript:`), so
        // the scheme is checked again on what it actually understood.
        if !is_allowed_scheme(url.scheme()) {
            return Err(DestinationError::SchemeNotAllowed(url.scheme().to_owned()));
        }
        match url.host() {
            None => return Err(DestinationError::MissingHost),
            Some(url::Host::Domain(domain)) if !is_plausible_domain(domain) => {
                return Err(DestinationError::InvalidHost)
            }
            Some(_) => {}
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(DestinationError::UserinfoNotAllowed);
        }
        let canonical = String::from(url);
        if canonical.len() > Self::MAX_LEN {
            return Err(DestinationError::TooLong);
        }
        Ok(DestinationUrl(canonical))
    }

    /// The canonical URL (ASCII; see the type's documentation).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical URL as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The host as stored: lower-case, punycode for IDN hosts, IPv6 in brackets, no port.
    /// Useful e.g. to refuse destinations that point back at the short-link domain.
    pub fn host(&self) -> &str {
        let after_scheme = self.0.split_once("://").map_or("", |(_, rest)| rest);
        let authority = after_scheme
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default();
        if authority.starts_with('[') {
            // IPv6: the port, if any, follows the closing bracket.
            authority
                .find(']')
                .map_or(authority, |end| &authority[..=end])
        } else {
            authority.split(':').next().unwrap_or_default()
        }
    }
}

/// Refuses a disallowed scheme before parsing, so that `ftp://` reports its scheme rather
/// than the missing host the parser would complain about first. Text that only looks like
/// a scheme because of a port (`localhost:3000/x`, `example.com:8080`) is a URL without a
/// scheme, which the parser would otherwise accept with a scheme named `localhost`.
fn check_leading_scheme(s: &str) -> Result<(), DestinationError> {
    let Some((scheme, rest)) = s.split_once(':') else {
        return Ok(());
    };
    let mut chars = scheme.chars();
    let scheme_shaped = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.');
    if !scheme_shaped || is_allowed_scheme(scheme) {
        return Ok(());
    }
    if scheme.contains('.') || rest.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(DestinationError::NotAUrl);
    }
    Err(DestinationError::SchemeNotAllowed(
        scheme.to_ascii_lowercase(),
    ))
}

fn is_allowed_scheme(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

/// The URL parser accepts hosts like `.com` or `a..b`, which no browser can resolve.
fn is_plausible_domain(domain: &str) -> bool {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    !domain.is_empty() && domain.split('.').all(|label| !label.is_empty())
}

impl fmt::Display for DestinationUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for DestinationUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for DestinationUrl {
    type Err = DestinationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DestinationUrl::parse(s)
    }
}

impl TryFrom<String> for DestinationUrl {
    type Error = DestinationError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        DestinationUrl::parse(&s)
    }
}

impl From<DestinationUrl> for String {
    fn from(url: DestinationUrl) -> String {
        url.0
    }
}

// ---------------------------------------------------------------------------------------
// UTM tags and composing
// ---------------------------------------------------------------------------------------

/// The UTM parameters of one link. `None`, empty or blank values are left out; values are
/// trimmed when composed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UtmTags {
    /// `utm_source`, e.g. `linkedin` (see [`Network::ga4_source`]).
    pub source: String,
    /// `utm_medium`, [`DEFAULT_MEDIUM`] unless a campaign says otherwise.
    pub medium: String,
    /// `utm_campaign`: the campaign's value.
    pub campaign: Option<String>,
    /// `utm_content`: an opaque share token, never personal data.
    pub content: Option<String>,
    /// `utm_id`: the campaign id.
    pub id: Option<String>,
    /// `utm_term`.
    pub term: Option<String>,
    /// `utm_source_platform`, [`DEFAULT_SOURCE_PLATFORM`] by default.
    pub source_platform: Option<String>,
}

impl UtmTags {
    /// Tags with only `utm_source` and `utm_medium` set.
    pub fn new(source: impl Into<String>, medium: impl Into<String>) -> UtmTags {
        UtmTags {
            source: source.into(),
            medium: medium.into(),
            ..UtmTags::default()
        }
    }

    /// The defaults of DESIGN.md §3 for a share on `network`: `utm_source` =
    /// [`Network::ga4_source`], `utm_medium` = [`DEFAULT_MEDIUM`], `utm_source_platform` =
    /// [`DEFAULT_SOURCE_PLATFORM`]; campaign, content, id and term left for the caller.
    pub fn for_network(network: Network) -> UtmTags {
        UtmTags {
            source: network.ga4_source().to_owned(),
            medium: DEFAULT_MEDIUM.to_owned(),
            source_platform: Some(DEFAULT_SOURCE_PLATFORM.to_owned()),
            ..UtmTags::default()
        }
    }

    /// The parameters to set, as `(name, trimmed value)` in the fixed order `utm_source`,
    /// `utm_medium`, `utm_campaign`, `utm_content`, `utm_id`, `utm_term`,
    /// `utm_source_platform`, skipping absent and blank values.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("utm_source", Some(self.source.as_str())),
            ("utm_medium", Some(self.medium.as_str())),
            ("utm_campaign", self.campaign.as_deref()),
            ("utm_content", self.content.as_deref()),
            ("utm_id", self.id.as_deref()),
            ("utm_term", self.term.as_deref()),
            ("utm_source_platform", self.source_platform.as_deref()),
        ]
        .into_iter()
        .filter_map(|(name, value)| {
            let value = value?.trim();
            (!value.is_empty()).then_some((name, value))
        })
        .collect()
    }

    /// The GA4 channel these tags land in, campaign name included (see
    /// [`ga4_channel_for_campaign`]).
    pub fn ga4_channel(&self) -> Ga4Channel {
        ga4_channel_for_campaign(&self.source, &self.medium, self.campaign.as_deref())
    }
}

/// The destination with `tags` added as query parameters.
///
/// - The destination's query is kept byte-for-byte and in order (repeated keys, `%XX`
///   escapes, `+`, empty segments); new parameters follow it, in [`UtmTags::pairs`]
///   order, joined with `&` (never `?&` or `&&` for an empty query or a trailing `&`).
/// - The fragment stays at the end.
/// - A UTM key already in the destination (matched after percent-decoding the key, so
///   `utm%5Fsource` counts) is kept and not added again, unless `overwrite_existing`:
///   then its first occurrence is replaced, in place, by the new value, and any later
///   occurrences are removed. Keys whose tag is absent are never touched.
/// - Values are percent-encoded as query components (space → `%20`).
pub fn compose(destination: &DestinationUrl, tags: &UtmTags, overwrite_existing: bool) -> String {
    let (base, query, fragment) = split_url(destination.as_str());
    let wanted = tags.pairs();
    // For each wanted key: has it been dealt with (kept or written in place)?
    let mut settled = vec![false; wanted.len()];
    let mut segments: Vec<Cow<'_, str>> = Vec::new();

    for segment in query.unwrap_or_default().split('&') {
        let raw_key = segment.split_once('=').map_or(segment, |(key, _)| key);
        let key = percent_decode_str(raw_key).decode_utf8_lossy();
        match wanted.iter().position(|(name, _)| *name == key) {
            Some(i) if overwrite_existing => {
                if !settled[i] {
                    let (name, value) = wanted[i];
                    segments.push(Cow::Owned(encode_pair(name, value)));
                    settled[i] = true;
                }
            }
            Some(i) => {
                settled[i] = true;
                segments.push(Cow::Borrowed(segment));
            }
            None => segments.push(Cow::Borrowed(segment)),
        }
    }

    let mut new_query = segments.join("&");
    for ((name, value), _) in wanted.iter().zip(&settled).filter(|(_, done)| !**done) {
        if !new_query.is_empty() && !new_query.ends_with('&') {
            new_query.push('&');
        }
        new_query.push_str(&encode_pair(name, value));
    }

    let mut out = String::with_capacity(base.len() + 1 + new_query.len() + fragment.len());
    out.push_str(base);
    if query.is_some() || !new_query.is_empty() {
        out.push('?');
        out.push_str(&new_query);
    }
    out.push_str(fragment);
    out
}

/// `url` with `name=value` appended to its query, before any fragment; `name` and `value`
/// are percent-encoded as query components (space → `%20`).
///
/// An existing parameter of the same name is not removed. `url` is not re-parsed: the
/// first `#` is taken as the fragment and the first `?` before it as the query, which
/// holds for any [`DestinationUrl`] and anything [`compose`] returned. This is the hot
/// path of every redirect: one allocation, no parsing.
pub fn append_query_param(url: &str, name: &str, value: &str) -> String {
    let (before_fragment, fragment) = split_fragment(url);
    let separator = match before_fragment.find('?') {
        None => "?",
        Some(q) if q + 1 == before_fragment.len() || before_fragment.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out =
        String::with_capacity(url.len() + separator.len() + 1 + 3 * (name.len() + value.len()));
    out.push_str(before_fragment);
    out.push_str(separator);
    out.extend(utf8_percent_encode(name, QUERY_COMPONENT));
    out.push('=');
    out.extend(utf8_percent_encode(value, QUERY_COMPONENT));
    out.push_str(fragment);
    out
}

fn encode_pair(name: &str, value: &str) -> String {
    format!(
        "{}={}",
        utf8_percent_encode(name, QUERY_COMPONENT),
        utf8_percent_encode(value, QUERY_COMPONENT)
    )
}

/// `(before, fragment)`, the fragment including its `#` (empty when there is none).
fn split_fragment(url: &str) -> (&str, &str) {
    url.find('#').map_or((url, ""), |i| url.split_at(i))
}

/// `(base, query without its '?', fragment with its '#')`; the query is `Some("")` for a
/// bare `?`.
fn split_url(url: &str) -> (&str, Option<&str>, &str) {
    let (before_fragment, fragment) = split_fragment(url);
    match before_fragment.split_once('?') {
        Some((base, query)) => (base, Some(query), fragment),
        None => (before_fragment, None, fragment),
    }
}

// ---------------------------------------------------------------------------------------
// GA4 default channel group
// ---------------------------------------------------------------------------------------

/// A channel of GA4's default channel group, in GA4's order of evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ga4Channel {
    Direct,
    CrossNetwork,
    PaidShopping,
    PaidSearch,
    PaidSocial,
    PaidVideo,
    Display,
    PaidOther,
    OrganicShopping,
    OrganicSocial,
    OrganicVideo,
    OrganicSearch,
    Email,
    Affiliates,
    Referral,
    Audio,
    Sms,
    MobilePushNotifications,
    Unassigned,
}

impl Ga4Channel {
    /// The channel's name as GA4 shows it: `"Organic Social"`, `"Paid Social"`, …
    pub fn label(self) -> &'static str {
        match self {
            Ga4Channel::Direct => "Direct",
            Ga4Channel::CrossNetwork => "Cross-network",
            Ga4Channel::PaidShopping => "Paid Shopping",
            Ga4Channel::PaidSearch => "Paid Search",
            Ga4Channel::PaidSocial => "Paid Social",
            Ga4Channel::PaidVideo => "Paid Video",
            Ga4Channel::Display => "Display",
            Ga4Channel::PaidOther => "Paid Other",
            Ga4Channel::OrganicShopping => "Organic Shopping",
            Ga4Channel::OrganicSocial => "Organic Social",
            Ga4Channel::OrganicVideo => "Organic Video",
            Ga4Channel::OrganicSearch => "Organic Search",
            Ga4Channel::Email => "Email",
            Ga4Channel::Affiliates => "Affiliates",
            Ga4Channel::Referral => "Referral",
            Ga4Channel::Audio => "Audio",
            Ga4Channel::Sms => "SMS",
            Ga4Channel::MobilePushNotifications => "Mobile Push Notifications",
            Ga4Channel::Unassigned => "Unassigned",
        }
    }

    /// Whether GA4 counts this channel as paid (ads) traffic.
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            Ga4Channel::CrossNetwork
                | Ga4Channel::PaidShopping
                | Ga4Channel::PaidSearch
                | Ga4Channel::PaidSocial
                | Ga4Channel::PaidVideo
                | Ga4Channel::Display
                | Ga4Channel::PaidOther
        )
    }
}

impl fmt::Display for Ga4Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

// A subset of GA4's source categories (Google publishes several hundred entries): the
// networks Chorus shares to and their usual aliases and link-shim hosts. Threads and
// Bluesky are deliberately absent: GA4's list is not known to have them, so they are
// treated as unknown sources, which only matters with a medium other than "social".
const SOCIAL_SOURCES: &[&str] = &[
    "facebook",
    "facebook.com",
    "fb",
    "m.facebook.com",
    "l.facebook.com",
    "lm.facebook.com",
    "web.facebook.com",
    "instagram",
    "instagram.com",
    "ig",
    "l.instagram.com",
    "linkedin",
    "linkedin.com",
    "lnkd.in",
    "twitter",
    "twitter.com",
    "mobile.twitter.com",
    "t.co",
    "tiktok",
    "tiktok.com",
    "pinterest",
    "pinterest.com",
    "reddit",
    "reddit.com",
    "xing",
    "xing.com",
    "snapchat",
    "quora",
];
const VIDEO_SOURCES: &[&str] = &[
    "youtube",
    "youtube.com",
    "m.youtube.com",
    "vimeo",
    "vimeo.com",
    "twitch",
    "twitch.tv",
    "dailymotion",
    "dailymotion.com",
];
const SEARCH_SOURCES: &[&str] = &[
    "google",
    "bing",
    "yahoo",
    "baidu",
    "duckduckgo",
    "yandex",
    "naver",
    "daum",
    "ecosia",
    "ask",
];
const SHOPPING_SOURCES: &[&str] = &[
    "amazon",
    "amazon.com",
    "ebay",
    "ebay.com",
    "etsy",
    "etsy.com",
    "shopify",
    "shopify.com",
    "walmart",
    "walmart.com",
    "igshopping",
];
const SOCIAL_MEDIUMS: &[&str] = &[
    "social",
    "social-network",
    "social-media",
    "sm",
    "social network",
    "social media",
];
const DISPLAY_MEDIUMS: &[&str] = &["display", "banner", "expandable", "interstitial", "cpm"];
const EMAIL_VALUES: &[&str] = &["email", "e-mail", "e_mail", "e mail"];
const REFERRAL_MEDIUMS: &[&str] = &["referral", "app", "link"];

/// The GA4 default channel for a `utm_source`/`utm_medium` pair, without a campaign name.
/// Same as [`ga4_channel_for_campaign`] with `None`.
pub fn ga4_channel(source: &str, medium: &str) -> Ga4Channel {
    ga4_channel_for_campaign(source, medium, None)
}

/// The GA4 default channel for a source, medium and (optional) campaign name, by GA4's
/// default channel group rules evaluated in GA4's order, first match wins.
///
/// Values are compared trimmed and case-insensitively. The source lists are a subset of
/// GA4's (see the module source), so an exotic source may be classified differently.
/// What matters most for Chorus:
/// - medium `social` (or `social-network`, `social-media`, `sm`, `social network`,
///   `social media`) → Organic Social, whatever the source;
/// - a paid-looking medium (`^(.*cp.*|ppc|retargeting|paid.*)$`) → Paid Social with a
///   known social source, else another paid channel;
/// - a known social source → Organic Social with any non-paid medium, as in GA4;
/// - a campaign name containing `shopping`, or `shop` at the start or after a character
///   other than `a`–`d`/`f`–`z` (`summer-shop`, `eshop`), → Organic Shopping, even with
///   medium `social`: GA4 checks it first;
/// - anything unrecognised → Unassigned.
pub fn ga4_channel_for_campaign(source: &str, medium: &str, campaign: Option<&str>) -> Ga4Channel {
    let source = source.trim().to_lowercase();
    let medium = medium.trim().to_lowercase();
    let campaign = campaign.unwrap_or_default().trim().to_lowercase();
    let source = source.as_str();
    let medium = medium.as_str();

    let paid = is_paid_medium(medium);
    let shopping_campaign = is_shopping_campaign(&campaign);
    let social_source = SOCIAL_SOURCES.contains(&source);
    let video_source = VIDEO_SOURCES.contains(&source);
    let search_source = SEARCH_SOURCES.contains(&source);
    let shopping_source = SHOPPING_SOURCES.contains(&source);

    if source == "(direct)" && (medium == "(none)" || medium == "(not set)") {
        Ga4Channel::Direct
    } else if campaign.contains("cross-network") {
        Ga4Channel::CrossNetwork
    } else if (shopping_source || shopping_campaign) && paid {
        Ga4Channel::PaidShopping
    } else if search_source && paid {
        Ga4Channel::PaidSearch
    } else if social_source && paid {
        Ga4Channel::PaidSocial
    } else if video_source && paid {
        Ga4Channel::PaidVideo
    } else if DISPLAY_MEDIUMS.contains(&medium) {
        Ga4Channel::Display
    } else if paid {
        Ga4Channel::PaidOther
    } else if shopping_source || shopping_campaign {
        Ga4Channel::OrganicShopping
    } else if social_source || SOCIAL_MEDIUMS.contains(&medium) {
        Ga4Channel::OrganicSocial
    } else if video_source || medium.contains("video") {
        Ga4Channel::OrganicVideo
    } else if search_source || medium == "organic" {
        Ga4Channel::OrganicSearch
    } else if EMAIL_VALUES.contains(&source) || EMAIL_VALUES.contains(&medium) {
        Ga4Channel::Email
    } else if medium == "affiliate" {
        Ga4Channel::Affiliates
    } else if REFERRAL_MEDIUMS.contains(&medium) {
        Ga4Channel::Referral
    } else if medium == "audio" {
        Ga4Channel::Audio
    } else if source == "sms" || medium == "sms" {
        Ga4Channel::Sms
    } else if medium.ends_with("push")
        || medium.contains("mobile")
        || medium.contains("notification")
        || source == "firebase"
    {
        Ga4Channel::MobilePushNotifications
    } else {
        Ga4Channel::Unassigned
    }
}

/// GA4's paid-medium pattern `^(.*cp.*|ppc|retargeting|paid.*)$`.
fn is_paid_medium(medium: &str) -> bool {
    medium.contains("cp")
        || medium == "ppc"
        || medium == "retargeting"
        || medium.starts_with("paid")
}

/// GA4's shopping-campaign pattern `^(.*(([^a-df-z]|^)shop|shopping).*)$`.
fn is_shopping_campaign(campaign: &str) -> bool {
    campaign.contains("shopping")
        || campaign.match_indices("shop").any(|(i, _)| {
            campaign[..i]
                .chars()
                .next_back()
                .is_none_or(|before| before == 'e' || !before.is_ascii_lowercase())
        })
}

/// A sentence for the link builder when links would not land where employee advocacy
/// belongs, `None` when there is nothing to warn about (Organic Social, and channels a
/// person picks on purpose such as Email or Referral).
pub fn channel_warning(channel: Ga4Channel) -> Option<&'static str> {
    match channel {
        Ga4Channel::Unassigned => Some(
            "GA4 will file these clicks under Unassigned: it does not recognise this medium \
             for this source. Use the medium \"social\" to have them counted as Organic Social.",
        ),
        Ga4Channel::PaidSocial
        | Ga4Channel::PaidSearch
        | Ga4Channel::PaidVideo
        | Ga4Channel::PaidShopping
        | Ga4Channel::PaidOther
        | Ga4Channel::Display
        | Ga4Channel::CrossNetwork => Some(
            "GA4 will report these clicks as paid advertising because the medium or campaign \
             looks like an ad (cpc, ppc, cpm, paid…, display). Employee posts are organic: use \
             the medium \"social\".",
        ),
        Ga4Channel::OrganicShopping => Some(
            "GA4 will file these clicks under Organic Shopping because the campaign name \
             contains \"shop\" or \"shopping\" (or the source is a shopping site). Rename the \
             campaign's UTM value to keep them in Organic Social.",
        ),
        Ga4Channel::Direct => Some(
            "GA4 will report these clicks as Direct, as if the link had no tags. Set a real \
             source such as \"linkedin\".",
        ),
        Ga4Channel::OrganicSocial
        | Ga4Channel::OrganicVideo
        | Ga4Channel::OrganicSearch
        | Ga4Channel::Email
        | Ga4Channel::Affiliates
        | Ga4Channel::Referral
        | Ga4Channel::Audio
        | Ga4Channel::Sms
        | Ga4Channel::MobilePushNotifications => None,
    }
}

// ---------------------------------------------------------------------------------------
// The channel preview of a campaign's links
// ---------------------------------------------------------------------------------------

/// Why links would not land in Organic Social, as a stable code: pages put it into words
/// in their language, the API sends it beside [`channel_warning`]'s English sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelWarning {
    /// GA4 does not recognise the medium for the source.
    Unassigned,
    /// The medium or campaign looks like advertising.
    Paid,
    /// The campaign name (or the source) looks like shopping.
    Shopping,
    /// No real source: GA4 takes the clicks for direct traffic.
    Direct,
}

impl ChannelWarning {
    /// The warning for links landing in `channel`, `None` exactly when
    /// [`channel_warning`] has nothing to say.
    pub fn of(channel: Ga4Channel) -> Option<ChannelWarning> {
        channel_warning(channel)?;
        Some(match channel {
            Ga4Channel::Unassigned => ChannelWarning::Unassigned,
            Ga4Channel::OrganicShopping => ChannelWarning::Shopping,
            Ga4Channel::Direct => ChannelWarning::Direct,
            _ => ChannelWarning::Paid,
        })
    }

    /// The snake_case code (`unassigned`, `paid`, `shopping`, `direct`).
    pub fn code(self) -> &'static str {
        match self {
            ChannelWarning::Unassigned => "unassigned",
            ChannelWarning::Paid => "paid",
            ChannelWarning::Shopping => "shopping",
            ChannelWarning::Direct => "direct",
        }
    }
}

/// A GA4 channel and the networks whose links land in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelGroup {
    pub channel: Ga4Channel,
    pub networks: Vec<Network>,
}

/// A warning and the networks it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkWarning {
    pub warning: ChannelWarning,
    /// The channel these networks' links land in.
    pub channel: Ga4Channel,
    pub networks: Vec<Network>,
}

/// Where a campaign's links land in GA4, network by network: what the campaign pages show
/// while its UTM values are typed, and check again when they are saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelPreview {
    /// The `utm_medium` the links carry (the override, or [`DEFAULT_MEDIUM`]).
    pub medium: String,
    /// The campaign's `utm_source` override, if any (else each network's GA4 source).
    pub source: Option<String>,
    /// Channels in order of their first network in [`Network::ALL`].
    pub groups: Vec<ChannelGroup>,
    /// Warnings in the same order; empty when every link lands where advocacy belongs.
    pub warnings: Vec<NetworkWarning>,
    /// The medium has upper-case letters: GA4 reports values as sent, so `Social` and
    /// `social` would show up as two mediums.
    pub medium_not_lowercase: bool,
}

impl ChannelPreview {
    /// The one channel of every link, when all networks agree.
    pub fn single_channel(&self) -> Option<Ga4Channel> {
        match self.groups.as_slice() {
            [only] => Some(only.channel),
            _ => None,
        }
    }

    /// Whether there is anything to warn about (a channel warning or the medium's case).
    pub fn has_warnings(&self) -> bool {
        !self.warnings.is_empty() || self.medium_not_lowercase
    }
}

/// The GA4 channels of a campaign's links on every network, for its `utm_source` override
/// (`None` or blank: each network's [`Network::ga4_source`]), `utm_medium` override
/// (`None` or blank: [`DEFAULT_MEDIUM`]) and `utm_campaign` value, by the rules of
/// [`ga4_channel_for_campaign`].
pub fn channel_preview(
    source: Option<&str>,
    medium: Option<&str>,
    campaign: Option<&str>,
) -> ChannelPreview {
    fn non_blank(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let source = non_blank(source);
    let medium = non_blank(medium).unwrap_or(DEFAULT_MEDIUM);
    let campaign = non_blank(campaign);
    let mut groups: Vec<ChannelGroup> = Vec::new();
    for network in Network::ALL {
        let channel = ga4_channel_for_campaign(
            source.unwrap_or_else(|| network.ga4_source()),
            medium,
            campaign,
        );
        match groups.iter_mut().find(|g| g.channel == channel) {
            Some(group) => group.networks.push(network),
            None => groups.push(ChannelGroup {
                channel,
                networks: vec![network],
            }),
        }
    }
    let mut warnings: Vec<NetworkWarning> = Vec::new();
    for group in &groups {
        let Some(warning) = ChannelWarning::of(group.channel) else {
            continue;
        };
        match warnings.iter_mut().find(|w| w.warning == warning) {
            Some(w) => w.networks.extend(&group.networks),
            None => warnings.push(NetworkWarning {
                warning,
                channel: group.channel,
                networks: group.networks.clone(),
            }),
        }
    }
    ChannelPreview {
        medium: medium.to_owned(),
        source: source.map(str::to_owned),
        groups,
        warnings,
        medium_not_lowercase: medium != medium.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest(s: &str) -> DestinationUrl {
        DestinationUrl::parse(s).unwrap()
    }

    fn li() -> UtmTags {
        UtmTags::new("linkedin", "social")
    }

    // --- DestinationUrl -------------------------------------------------------------

    #[test]
    fn accepts_plain_http_and_https() {
        assert_eq!(
            dest("https://example.com/a?b=c").as_str(),
            "https://example.com/a?b=c"
        );
        assert_eq!(dest("http://example.com/").as_str(), "http://example.com/");
    }

    #[test]
    fn trims_whitespace() {
        assert_eq!(
            dest("  \thttps://example.com/x \n").as_str(),
            "https://example.com/x"
        );
    }

    #[test]
    fn empty_and_blank_are_empty() {
        assert_eq!(DestinationUrl::parse(""), Err(DestinationError::Empty));
        assert_eq!(
            DestinationUrl::parse(" \n\t "),
            Err(DestinationError::Empty)
        );
    }

    #[test]
    fn uppercase_scheme_and_host_are_lowercased() {
        assert_eq!(
            dest("HTTP://Example.COM/Path").as_str(),
            "http://example.com/Path"
        );
        assert_eq!(dest("HtTpS://a.b").as_str(), "https://a.b/");
    }

    #[test]
    fn idn_host_is_stored_as_punycode_and_path_percent_encoded() {
        let d = dest("https://bücher.example/…");
        assert_eq!(d.as_str(), "https://xn--bcher-kva.example/%E2%80%A6");
        assert_eq!(d.host(), "xn--bcher-kva.example");
    }

    #[test]
    fn korean_idn_host_path_query_and_fragment() {
        let d = dest("https://한국.kr/경로?q=한국#부분");
        assert_eq!(
            d.as_str(),
            "https://xn--3e0b707e.kr/%EA%B2%BD%EB%A1%9C?q=%ED%95%9C%EA%B5%AD#%EB%B6%80%EB%B6%84"
        );
        assert!(d.as_str().is_ascii());
        assert_eq!(d.host(), "xn--3e0b707e.kr");
    }

    #[test]
    fn punycode_input_is_kept() {
        assert_eq!(
            dest("https://xn--bcher-kva.example/").as_str(),
            "https://xn--bcher-kva.example/"
        );
    }

    #[test]
    fn encoded_characters_in_path_and_query_are_kept_byte_for_byte() {
        let s = "https://a.example/docs/a%20b/%E2%82%AC?x=%2f%2F&y=a+b&z=%25&w=%zz";
        assert_eq!(dest(s).as_str(), s);
    }

    #[test]
    fn unsafe_query_characters_are_percent_encoded() {
        assert_eq!(
            dest("https://a.b/p?q=a b\"<>").as_str(),
            "https://a.b/p?q=a%20b%22%3C%3E"
        );
    }

    #[test]
    fn ports_default_dropped_others_kept() {
        assert_eq!(dest("https://a.b:443/x").as_str(), "https://a.b/x");
        assert_eq!(dest("http://a.b:80/x").as_str(), "http://a.b/x");
        let d = dest("https://a.b:8443/x");
        assert_eq!(d.as_str(), "https://a.b:8443/x");
        assert_eq!(d.host(), "a.b");
    }

    #[test]
    fn ip_hosts_are_accepted() {
        assert_eq!(dest("http://127.0.0.1:8080/x").host(), "127.0.0.1");
        let v6 = dest("https://[::1]:8443/x");
        assert_eq!(v6.as_str(), "https://[::1]:8443/x");
        assert_eq!(v6.host(), "[::1]");
    }

    #[test]
    fn userinfo_is_refused() {
        for s in [
            "https://user:pw@a.b/",
            "https://user@a.b/",
            "https://trusted.example@evil.example/",
        ] {
            assert_eq!(
                DestinationUrl::parse(s),
                Err(DestinationError::UserinfoNotAllowed),
                "{s}"
            );
        }
    }

    #[test]
    fn other_schemes_are_refused_by_name() {
        for (s, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("JavaScript:alert(1)", "javascript"),
            ("java\nscript:alert(1)", "javascript"),
            ("ftp://files.example/x", "ftp"),
            ("ftp://", "ftp"),
            ("mailto:someone@example.com", "mailto"),
            ("data:text/html,<b>x</b>", "data"),
            ("file:///etc/passwd", "file"),
            ("ws://a.b/", "ws"),
        ] {
            assert_eq!(
                DestinationUrl::parse(s),
                Err(DestinationError::SchemeNotAllowed(scheme.into())),
                "{s:?}"
            );
        }
    }

    #[test]
    fn relative_and_scheme_less_urls_are_not_urls() {
        for s in [
            "/path/only",
            "path/only",
            "//example.com/x",
            "example.com",
            "www.example.com/page",
            "example.com:8080/x",
            "localhost:3000/x",
            "?q=1",
            "#top",
        ] {
            assert_eq!(
                DestinationUrl::parse(s),
                Err(DestinationError::NotAUrl),
                "{s:?}"
            );
        }
    }

    #[test]
    fn missing_and_invalid_hosts() {
        assert_eq!(
            DestinationUrl::parse("https://"),
            Err(DestinationError::MissingHost)
        );
        assert_eq!(
            DestinationUrl::parse("http://"),
            Err(DestinationError::MissingHost)
        );
        assert_eq!(
            DestinationUrl::parse("https://a b.com/"),
            Err(DestinationError::InvalidHost)
        );
        assert_eq!(
            DestinationUrl::parse("https://.com/"),
            Err(DestinationError::InvalidHost)
        );
        assert_eq!(
            DestinationUrl::parse("https://a..b/"),
            Err(DestinationError::InvalidHost)
        );
        assert_eq!(
            DestinationUrl::parse("https://a.b:99999/"),
            Err(DestinationError::InvalidPort)
        );
        // A fully qualified name with its trailing dot is fine.
        assert!(DestinationUrl::parse("https://example.com./").is_ok());
    }

    #[test]
    fn very_long_urls_are_refused() {
        let at_limit = format!("https://a.b/{}", "x".repeat(DestinationUrl::MAX_LEN - 12));
        assert_eq!(at_limit.len(), DestinationUrl::MAX_LEN);
        assert_eq!(dest(&at_limit).as_str().len(), DestinationUrl::MAX_LEN);

        let over = format!("{at_limit}y");
        assert_eq!(DestinationUrl::parse(&over), Err(DestinationError::TooLong));

        let huge = format!("https://a.b/{}", "x".repeat(1_000_000));
        assert_eq!(DestinationUrl::parse(&huge), Err(DestinationError::TooLong));
    }

    #[test]
    fn too_long_after_percent_encoding_is_refused() {
        // 700 Hangul syllables fit in 2048 characters but not once encoded (9 bytes each).
        let s = format!("https://a.b/{}", "경".repeat(700));
        assert!(s.chars().count() <= DestinationUrl::MAX_LEN);
        assert_eq!(DestinationUrl::parse(&s), Err(DestinationError::TooLong));
    }

    #[test]
    fn dot_segments_and_backslashes_are_normalised_like_a_browser() {
        assert_eq!(dest("https://a.b/x/../y/./z").as_str(), "https://a.b/y/z");
        assert_eq!(dest("https://a.b\\x\\y").as_str(), "https://a.b/x/y");
    }

    #[test]
    fn destination_error_messages_and_codes() {
        assert_eq!(
            DestinationError::SchemeNotAllowed("ftp".into()).to_string(),
            "links with the scheme \"ftp\" cannot be shortened; only http:// and https:// are allowed"
        );
        assert_eq!(
            DestinationError::TooLong.to_string(),
            "the destination URL is longer than 2048 characters"
        );
        assert_eq!(DestinationError::NotAUrl.code(), "url_not_absolute");
    }

    #[test]
    fn destination_serde_round_trip_validates() {
        let d = dest("https://a.b/x");
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, "\"https://a.b/x\"");
        assert_eq!(serde_json::from_str::<DestinationUrl>(&json).unwrap(), d);
        assert!(serde_json::from_str::<DestinationUrl>("\"javascript:alert(1)\"").is_err());
    }

    // --- compose ----------------------------------------------------------------------

    #[test]
    fn compose_adds_tags_in_fixed_order() {
        let tags = UtmTags {
            campaign: Some("spring".into()),
            content: Some("s_8f3k".into()),
            id: Some("42".into()),
            term: Some("crm".into()),
            source_platform: Some(DEFAULT_SOURCE_PLATFORM.into()),
            ..li()
        };
        assert_eq!(
            compose(&dest("https://a.b/post"), &tags, false),
            "https://a.b/post?utm_source=linkedin&utm_medium=social&utm_campaign=spring\
             &utm_content=s_8f3k&utm_id=42&utm_term=crm&utm_source_platform=employee_advocacy"
        );
    }

    #[test]
    fn compose_for_network_defaults() {
        let tags = UtmTags::for_network(Network::X);
        assert_eq!(
            compose(&dest("https://a.b/"), &tags, false),
            "https://a.b/?utm_source=twitter&utm_medium=social&utm_source_platform=employee_advocacy"
        );
        assert_eq!(tags.ga4_channel(), Ga4Channel::OrganicSocial);
    }

    #[test]
    fn compose_keeps_existing_query_byte_for_byte() {
        let d = dest("https://a.b/p?b=2&a=1&a=3&x=%2F%e2%82%ac&plus=a+b&empty=&flag");
        assert_eq!(
            compose(&d, &li(), false),
            "https://a.b/p?b=2&a=1&a=3&x=%2F%e2%82%ac&plus=a+b&empty=&flag\
             &utm_source=linkedin&utm_medium=social"
        );
    }

    #[test]
    fn compose_keeps_fragment_at_the_end() {
        assert_eq!(
            compose(&dest("https://a.b/p#section-2"), &li(), false),
            "https://a.b/p?utm_source=linkedin&utm_medium=social#section-2"
        );
        assert_eq!(
            compose(&dest("https://a.b/p?x=1#/app/route?y=2"), &li(), false),
            "https://a.b/p?x=1&utm_source=linkedin&utm_medium=social#/app/route?y=2"
        );
    }

    #[test]
    fn compose_handles_an_empty_query() {
        assert_eq!(
            compose(&dest("https://a.b/?"), &li(), false),
            "https://a.b/?utm_source=linkedin&utm_medium=social"
        );
        assert_eq!(
            compose(&dest("https://a.b/path?#x"), &li(), false),
            "https://a.b/path?utm_source=linkedin&utm_medium=social#x"
        );
    }

    #[test]
    fn compose_handles_a_trailing_ampersand_and_empty_segments() {
        assert_eq!(
            compose(&dest("https://a.b/?a=1&"), &li(), false),
            "https://a.b/?a=1&utm_source=linkedin&utm_medium=social"
        );
        assert_eq!(
            compose(&dest("https://a.b/?a=1&&b=2"), &li(), false),
            "https://a.b/?a=1&&b=2&utm_source=linkedin&utm_medium=social"
        );
    }

    #[test]
    fn compose_keeps_an_empty_fragment() {
        assert_eq!(
            compose(&dest("https://a.b/p#"), &li(), false),
            "https://a.b/p?utm_source=linkedin&utm_medium=social#"
        );
    }

    #[test]
    fn compose_does_not_overwrite_existing_utm_by_default() {
        let d = dest("https://a.b/?utm_source=newsletter&x=1&utm_campaign=old");
        let tags = UtmTags {
            campaign: Some("new".into()),
            ..li()
        };
        assert_eq!(
            compose(&d, &tags, false),
            "https://a.b/?utm_source=newsletter&x=1&utm_campaign=old&utm_medium=social"
        );
    }

    #[test]
    fn compose_overwrites_in_place_when_asked() {
        let d = dest("https://a.b/?utm_source=newsletter&x=1&utm_campaign=old#f");
        let tags = UtmTags {
            campaign: Some("new".into()),
            ..li()
        };
        assert_eq!(
            compose(&d, &tags, true),
            "https://a.b/?utm_source=linkedin&x=1&utm_campaign=new&utm_medium=social#f"
        );
    }

    #[test]
    fn compose_overwrite_replaces_every_occurrence_with_one() {
        let d = dest("https://a.b/?utm_source=a&x=1&utm_source=b&y=2&utm_source=c");
        assert_eq!(
            compose(&d, &li(), true),
            "https://a.b/?utm_source=linkedin&x=1&y=2&utm_medium=social"
        );
    }

    #[test]
    fn compose_without_overwrite_keeps_every_occurrence() {
        let d = dest("https://a.b/?utm_source=a&utm_source=b");
        assert_eq!(
            compose(&d, &li(), false),
            "https://a.b/?utm_source=a&utm_source=b&utm_medium=social"
        );
    }

    #[test]
    fn compose_overwrite_leaves_keys_without_a_tag_alone() {
        let d = dest("https://a.b/?utm_term=shoes&utm_campaign=keep");
        assert_eq!(
            compose(&d, &li(), true),
            "https://a.b/?utm_term=shoes&utm_campaign=keep&utm_source=linkedin&utm_medium=social"
        );
    }

    #[test]
    fn compose_recognises_percent_encoded_keys() {
        let d = dest("https://a.b/?utm%5Fsource=old");
        assert_eq!(
            compose(&d, &li(), false),
            "https://a.b/?utm%5Fsource=old&utm_medium=social"
        );
        assert_eq!(
            compose(&d, &li(), true),
            "https://a.b/?utm_source=linkedin&utm_medium=social"
        );
    }

    #[test]
    fn compose_treats_a_bare_key_as_existing() {
        assert_eq!(
            compose(&dest("https://a.b/?utm_source"), &li(), false),
            "https://a.b/?utm_source&utm_medium=social"
        );
    }

    #[test]
    fn compose_does_not_confuse_similar_keys() {
        let d = dest("https://a.b/?utm_source_platform=x&xutm_source=y&UTM_SOURCE=z");
        assert_eq!(
            compose(&d, &li(), false),
            "https://a.b/?utm_source_platform=x&xutm_source=y&UTM_SOURCE=z\
             &utm_source=linkedin&utm_medium=social"
        );
    }

    #[test]
    fn compose_percent_encodes_values() {
        let tags = UtmTags {
            campaign: Some("Spring Sale & more=50%+#1".into()),
            term: Some("한국 여행".into()),
            ..li()
        };
        assert_eq!(
            compose(&dest("https://a.b/"), &tags, false),
            "https://a.b/?utm_source=linkedin&utm_medium=social\
             &utm_campaign=Spring%20Sale%20%26%20more%3D50%25%2B%231\
             &utm_term=%ED%95%9C%EA%B5%AD%20%EC%97%AC%ED%96%89"
        );
    }

    #[test]
    fn compose_skips_blank_values_and_trims() {
        let tags = UtmTags {
            source: " linkedin ".into(),
            medium: "social".into(),
            campaign: Some("".into()),
            content: Some("   ".into()),
            id: None,
            term: None,
            source_platform: None,
        };
        assert_eq!(
            compose(&dest("https://a.b/"), &tags, false),
            "https://a.b/?utm_source=linkedin&utm_medium=social"
        );
    }

    #[test]
    fn compose_on_idn_destination_with_port() {
        let d = dest("https://bücher.example:8443/katalog?seite=2#oben");
        assert_eq!(
            compose(&d, &li(), false),
            "https://xn--bcher-kva.example:8443/katalog?seite=2\
             &utm_source=linkedin&utm_medium=social#oben"
        );
    }

    #[test]
    fn compose_with_no_tags_returns_the_destination() {
        let empty = UtmTags::default();
        for s in [
            "https://a.b/",
            "https://a.b/?",
            "https://a.b/?x=1#f",
            "https://a.b/p#",
        ] {
            assert_eq!(compose(&dest(s), &empty, false), s);
            assert_eq!(compose(&dest(s), &empty, true), s);
        }
    }

    #[test]
    fn compose_result_is_a_valid_destination_again() {
        let d = dest("https://한국.kr/경로?a=1&a=2#x");
        let composed = compose(&d, &UtmTags::for_network(Network::Linkedin), false);
        let again = DestinationUrl::parse(&composed).unwrap();
        assert_eq!(again.as_str(), composed);
    }

    // --- append_query_param -----------------------------------------------------------

    #[test]
    fn append_without_query() {
        assert_eq!(
            append_query_param("https://a.b/p", "chorus_click", "c_123"),
            "https://a.b/p?chorus_click=c_123"
        );
    }

    #[test]
    fn append_with_query() {
        assert_eq!(
            append_query_param("https://a.b/p?utm_source=x", "chorus_click", "c1"),
            "https://a.b/p?utm_source=x&chorus_click=c1"
        );
    }

    #[test]
    fn append_with_empty_query_or_trailing_ampersand() {
        assert_eq!(
            append_query_param("https://a.b/?", "k", "v"),
            "https://a.b/?k=v"
        );
        assert_eq!(
            append_query_param("https://a.b/?a=1&", "k", "v"),
            "https://a.b/?a=1&k=v"
        );
    }

    #[test]
    fn append_before_fragment() {
        assert_eq!(
            append_query_param("https://a.b/p#top", "k", "v"),
            "https://a.b/p?k=v#top"
        );
        assert_eq!(
            append_query_param("https://a.b/p?x=1#top", "k", "v"),
            "https://a.b/p?x=1&k=v#top"
        );
        assert_eq!(
            append_query_param("https://a.b/p?#top", "k", "v"),
            "https://a.b/p?k=v#top"
        );
        // A '?' inside the fragment is not the query.
        assert_eq!(
            append_query_param("https://a.b/p#/route?x=1", "k", "v"),
            "https://a.b/p?k=v#/route?x=1"
        );
    }

    #[test]
    fn append_encodes_name_and_value() {
        assert_eq!(
            append_query_param("https://a.b/", "my key", "a b&c=d+e#f/é"),
            "https://a.b/?my%20key=a%20b%26c%3Dd%2Be%23f%2F%C3%A9"
        );
        assert_eq!(
            append_query_param("https://a.b/", "k", "A-z_0.9~"),
            "https://a.b/?k=A-z_0.9~"
        );
    }

    #[test]
    fn append_keeps_existing_same_name() {
        assert_eq!(
            append_query_param("https://a.b/?k=1", "k", "2"),
            "https://a.b/?k=1&k=2"
        );
    }

    #[test]
    fn append_after_compose() {
        let composed = compose(&dest("https://a.b/p?x=1#f"), &li(), false);
        assert_eq!(
            append_query_param(&composed, "chorus_click", "abc"),
            "https://a.b/p?x=1&utm_source=linkedin&utm_medium=social&chorus_click=abc#f"
        );
    }

    // --- GA4 channels ----------------------------------------------------------------

    #[test]
    fn social_mediums_are_organic_social_whatever_the_source() {
        for medium in SOCIAL_MEDIUMS {
            for source in [
                "linkedin", "twitter", "threads", "bluesky", "email", "other", "acme",
            ] {
                assert_eq!(
                    ga4_channel(source, medium),
                    Ga4Channel::OrganicSocial,
                    "{source}/{medium}"
                );
            }
        }
    }

    #[test]
    fn every_network_default_is_organic_social() {
        for network in Network::ALL {
            let tags = UtmTags::for_network(network);
            assert_eq!(tags.ga4_channel(), Ga4Channel::OrganicSocial, "{network}");
            assert_eq!(channel_warning(tags.ga4_channel()), None);
        }
    }

    #[test]
    fn paid_mediums_with_social_source_are_paid_social() {
        for medium in [
            "cpc",
            "cpm",
            "ppc",
            "retargeting",
            "paid",
            "paid-social",
            "paidsocial",
            "acpx",
        ] {
            assert_eq!(
                ga4_channel("linkedin", medium),
                Ga4Channel::PaidSocial,
                "{medium}"
            );
            assert_eq!(
                ga4_channel("twitter", medium),
                Ga4Channel::PaidSocial,
                "{medium}"
            );
        }
    }

    #[test]
    fn paid_mediums_elsewhere() {
        assert_eq!(ga4_channel("google", "cpc"), Ga4Channel::PaidSearch);
        assert_eq!(ga4_channel("youtube", "cpv"), Ga4Channel::PaidVideo);
        assert_eq!(ga4_channel("amazon", "ppc"), Ga4Channel::PaidShopping);
        assert_eq!(ga4_channel("acme", "cpc"), Ga4Channel::PaidOther);
        // Display is checked before Paid Other, and "cpm" is a display medium.
        assert_eq!(ga4_channel("acme", "cpm"), Ga4Channel::Display);
        assert_eq!(ga4_channel("acme", "banner"), Ga4Channel::Display);
        // Threads is not in the social list, so a paid medium is "Paid Other".
        assert_eq!(ga4_channel("threads", "cpc"), Ga4Channel::PaidOther);
    }

    #[test]
    fn email_source_or_medium() {
        assert_eq!(ga4_channel("newsletter", "email"), Ga4Channel::Email);
        assert_eq!(ga4_channel("email", "newsletter"), Ga4Channel::Email);
        assert_eq!(ga4_channel("e-mail", "weekly"), Ga4Channel::Email);
        assert_eq!(ga4_channel("acme", "e mail"), Ga4Channel::Email);
        // Organic Social comes first in GA4's order.
        assert_eq!(ga4_channel("email", "social"), Ga4Channel::OrganicSocial);
    }

    #[test]
    fn custom_mediums_are_unassigned() {
        assert_eq!(ga4_channel("acme", "advocacy"), Ga4Channel::Unassigned);
        assert_eq!(ga4_channel("threads", "employee"), Ga4Channel::Unassigned);
        assert_eq!(ga4_channel("other", "advocacy"), Ga4Channel::Unassigned);
        assert_eq!(ga4_channel("", ""), Ga4Channel::Unassigned);
    }

    #[test]
    fn known_social_source_is_organic_social_with_a_custom_medium() {
        // GA4: "source matches a list of social sites OR medium is one of …".
        assert_eq!(
            ga4_channel("linkedin", "advocacy"),
            Ga4Channel::OrganicSocial
        );
        assert_eq!(
            ga4_channel("lnkd.in", "referral"),
            Ga4Channel::OrganicSocial
        );
        assert_eq!(ga4_channel("youtube", "advocacy"), Ga4Channel::OrganicVideo);
    }

    #[test]
    fn other_default_channels() {
        assert_eq!(ga4_channel("(direct)", "(none)"), Ga4Channel::Direct);
        assert_eq!(ga4_channel("acme", "referral"), Ga4Channel::Referral);
        assert_eq!(ga4_channel("acme", "affiliate"), Ga4Channel::Affiliates);
        assert_eq!(ga4_channel("acme", "organic"), Ga4Channel::OrganicSearch);
        assert_eq!(ga4_channel("acme", "video"), Ga4Channel::OrganicVideo);
        assert_eq!(ga4_channel("acme", "audio"), Ga4Channel::Audio);
        assert_eq!(ga4_channel("sms", "text"), Ga4Channel::Sms);
        assert_eq!(
            ga4_channel("acme", "web-push"),
            Ga4Channel::MobilePushNotifications
        );
    }

    #[test]
    fn channel_matching_ignores_case_and_whitespace() {
        assert_eq!(
            ga4_channel(" LinkedIn ", " Social "),
            Ga4Channel::OrganicSocial
        );
        assert_eq!(ga4_channel("LINKEDIN", "CPC"), Ga4Channel::PaidSocial);
        assert_eq!(ga4_channel("Newsletter", "EMAIL"), Ga4Channel::Email);
    }

    #[test]
    fn campaign_names_can_change_the_channel() {
        let c = |campaign| ga4_channel_for_campaign("linkedin", "social", Some(campaign));
        assert_eq!(c("summer-shop"), Ga4Channel::OrganicShopping);
        assert_eq!(c("shop-launch"), Ga4Channel::OrganicShopping);
        assert_eq!(c("eshop"), Ga4Channel::OrganicShopping);
        assert_eq!(c("workshopping"), Ga4Channel::OrganicShopping);
        assert_eq!(c("Holiday_Shop"), Ga4Channel::OrganicShopping);
        assert_eq!(c("workshop-series"), Ga4Channel::OrganicSocial);
        assert_eq!(c("bishop"), Ga4Channel::OrganicSocial);
        assert_eq!(c("spring"), Ga4Channel::OrganicSocial);
        assert_eq!(c("q3-cross-network"), Ga4Channel::CrossNetwork);
        assert_eq!(
            ga4_channel_for_campaign("linkedin", "cpc", Some("shop")),
            Ga4Channel::PaidShopping
        );
    }

    #[test]
    fn warnings_for_unassigned_and_paid_only() {
        assert!(channel_warning(Ga4Channel::Unassigned)
            .unwrap()
            .contains("Unassigned"));
        for paid in [
            Ga4Channel::PaidSocial,
            Ga4Channel::PaidOther,
            Ga4Channel::PaidSearch,
            Ga4Channel::Display,
        ] {
            assert!(paid.is_paid());
            assert!(channel_warning(paid).unwrap().contains("paid"));
        }
        assert!(channel_warning(Ga4Channel::OrganicShopping).is_some());
        assert_eq!(channel_warning(Ga4Channel::OrganicSocial), None);
        assert_eq!(channel_warning(Ga4Channel::Email), None);
        assert!(!Ga4Channel::OrganicSocial.is_paid());
    }

    #[test]
    fn channel_labels() {
        assert_eq!(Ga4Channel::OrganicSocial.label(), "Organic Social");
        assert_eq!(Ga4Channel::PaidSocial.to_string(), "Paid Social");
        assert_eq!(
            serde_json::to_string(&Ga4Channel::OrganicSocial).unwrap(),
            "\"organic_social\""
        );
    }
    // --- Channel preview -------------------------------------------------------------

    #[test]
    fn the_default_medium_lands_every_network_in_organic_social() {
        for medium in [None, Some(""), Some("social"), Some(" sm ")] {
            let p = channel_preview(None, medium, Some("spring-launch"));
            assert_eq!(
                p.single_channel(),
                Some(Ga4Channel::OrganicSocial),
                "{medium:?}"
            );
            assert!(p.warnings.is_empty());
            assert!(!p.has_warnings());
        }
        assert_eq!(channel_preview(None, None, None).medium, "social");
    }

    #[test]
    fn a_custom_medium_is_unassigned_for_unknown_sources_only() {
        let p = channel_preview(None, Some("advocacy"), None);
        assert_eq!(p.single_channel(), None);
        assert_eq!(p.groups[0].channel, Ga4Channel::OrganicSocial);
        assert!(p.groups[0].networks.contains(&Network::Linkedin));
        let unassigned = p
            .warnings
            .iter()
            .find(|w| w.warning == ChannelWarning::Unassigned)
            .expect("unassigned warning");
        assert_eq!(unassigned.channel, Ga4Channel::Unassigned);
        for n in [Network::Threads, Network::Bluesky, Network::Other] {
            assert!(unassigned.networks.contains(&n), "{n:?}");
        }
        assert!(!unassigned.networks.contains(&Network::Linkedin));
    }

    #[test]
    fn a_paid_medium_warns_for_every_network() {
        let p = channel_preview(None, Some("cpc"), None);
        assert_eq!(p.groups[0].channel, Ga4Channel::PaidSocial);
        assert_eq!(p.warnings.len(), 1, "{p:?}");
        assert_eq!(p.warnings[0].warning, ChannelWarning::Paid);
        assert_eq!(p.warnings[0].networks.len(), Network::ALL.len());
    }

    #[test]
    fn source_override_shopping_campaign_and_case_are_seen() {
        let p = channel_preview(Some("newsletter"), Some("email"), None);
        assert_eq!(p.single_channel(), Some(Ga4Channel::Email));
        assert_eq!(p.source.as_deref(), Some("newsletter"));
        assert!(p.warnings.is_empty());
        let shop = channel_preview(None, None, Some("summer-shop"));
        assert_eq!(shop.single_channel(), Some(Ga4Channel::OrganicShopping));
        assert_eq!(shop.warnings[0].warning, ChannelWarning::Shopping);
        let case = channel_preview(None, Some("Social"), None);
        assert_eq!(case.single_channel(), Some(Ga4Channel::OrganicSocial));
        assert!(case.medium_not_lowercase && case.has_warnings());
    }

    #[test]
    fn warning_codes_follow_channel_warning() {
        for channel in [
            Ga4Channel::Direct,
            Ga4Channel::CrossNetwork,
            Ga4Channel::PaidSocial,
            Ga4Channel::Display,
            Ga4Channel::OrganicShopping,
            Ga4Channel::OrganicSocial,
            Ga4Channel::Email,
            Ga4Channel::Unassigned,
        ] {
            assert_eq!(
                ChannelWarning::of(channel).is_some(),
                channel_warning(channel).is_some(),
                "{channel:?}"
            );
        }
        assert_eq!(
            ChannelWarning::of(Ga4Channel::Display),
            Some(ChannelWarning::Paid)
        );
        assert_eq!(ChannelWarning::Unassigned.code(), "unassigned");
    }
}
