//! Short-link slugs: the `{slug}` in `GET /{slug}`.
//!
//! A [`Slug`] is either generated ([`Slug::generate`], nanoid over the URL-safe alphabet
//! `[A-Za-z0-9_-]`) or chosen by a person ([`Slug::parse`]). Both kinds obey the same
//! rules, `[A-Za-z0-9_-]{3,64}` and not a [`RESERVED`] word, so every `Slug` value can be
//! routed without clashing with the app's own paths. Whether a slug is *free* is the
//! store's business (a unique index), not this module's.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The shortest slug accepted, in characters.
pub const MIN_LEN: usize = 3;
/// The longest slug accepted, in characters.
pub const MAX_LEN: usize = 64;
/// The generated slug length when nothing else is configured (DESIGN.md §3).
pub const DEFAULT_GENERATED_LEN: usize = 7;

/// Words that can never be slugs, compared case-insensitively: top-level paths of the app
/// (present and planned), well-known files, and words that would confuse people reading
/// a short link. Entries that contain a `.` could not pass the character rule anyway;
/// they are listed so this stays the one list of paths a slug must not shadow.
pub const RESERVED: &[&str] = &[
    // the app's own routes
    "api",
    "admin",
    "static",
    "assets",
    "login",
    "logout",
    "signin",
    "signout",
    "signup",
    "register",
    "auth",
    "oauth",
    "sso",
    "session",
    "sessions",
    "password",
    "reset",
    "invite",
    "account",
    "profile",
    "me",
    "my",
    "feed",
    "home",
    "index",
    "dashboard",
    "leaderboard",
    "leaderboards",
    "kpi",
    "kpis",
    "reports",
    "report",
    "export",
    "exports",
    "import",
    "content",
    "campaigns",
    "shares",
    "share",
    "employees",
    "teams",
    "mentions",
    "brands",
    "conversions",
    "support",
    "stats",
    "settings",
    "setup",
    "new",
    "edit",
    "delete",
    "preview",
    "webhook",
    "webhooks",
    "s",
    "q",
    "qr",
    "l",
    "go",
    "i18n",
    "lang",
    "en",
    "ko",
    // operations
    "healthz",
    "health",
    "readyz",
    "livez",
    "metrics",
    "status",
    // well-known files and folders browsers, crawlers and tools ask for
    "favicon.ico",
    "robots.txt",
    "sitemap.xml",
    "humans.txt",
    "security.txt",
    "apple-touch-icon.png",
    "manifest.json",
    ".well-known",
    "chorus.js",
    "css",
    "js",
    "img",
    "images",
    "fonts",
    // words that read like an error or a system page
    "www",
    "mail",
    "help",
    "about",
    "docs",
    "privacy",
    "terms",
    "legal",
    "error",
    "errors",
    "null",
    "undefined",
    "404",
    "410",
    "500",
    "chorus",
];

/// A validated short-link slug: 3 to 64 characters from `[A-Za-z0-9_-]`, not a
/// [`RESERVED`] word. Case is kept and significant (`AbC` and `abc` are different slugs).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Why a string is not a valid [`Slug`]. The messages are written for the person who
/// typed the slug.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SlugError {
    #[error("a short link must be at least {MIN_LEN} characters long")]
    TooShort,
    #[error("a short link can be at most {MAX_LEN} characters long")]
    TooLong,
    #[error("a short link can only contain letters A–Z and a–z, digits, '-' and '_', not {0:?}")]
    BadCharacter(char),
    #[error("{0:?} is reserved and cannot be used as a short link")]
    Reserved(String),
}

impl SlugError {
    /// A stable snake_case code for API error bodies (`{"error": {"code": …}}`).
    pub fn code(&self) -> &'static str {
        match self {
            SlugError::TooShort => "slug_too_short",
            SlugError::TooLong => "slug_too_long",
            SlugError::BadCharacter(_) => "slug_bad_character",
            SlugError::Reserved(_) => "slug_reserved",
        }
    }
}

impl Slug {
    /// Parses a slug a person chose (or one read back from a request path).
    ///
    /// Surrounding whitespace is trimmed; everything else must already be valid, nothing
    /// is lower-cased or replaced.
    ///
    /// # Errors
    /// Checked in this order, so the first problem is the one reported:
    /// [`SlugError::BadCharacter`] with the first character outside `[A-Za-z0-9_-]`,
    /// [`SlugError::TooShort`] below [`MIN_LEN`], [`SlugError::TooLong`] above
    /// [`MAX_LEN`], [`SlugError::Reserved`] for a [`RESERVED`] word in any case (the
    /// error carries the input as given).
    pub fn parse(s: &str) -> Result<Slug, SlugError> {
        let s = s.trim();
        if let Some(bad) = s.chars().find(|&c| !is_slug_char(c)) {
            return Err(SlugError::BadCharacter(bad));
        }
        // Only ASCII is left, so the byte length is the character count.
        if s.len() < MIN_LEN {
            return Err(SlugError::TooShort);
        }
        if s.len() > MAX_LEN {
            return Err(SlugError::TooLong);
        }
        if is_reserved(s) {
            return Err(SlugError::Reserved(s.to_owned()));
        }
        Ok(Slug(s.to_owned()))
    }

