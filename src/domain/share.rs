//! Shares: the UTM tags and destination of one employee's link for one content item on
//! one network, its opaque token, its short URL, and the parsing and meaning of its
//! expiry time.
//!
//! The `utm_content` of a share is a random token ([`new_token`]), never the employee's
//! name, e-mail or id: URLs end up in analytics tools, logs and screenshots, and must carry
//! no personal data (DESIGN.md §3). Chorus maps the token back to the share.

use chrono::{DateTime, DurationRound, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use thiserror::Error;

use crate::domain::network::Network;
use crate::domain::utm::{compose, DestinationUrl, UtmTags, DEFAULT_MEDIUM};

/// Length of a share token (`utm_content`).
pub const TOKEN_LEN: usize = 10;

/// A fresh share token: [`TOKEN_LEN`] characters of nanoid's URL-safe alphabet
/// (`[A-Za-z0-9_-]`), random, so it says nothing about who shared. Unique only with high
/// probability: the store inserts it under a unique index and retries on a collision.
pub fn new_token() -> String {
    nanoid::nanoid!(TOKEN_LEN)
}

/// What a campaign contributes to its links' UTM tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignUtm {
    pub id: i64,
    pub utm_campaign: String,
    /// Replaces the network's GA4 source on every link of the campaign.
    pub utm_source: Option<String>,
    /// Replaces `social`.
    pub utm_medium: Option<String>,
    /// Whether the campaign's tags replace UTM parameters the content URL already has.
    pub utm_overwrite: bool,
}

/// The UTM tags of a share (DESIGN.md §3): `utm_source` = the campaign's or the network's
/// GA4 name, `utm_medium` = the campaign's or `social`, `utm_campaign` and `utm_id` = the
/// campaign's value and id (absent without a campaign), `utm_content` = the share token,
/// `utm_source_platform` = `employee_advocacy`.
pub fn tags(network: Network, campaign: Option<&CampaignUtm>, token: &str) -> UtmTags {
    let mut tags = UtmTags::for_network(network);
    tags.content = Some(token.to_owned());
    if let Some(campaign) = campaign {
        if let Some(source) = &campaign.utm_source {
            tags.source = source.clone();
        }
        tags.medium = campaign
            .utm_medium
            .clone()
            .unwrap_or_else(|| DEFAULT_MEDIUM.to_owned());
        tags.campaign = Some(campaign.utm_campaign.clone());
        tags.id = Some(campaign.id.to_string());
    }
    tags
}

/// The URL a share's short link redirects to (before the per-click id): the content URL
/// with the share's [`tags`], existing parameters kept unless the campaign overwrites.
pub fn destination(
    url: &DestinationUrl,
    network: Network,
    campaign: Option<&CampaignUtm>,
    token: &str,
) -> String {
    let overwrite = campaign.is_some_and(|c| c.utm_overwrite);
    compose(url, &tags(network, campaign, token), overwrite)
}

/// The public short URL of a slug: `public_base` (no trailing slash) + `/` + slug.
pub fn short_url(public_base: &str, slug: &str) -> String {
    format!("{}/{}", public_base.trim_end_matches('/'), slug)
}

/// A time that is neither RFC 3339 nor a bare date.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a time; use RFC 3339 (2026-03-01T12:00:00Z) or a date (2026-03-01)")]
pub struct InvalidTime(pub String);

/// Parses a time given to the API (API.md "Times"): RFC 3339 with any offset, or a bare
/// `YYYY-MM-DD` meaning midnight of that day in `tz`. Returns UTC without zone, truncated
/// to microseconds, as stored.
///
/// # Errors
/// [`InvalidTime`] for anything else.
pub fn parse_time(value: &str, tz: chrono_tz::Tz) -> Result<NaiveDateTime, InvalidTime> {
    let trimmed = value.trim();
    let invalid = || InvalidTime(value.to_owned());
    let utc: DateTime<Utc> = if trimmed.len() == 10 {
        let day = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").map_err(|_| invalid())?;
        let midnight = day.and_hms_opt(0, 0, 0).ok_or_else(invalid)?;
        // A midnight skipped by a DST change starts the day at its first valid instant.
        tz.from_local_datetime(&midnight)
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(midnight + TimeDelta::hours(1)))
                    .earliest()
            })
            .ok_or_else(invalid)?
            .with_timezone(&Utc)
    } else {
        DateTime::parse_from_rfc3339(trimmed)
            .map_err(|_| invalid())?
            .with_timezone(&Utc)
    };
    // Both engines keep microseconds; truncating here makes what is returned equal what
    // is read back.
    let naive = utc.naive_utc();
    Ok(naive
        .duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(naive))
}

