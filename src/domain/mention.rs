//! Mentions (DESIGN.md §2): a post or comment about a brand on some channel. This module
//! checks one reported mention ([`validate`]) — the same function serves the JSON API and
//! the CSV import — and says which topics a text is about ([`contains_keyword`]).
//!
//! Rules, per field:
//! - `brand`: a brand's name (resolved by the store, ignoring case).
//! - `channel`: a [`Channel`], a lowercase token `[a-z0-9_-]{1,32}` — the networks of the
//!   API (`linkedin`, `x`, …) and any other source (`news`, `blog`, `naver_blog`, …).
//! - `author`: 1 to [`MAX_AUTHOR_LEN`] characters; `author_reach`: a count ≥ 0.
//! - `text`: 1 to [`MAX_TEXT_LEN`] characters.
//! - `occurred_at`: RFC 3339 or a bare date (midnight in the configured zone), not more
//!   than [`MAX_FUTURE_HOURS`] hours ahead of now.
//! - `kind`: `post` (default) or `comment`; `sentiment`: `positive`, `neutral` or
//!   `negative`, or absent (then Chorus computes one).
//! - `url`: `http`/`https`, at most [`MAX_URL_LEN`] characters; `external_id`: at most
//!   [`MAX_EXTERNAL_ID_LEN`] characters, unique per channel (repeats are duplicates).

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use thiserror::Error;

use crate::domain::share;

/// The most mentions one batch may carry (API and import alike).
pub const MAX_BATCH: usize = 1_000;
/// The longest mention text, in characters.
pub const MAX_TEXT_LEN: usize = 10_000;
/// The longest author name, in characters.
pub const MAX_AUTHOR_LEN: usize = 200;
/// The longest URL, in characters.
pub const MAX_URL_LEN: usize = 2_048;
/// The longest external id, in characters.
pub const MAX_EXTERNAL_ID_LEN: usize = 256;
/// The longest text search over mentions (the API's `q`, the mentions page's search).
pub const MAX_QUERY_LEN: usize = 200;
pub use super::channel::{Channel, InvalidChannel, MAX_CHANNEL_LEN};
/// How far ahead of the server's clock `occurred_at` may be (clock skew between systems).
pub const MAX_FUTURE_HOURS: i64 = 24;

/// `post` or `comment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MentionKind {
    Post,
    Comment,
}

impl MentionKind {
    pub fn parse(value: &str) -> Option<MentionKind> {
        match value {
            "post" => Some(MentionKind::Post),
            "comment" => Some(MentionKind::Comment),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Post => "post",
            MentionKind::Comment => "comment",
        }
    }
}

/// The sentiment of a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sentiment {
    Positive,
    Neutral,
    Negative,
}

impl Sentiment {
    pub const ALL: [Sentiment; 3] = [Sentiment::Positive, Sentiment::Neutral, Sentiment::Negative];

    pub fn parse(value: &str) -> Option<Sentiment> {
        match value {
            "positive" => Some(Sentiment::Positive),
            "neutral" => Some(Sentiment::Neutral),
            "negative" => Some(Sentiment::Negative),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sentiment::Positive => "positive",
            Sentiment::Neutral => "neutral",
            Sentiment::Negative => "negative",
        }
    }
}

impl fmt::Display for Sentiment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a mention's sentiment came with it or was computed by Chorus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SentimentSource {
    Given,
    Computed,
}

impl SentimentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            SentimentSource::Given => "given",
            SentimentSource::Computed => "computed",
        }
    }
}

/// One mention as reported, fields still text: what the JSON API and the CSV import both
/// hand to [`validate`]. An empty string counts as absent for the optional fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentionFields {
    pub brand: String,
    pub channel: String,
    pub author: String,
    pub text: String,
    pub occurred_at: String,
    pub kind: Option<String>,
    pub sentiment: Option<String>,
    pub author_reach: Option<i64>,
    pub url: Option<String>,
    pub external_id: Option<String>,
}

/// A mention with every rule checked; the brand is still a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidMention {
    /// The brand's name as given (trimmed).
    pub brand: String,
    pub channel: Channel,
    pub author: String,
    pub author_reach: Option<i64>,
    pub text: String,
    pub kind: MentionKind,
    /// `None`: to be computed.
    pub sentiment: Option<Sentiment>,
    /// UTC.
    pub occurred_at: NaiveDateTime,
    /// The local day of `occurred_at` in the configured zone.
    pub day: NaiveDate,
    pub url: Option<String>,
    pub external_id: Option<String>,
}