    /// Generates a random slug with nanoid over `[A-Za-z0-9_-]`.
    ///
    /// `len` is clamped into [`MIN_LEN`]..=[`MAX_LEN`] so the result always passes
    /// [`Slug::parse`]; validate the configured length at start-up to avoid surprises.
    /// The result is never a [`RESERVED`] word and never starts or ends with `-` or `_`.
    /// It is random, not unique: the caller inserts it under a unique index and retries
    /// with a fresh one on conflict.
    pub fn generate(len: usize) -> Slug {
        let len = len.clamp(MIN_LEN, MAX_LEN);
        loop {
            let candidate = nanoid::nanoid!(len);
            // Auto-linkers and markdown-ish chat formatting tend to drop or eat a
            // leading/trailing '-' or '_', which would break the pasted link.
            let clean_ends = !candidate.starts_with(['-', '_']) && !candidate.ends_with(['-', '_']);
            if clean_ends && !is_reserved(&candidate) && candidate.chars().all(is_slug_char) {
                return Slug(candidate);
            }
        }
    }

    /// The slug as stored and routed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Whether `candidate` could name a stored slug: [`MIN_LEN`] to [`MAX_LEN`] characters
/// from `[A-Za-z0-9_-]`. The public paths (`/{slug}`, `/qr/{slug}.svg`) ask this before
/// any cache or database lookup, so input no slug can match costs nothing to remember,
/// whatever its size. The length is compared first: a 60 KB path is refused unread.
/// Reserved words are not checked here: the router already keeps them off those paths.
pub fn is_plausible(candidate: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&candidate.len()) && candidate.chars().all(is_slug_char)
}

/// Whether `s` is a [`RESERVED`] word, ignoring ASCII case.
pub fn is_reserved(s: &str) -> bool {
    RESERVED.iter().any(|word| word.eq_ignore_ascii_case(s))
}