/// Whether a short link is expired at `now`: `expires_at` is the first instant it no
/// longer redirects.
pub fn is_expired(expires_at: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    expires_at.is_some_and(|t| t <= now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign() -> CampaignUtm {
        CampaignUtm {
            id: 42,
            utm_campaign: "spring-launch".into(),
            utm_source: None,
            utm_medium: None,
            utm_overwrite: false,
        }
    }

    fn url(s: &str) -> DestinationUrl {
        DestinationUrl::parse(s).unwrap()
    }

    #[test]
    fn tokens_are_random_url_safe_and_of_fixed_length() {
        let tokens: std::collections::HashSet<String> = (0..1_000).map(|_| new_token()).collect();
        assert_eq!(tokens.len(), 1_000);
        for token in &tokens {
            assert_eq!(token.len(), TOKEN_LEN);
            assert!(token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        }
    }

    #[test]
    fn tags_without_campaign() {
        let tags = tags(Network::X, None, "tok");
        assert_eq!(
            tags.pairs(),
            [
                ("utm_source", "twitter"),
                ("utm_medium", "social"),
                ("utm_content", "tok"),
                ("utm_source_platform", "employee_advocacy"),
            ]
        );
    }

    #[test]
    fn tags_with_campaign() {
        let tags = tags(Network::Linkedin, Some(&campaign()), "tok");
        assert_eq!(
            tags.pairs(),
            [
                ("utm_source", "linkedin"),
                ("utm_medium", "social"),
                ("utm_campaign", "spring-launch"),
                ("utm_content", "tok"),
                ("utm_id", "42"),
                ("utm_source_platform", "employee_advocacy"),
            ]
        );
    }

    #[test]
    fn campaign_source_and_medium_win() {
        let c = CampaignUtm {
            utm_source: Some("acme-advocacy".into()),
            utm_medium: Some("social-network".into()),
            ..campaign()
        };
        let tags = tags(Network::Facebook, Some(&c), "tok");
        assert_eq!(tags.source, "acme-advocacy");
        assert_eq!(tags.medium, "social-network");
    }

    #[test]
    fn destination_keeps_query_and_fragment() {
        let d = destination(
            &url("https://example.com/post?ref=1#top"),
            Network::X,
            Some(&campaign()),
            "AbC-_12345",
        );
        assert_eq!(
            d,
            "https://example.com/post?ref=1&utm_source=twitter&utm_medium=social\
             &utm_campaign=spring-launch&utm_content=AbC-_12345&utm_id=42\
             &utm_source_platform=employee_advocacy#top"
        );
    }

    #[test]
    fn existing_utm_parameters_are_kept_unless_the_campaign_overwrites() {
        let u = url("https://example.com/?utm_source=newsletter&x=1");
        let kept = destination(&u, Network::Linkedin, Some(&campaign()), "t");
        assert!(
            kept.starts_with("https://example.com/?utm_source=newsletter&x=1&utm_medium=social")
        );
        assert!(!kept.contains("utm_source=linkedin"));
        let over = CampaignUtm {
            utm_overwrite: true,
            ..campaign()
        };
        let replaced = destination(&u, Network::Linkedin, Some(&over), "t");
        assert!(
            replaced.starts_with("https://example.com/?utm_source=linkedin&x=1&utm_medium=social")
        );
        // Without a campaign nothing is overwritten.
        let none = destination(&u, Network::Linkedin, None, "t");
        assert!(none.contains("utm_source=newsletter"));
    }

    #[test]
    fn short_urls() {
        assert_eq!(
            short_url("https://go.example.com", "abc1234"),
            "https://go.example.com/abc1234"
        );
        assert_eq!(
            short_url("https://go.example.com/", "abc1234"),
            "https://go.example.com/abc1234"
        );
    }

    #[test]
    fn times() {
        let utc = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&Utc)
                .naive_utc()
        };
        assert_eq!(
            parse_time("2026-03-01T12:00:00+09:00", chrono_tz::UTC).unwrap(),
            utc("2026-03-01T03:00:00Z")
        );
        assert_eq!(
            parse_time("2026-03-01T12:00:00.1234567Z", chrono_tz::UTC).unwrap(),
            utc("2026-03-01T12:00:00.123456Z")
        );
        assert_eq!(
            parse_time("2026-03-01", chrono_tz::Asia::Seoul).unwrap(),
            utc("2026-02-28T15:00:00Z")
        );
        assert_eq!(
            parse_time("2026-03-01", chrono_tz::UTC).unwrap(),
            utc("2026-03-01T00:00:00Z")
        );
        // Midnight does not exist in Santiago on the day DST starts (2026-09-06).
        assert_eq!(
            parse_time("2026-09-06", chrono_tz::America::Santiago).unwrap(),
            utc("2026-09-06T04:00:00Z")
        );
        for bad in [
            "tomorrow",
            "2026-02-30",
            "2026-03-01 12:00",
            "",
            "1700000000",
        ] {
            assert!(parse_time(bad, chrono_tz::UTC).is_err(), "{bad}");
        }
    }

    #[test]
    fn expiry() {
        let t = utc_naive("2026-03-01T12:00:00Z");
        assert!(!is_expired(None, t));
        assert!(is_expired(Some(t), t));
        assert!(!is_expired(Some(t + chrono::Duration::seconds(1)), t));
    }

    fn utc_naive(s: &str) -> NaiveDateTime {
        DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
    }
}