/// Why a mention was refused: which item (0-based position in its batch), which field,
/// and a sentence. Shown as `mentions[3].occurred_at: …`; an import shows its own line
/// number with `field` and `message`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("mentions[{index}].{field}: {message}")]
pub struct ItemError {
    pub index: usize,
    pub field: &'static str,
    /// A snake_case code for the API (`invalid_occurred_at`, …).
    pub code: &'static str,
    pub message: String,
}

fn optional(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Checks mention number `index` of a batch against every rule of the module doc. `tz`
/// is the configured zone (bare dates, the local day); `now` is UTC.
///
/// # Errors
/// [`ItemError`] for the first field that breaks a rule.
pub fn validate(
    index: usize,
    fields: &MentionFields,
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
) -> Result<ValidMention, ItemError> {
    let fail = |field: &'static str, code: &'static str, message: String| ItemError {
        index,
        field,
        code,
        message,
    };
    let brand = fields.brand.trim();
    if brand.is_empty() {
        return Err(fail("brand", "invalid_brand", "name a brand".into()));
    }
    let channel = Channel::parse(&fields.channel)
        .map_err(|e| fail("channel", "invalid_channel", e.to_string()))?;
    let author = fields.author.trim();
    if author.is_empty() {
        return Err(fail("author", "invalid_author", "must not be empty".into()));
    }
    if author.chars().count() > MAX_AUTHOR_LEN || author.chars().any(char::is_control) {
        return Err(fail(
            "author",
            "invalid_author",
            format!("at most {MAX_AUTHOR_LEN} characters, no control characters"),
        ));
    }
    let text = fields.text.trim();
    if text.is_empty() {
        return Err(fail("text", "invalid_text", "must not be empty".into()));
    }
    if text.chars().count() > MAX_TEXT_LEN {
        return Err(fail(
            "text",
            "invalid_text",
            format!("at most {MAX_TEXT_LEN} characters"),
        ));
    }
    let occurred_at = share::parse_time(&fields.occurred_at, tz)
        .map_err(|e| fail("occurred_at", "invalid_occurred_at", e.to_string()))?;
    if occurred_at > now + TimeDelta::hours(MAX_FUTURE_HOURS) {
        return Err(fail(
            "occurred_at",
            "invalid_occurred_at",
            format!(
                "{:?} is in the future; mentions are reported after they happen",
                fields.occurred_at
            ),
        ));
    }
    let kind = match optional(fields.kind.as_deref()) {
        None => MentionKind::Post,
        Some(k) => MentionKind::parse(k).ok_or_else(|| {
            fail(
                "kind",
                "invalid_kind",
                format!("must be \"post\" or \"comment\" (got {k:?})"),
            )
        })?,
    };
    let sentiment = match optional(fields.sentiment.as_deref()) {
        None => None,
        Some(s) => Some(Sentiment::parse(s).ok_or_else(|| {
            fail(
                "sentiment",
                "invalid_sentiment",
                format!("must be \"positive\", \"neutral\" or \"negative\" (got {s:?})"),
            )
        })?),
    };
    if let Some(reach) = fields.author_reach {
        if reach < 0 {
            return Err(fail(
                "author_reach",
                "invalid_author_reach",
                format!("must not be negative (got {reach})"),
            ));
        }
    }
    let url = match optional(fields.url.as_deref()) {
        None => None,
        Some(u) => Some(
            parse_url(u).map_err(|why| fail("url", "invalid_url", format!("{why} (got {u:?})")))?,
        ),
    };
    let external_id = match optional(fields.external_id.as_deref()) {
        None => None,
        Some(id)
            if id.chars().count() > MAX_EXTERNAL_ID_LEN || id.chars().any(char::is_control) =>
        {
            return Err(fail(
                "external_id",
                "invalid_external_id",
                format!("at most {MAX_EXTERNAL_ID_LEN} characters, no control characters"),
            ))
        }
        Some(id) => Some(id.to_owned()),
    };
    Ok(ValidMention {
        brand: brand.to_owned(),
        channel,
        author: author.to_owned(),
        author_reach: fields.author_reach,
        text: text.to_owned(),
        kind,
        sentiment,
        occurred_at,
        day: occurred_at.and_utc().with_timezone(&tz).date_naive(),
        url,
        external_id,
    })
}

fn parse_url(value: &str) -> Result<String, &'static str> {
    if value.chars().count() > MAX_URL_LEN {
        return Err("a URL is at most 2048 characters");
    }
    let parsed = url::Url::parse(value).map_err(|_| "not a URL")?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err("only http and https URLs are accepted");
    }
    Ok(value.to_owned())
}