fn is_slug_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Slug {
    type Err = SlugError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Slug::parse(s)
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn accepts_valid_slugs() {
        for ok in [
            "abc",
            "my-post",
            "Q3_launch",
            "a-b",
            "___",
            "0123456789",
            "AbC",
        ] {
            assert_eq!(Slug::parse(ok).unwrap().as_str(), ok);
        }
        let longest = "a".repeat(MAX_LEN);
        assert_eq!(Slug::parse(&longest).unwrap().as_str(), longest);
    }

    #[test]
    fn keeps_case() {
        assert_eq!(Slug::parse("LaunchDay").unwrap().as_str(), "LaunchDay");
        assert_ne!(Slug::parse("abc").unwrap(), Slug::parse("ABC").unwrap());
    }

    #[test]
    fn trims_surrounding_whitespace() {
        assert_eq!(Slug::parse("  launch \n").unwrap().as_str(), "launch");
    }

    #[test]
    fn too_short() {
        assert_eq!(Slug::parse(""), Err(SlugError::TooShort));
        assert_eq!(Slug::parse("ab"), Err(SlugError::TooShort));
        assert_eq!(Slug::parse("   "), Err(SlugError::TooShort));
    }

    #[test]
    fn too_long() {
        assert_eq!(
            Slug::parse(&"a".repeat(MAX_LEN + 1)),
            Err(SlugError::TooLong)
        );
    }

    #[test]
    fn bad_characters_report_the_first_offender() {
        assert_eq!(Slug::parse("my post"), Err(SlugError::BadCharacter(' ')));
        assert_eq!(Slug::parse("a/b/c"), Err(SlugError::BadCharacter('/')));
        assert_eq!(Slug::parse("abc.def"), Err(SlugError::BadCharacter('.')));
        assert_eq!(Slug::parse("café"), Err(SlugError::BadCharacter('é')));
        assert_eq!(Slug::parse("한국어"), Err(SlugError::BadCharacter('한')));
        assert_eq!(Slug::parse("a%20b"), Err(SlugError::BadCharacter('%')));
        assert_eq!(Slug::parse("a?b=c"), Err(SlugError::BadCharacter('?')));
        // A bad character wins over the length rule: it is the more useful message.
        assert_eq!(Slug::parse("a!"), Err(SlugError::BadCharacter('!')));
    }

    #[test]
    fn reserved_words_are_refused_case_insensitively() {
        for word in [
            "api", "API", "Admin", "sTaTiC", "login", "LOGOUT", "healthz", "Metrics",
        ] {
            assert_eq!(
                Slug::parse(word),
                Err(SlugError::Reserved(word.to_owned())),
                "{word}"
            );
        }
    }

    #[test]
    fn every_reserved_word_is_refused() {
        for word in RESERVED {
            let result = Slug::parse(word);
            assert!(result.is_err(), "{word} was accepted");
            let upper = word.to_ascii_uppercase();
            assert!(Slug::parse(&upper).is_err(), "{upper} was accepted");
        }
    }

    #[test]
    fn reserved_list_is_lowercase_and_has_the_required_words() {
        for word in RESERVED {
            assert_eq!(*word, word.to_ascii_lowercase());
        }
        for required in [
            "api",
            "admin",
            "static",
            "login",
            "logout",
            "healthz",
            "metrics",
            "s",
            "q",
            "qr",
            "feed",
            "me",
            "settings",
            "assets",
            "favicon.ico",
            "robots.txt",
            "setup",
        ] {
            assert!(RESERVED.contains(&required), "{required} missing");
        }
    }

    #[test]
    fn near_reserved_words_are_fine() {
        for ok in ["apis", "api-docs", "administrator", "my-login"] {
            assert!(Slug::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn error_messages_are_human() {
        assert_eq!(
            SlugError::TooShort.to_string(),
            "a short link must be at least 3 characters long"
        );
        assert_eq!(
            SlugError::TooLong.to_string(),
            "a short link can be at most 64 characters long"
        );
        assert!(SlugError::BadCharacter(' ').to_string().contains("' '"));
        assert_eq!(
            SlugError::Reserved("Admin".into()).to_string(),
            "\"Admin\" is reserved and cannot be used as a short link"
        );
        assert_eq!(SlugError::Reserved("x".into()).code(), "slug_reserved");
    }

    #[test]
    fn generate_has_the_requested_length_and_alphabet() {
        for len in [MIN_LEN, DEFAULT_GENERATED_LEN, 12, MAX_LEN] {
            for _ in 0..200 {
                let slug = Slug::generate(len);
                assert_eq!(slug.as_str().len(), len);
                assert!(slug.as_str().chars().all(is_slug_char), "{slug}");
                assert!(!slug.as_str().starts_with(['-', '_']), "{slug}");
                assert!(!slug.as_str().ends_with(['-', '_']), "{slug}");
                assert_eq!(Slug::parse(slug.as_str()).as_ref(), Ok(&slug));
            }
        }
    }

    #[test]
    fn generate_clamps_the_length() {
        assert_eq!(Slug::generate(0).as_str().len(), MIN_LEN);
        assert_eq!(Slug::generate(1).as_str().len(), MIN_LEN);
        assert_eq!(Slug::generate(1000).as_str().len(), MAX_LEN);
    }

    #[test]
    fn generated_slugs_are_never_reserved() {
        // At the minimum length reserved three-letter words are the likeliest to come up.
        for _ in 0..5_000 {
            assert!(!is_reserved(Slug::generate(MIN_LEN).as_str()));
        }
    }

    #[test]
    fn generate_is_unique_over_ten_thousand() {
        let slugs: HashSet<Slug> = (0..10_000)
            .map(|_| Slug::generate(DEFAULT_GENERATED_LEN))
            .collect();
        assert_eq!(slugs.len(), 10_000);
    }

    #[test]
    fn generate_uses_the_whole_alphabet() {
        let seen: HashSet<char> = (0..2_000)
            .flat_map(|_| {
                Slug::generate(DEFAULT_GENERATED_LEN)
                    .into_string()
                    .into_bytes()
            })
            .map(char::from)
            .collect();
        // 64 symbols; with 14k draws every one shows up (the chance one is missing is
        // below 1e-90).
        assert_eq!(seen.len(), 64, "{seen:?}");
    }

    #[test]
    fn plausible_slugs_are_those_a_link_could_have() {
        for ok in ["abc", "Q3_launch", "a-b", &"a".repeat(MAX_LEN)] {
            assert!(is_plausible(ok), "{ok}");
        }
        for _ in 0..100 {
            assert!(is_plausible(Slug::generate(DEFAULT_GENERATED_LEN).as_str()));
        }
        let too_long = "a".repeat(MAX_LEN + 1);
        let huge = "a".repeat(60 * 1024);
        for bad in ["", "ab", " abc", "a.b.c", "café", "a/b/c", &too_long, &huge] {
            assert!(!is_plausible(bad), "{bad:.80}");
        }
    }

    #[test]
    fn serde_round_trip_validates() {
        let slug = Slug::parse("launch-day").unwrap();
        let json = serde_json::to_string(&slug).unwrap();
        assert_eq!(json, "\"launch-day\"");
        assert_eq!(serde_json::from_str::<Slug>(&json).unwrap(), slug);
        assert!(serde_json::from_str::<Slug>("\"admin\"").is_err());
        assert!(serde_json::from_str::<Slug>("\"a b\"").is_err());
    }
}