/// Whether `text` contains `keyword`, ignoring case. A keyword with Hangul matches
/// anywhere (Korean attaches particles and endings: `삼성` is in `삼성전자가`); any other
/// keyword must stand as whole words (`AI` is not in `said`). `text_folded` is the text
/// already lowercased ([`str::to_lowercase`]), so callers fold a long text once.
pub fn contains_keyword(text_folded: &str, keyword: &str) -> bool {
    contains_folded_keyword(text_folded, &fold_keyword(keyword))
}

/// Whether a mention's text contains at least one of the intended attributes, folded
/// ([`fold_keyword`]): what brand attribute recognition counts.
pub fn recognises(text: &str, folded_attributes: &[String]) -> bool {
    if folded_attributes.is_empty() {
        return false;
    }
    let folded = text.to_lowercase();
    folded_attributes
        .iter()
        .any(|a| contains_folded_keyword(&folded, a))
}

/// A keyword as [`contains_folded_keyword`] takes it: trimmed and lowercased.
pub fn fold_keyword(keyword: &str) -> String {
    keyword.trim().to_lowercase()
}

/// [`contains_keyword`] with the keyword already folded ([`fold_keyword`]): a caller that
/// matches the same keywords against many texts folds them once, not once per text.
pub fn contains_folded_keyword(text_folded: &str, keyword: &str) -> bool {
    if keyword.is_empty() {
        return false;
    }
    if keyword.chars().any(is_hangul) {
        return text_folded.contains(keyword);
    }
    let word_char = |c: char| c.is_alphanumeric() || c == '_';
    let mut start = 0;
    while let Some(found) = text_folded[start..].find(keyword) {
        let at = start + found;
        let end = at + keyword.len();
        let before_ok = text_folded[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !word_char(c) || is_hangul(c));
        // Korean particles may follow a Latin brand name directly (`Acme가`).
        let after_ok = text_folded[end..]
            .chars()
            .next()
            .is_none_or(|c| !word_char(c) || is_hangul(c));
        if before_ok && after_ok {
            return true;
        }
        start = at + text_folded[at..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Hangul syllables and jamo (compatibility jamo included).
pub fn is_hangul(c: char) -> bool {
    matches!(c,
        '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{A960}'..='\u{A97F}' | '\u{D7B0}'..='\u{D7FF}')
}

/// The ids of the topics (`(id, keywords one per line)`) whose keywords `text` contains.
pub fn matching_topics(text: &str, topics: &[(i64, String)]) -> Vec<i64> {
    let folded = text.to_lowercase();
    topics
        .iter()
        .filter(|(_, keywords)| keywords.lines().any(|k| contains_keyword(&folded, k)))
        .map(|(id, _)| *id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        share::parse_time("2026-03-10T12:00:00Z", chrono_tz::UTC).unwrap()
    }

    fn fields() -> MentionFields {
        MentionFields {
            brand: "Acme".into(),
            channel: "x".into(),
            author: "@kim".into(),
            text: "Acme is great".into(),
            occurred_at: "2026-03-01T09:30:00+09:00".into(),
            ..MentionFields::default()
        }
    }

    fn check(f: MentionFields) -> Result<ValidMention, ItemError> {
        validate(7, &f, chrono_tz::Asia::Seoul, now())
    }

    #[test]
    fn a_minimal_mention() {
        let m = check(fields()).unwrap();
        assert_eq!(m.brand, "Acme");
        assert_eq!(m.channel.as_str(), "x");
        assert_eq!(m.kind, MentionKind::Post);
        assert_eq!(m.sentiment, None);
        assert_eq!(m.occurred_at.to_string(), "2026-03-01 00:30:00");
        assert_eq!(m.day.to_string(), "2026-03-01", "the local day in Seoul");
    }

    #[test]
    fn bare_dates_are_local_midnight() {
        let m = check(MentionFields {
            occurred_at: "2026-03-02".into(),
            ..fields()
        })
        .unwrap();
        assert_eq!(m.occurred_at.to_string(), "2026-03-01 15:00:00");
        assert_eq!(m.day.to_string(), "2026-03-02");
    }

    #[test]
    fn every_field_has_a_rule() {
        let field_of = |f: MentionFields| check(f).unwrap_err();
        let e = field_of(MentionFields {
            occurred_at: "yesterday".into(),
            ..fields()
        });
        assert_eq!(
            (e.index, e.field, e.code),
            (7, "occurred_at", "invalid_occurred_at")
        );
        assert!(e.to_string().starts_with("mentions[7].occurred_at: "));
        let cases: Vec<(MentionFields, &str)> = vec![
            (
                MentionFields {
                    brand: " ".into(),
                    ..fields()
                },
                "brand",
            ),
            (
                MentionFields {
                    channel: "Linked In".into(),
                    ..fields()
                },
                "channel",
            ),
            (
                MentionFields {
                    channel: "c".repeat(33),
                    ..fields()
                },
                "channel",
            ),
            (
                MentionFields {
                    author: "".into(),
                    ..fields()
                },
                "author",
            ),
            (
                MentionFields {
                    text: "  ".into(),
                    ..fields()
                },
                "text",
            ),
            (
                MentionFields {
                    text: "a".repeat(MAX_TEXT_LEN + 1),
                    ..fields()
                },
                "text",
            ),
            (
                MentionFields {
                    occurred_at: "2026-03-12T12:00:01Z".into(),
                    ..fields()
                },
                "occurred_at",
            ),
            (
                MentionFields {
                    kind: Some("reply".into()),
                    ..fields()
                },
                "kind",
            ),
            (
                MentionFields {
                    sentiment: Some("good".into()),
                    ..fields()
                },
                "sentiment",
            ),
            (
                MentionFields {
                    sentiment: Some("Positive".into()),
                    ..fields()
                },
                "sentiment",
            ),
            (
                MentionFields {
                    author_reach: Some(-1),
                    ..fields()
                },
                "author_reach",
            ),
            (
                MentionFields {
                    url: Some("ftp://x.example/a".into()),
                    ..fields()
                },
                "url",
            ),
            (
                MentionFields {
                    url: Some("not a url".into()),
                    ..fields()
                },
                "url",
            ),
            (
                MentionFields {
                    external_id: Some("x".repeat(257)),
                    ..fields()
                },
                "external_id",
            ),
        ];
        for (f, field) in cases {
            assert_eq!(field_of(f.clone()).field, field, "{f:?}");
        }
    }

    #[test]
    fn optional_fields() {
        let m = check(MentionFields {
            channel: " LinkedIn ".into(),
            kind: Some("comment".into()),
            sentiment: Some("negative".into()),
            author_reach: Some(1200),
            url: Some("https://x.com/kim/1".into()),
            external_id: Some(" 1 ".into()),
            ..fields()
        })
        .unwrap();
        assert_eq!(m.channel.as_str(), "linkedin");
        assert_eq!(m.kind, MentionKind::Comment);
        assert_eq!(m.sentiment, Some(Sentiment::Negative));
        assert_eq!(m.external_id.as_deref(), Some("1"));
        let blank = check(MentionFields {
            kind: Some("".into()),
            sentiment: Some("".into()),
            url: Some(" ".into()),
            external_id: Some("".into()),
            ..fields()
        })
        .unwrap();
        assert_eq!(
            (blank.sentiment, blank.url, blank.external_id),
            (None, None, None)
        );
        assert!(
            check(MentionFields {
                occurred_at: "2026-03-11T12:00:00Z".into(),
                ..fields()
            })
            .is_ok(),
            "a day of clock skew is tolerated"
        );
    }

    #[test]
    fn channels() {
        for ok in ["x", "linkedin", "naver_blog", "news-kr", "v2"] {
            assert_eq!(Channel::parse(ok).unwrap().as_str(), ok);
        }
        for bad in ["", " ", "a b", "블로그", "a.b", &"a".repeat(33)] {
            assert!(Channel::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn keywords_match_whole_words_or_korean_stems() {
        let t = |text: &str, k: &str| contains_keyword(&text.to_lowercase(), k);
        assert!(t("We love ACME products", "acme"));
        assert!(t("acme.", "Acme"));
        assert!(!t("He said so", "AI"));
        assert!(t("AI, finally", "ai"));
        assert!(t("Gen AI tools", "gen ai"));
        assert!(t("삼성전자가 발표했다", "삼성"));
        assert!(t("Acme가 최고예요", "acme"), "particle after a Latin name");
        assert!(!t("acmes everywhere", "acme"));
        assert!(!t("anything", " "));
    }

    #[test]
    fn topics_by_keywords() {
        let topics = vec![
            (1, "AI\n인공지능".to_string()),
            (2, "cloud".to_string()),
            (3, "".to_string()),
        ];
        assert_eq!(matching_topics("인공지능 서비스가 좋아요", &topics), [1]);
        assert_eq!(matching_topics("AI in the Cloud", &topics), [1, 2]);
        assert!(matching_topics("nothing here", &topics).is_empty());
    }
}
