//! Follower and metrics snapshots (DESIGN.md §2): what an employee's audience on a
//! network, or a share's engagement, was at one time. [`validate_followers`] and
//! [`validate_metrics`] turn one record as it arrived (JSON, form, CSV row) into a
//! [`FollowerReading`] or [`MetricsReading`]; the store keeps many readings over time and
//! reports pick the latest one that applies.

use chrono::NaiveDateTime;

use super::network::Network;
use super::record::{self, Count, Errors, Invalid, RawNumber};

/// An employee's follower count on one network, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowerReading {
    pub network: Network,
    pub followers: Count,
    /// UTC.
    pub observed_at: NaiveDateTime,
}

/// A follower record as it arrived.
#[derive(Debug, Clone, Copy)]
pub struct FollowersInput<'a> {
    pub network: &'a str,
    pub followers: RawNumber<'a>,
    /// RFC 3339 or a bare date; absent or blank means now.
    pub observed_at: Option<&'a str>,
}

/// Checks a follower record: a network of the API list, a count from 0 to
/// [`record::MAX_COUNT`], an observation time that is not in the future.
///
/// # Errors
/// [`Invalid`] listing every broken field (`network`, `followers`, `observed_at`).
pub fn validate_followers(
    input: &FollowersInput<'_>,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<FollowerReading, Invalid> {
    let mut errors = Errors::default();
    let network = errors.check("network", "invalid_network", Network::parse(input.network));
    let followers = record::count(&mut errors, "followers", input.followers);
    let observed_at = errors.check(
        "observed_at",
        "invalid_observed_at",
        record::observed_at(input.observed_at, now, tz),
    );
    errors.finish(|| {
        Some(FollowerReading {
            network: network?,
            followers: followers?,
            observed_at: observed_at?,
        })
    })
}

/// A share's engagement at one time, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsReading {
    pub likes: Count,
    pub comments: Count,
    pub reshares: Count,
    /// Not every network tells.
    pub impressions: Option<Count>,
    /// UTC.
    pub observed_at: NaiveDateTime,
}

impl MetricsReading {
    /// Likes + comments + reshares (DESIGN.md §5 "engagement").
    pub fn engagement(&self) -> i64 {
        engagement(self.likes.get(), self.comments.get(), self.reshares.get())
    }
}

/// Likes + comments + reshares: the one formula, in [`super::kpi`].
pub use super::kpi::engagement;

/// A metrics record as it arrived.
#[derive(Debug, Clone, Copy)]
pub struct MetricsInput<'a> {
    pub likes: RawNumber<'a>,
    pub comments: RawNumber<'a>,
    pub reshares: RawNumber<'a>,
    /// Absent (or blank text) means unknown, not zero.
    pub impressions: Option<RawNumber<'a>>,
    /// RFC 3339 or a bare date; absent or blank means now.
    pub observed_at: Option<&'a str>,
}

/// Checks a metrics record: three counts, optional impressions, an observation time that
/// is not in the future.
///
/// # Errors
/// [`Invalid`] listing every broken field (`likes`, `comments`, `reshares`,
/// `impressions`, `observed_at`).
pub fn validate_metrics(
    input: &MetricsInput<'_>,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<MetricsReading, Invalid> {
    let mut errors = Errors::default();
    let likes = record::count(&mut errors, "likes", input.likes);
    let comments = record::count(&mut errors, "comments", input.comments);
    let reshares = record::count(&mut errors, "reshares", input.reshares);
    let impressions = record::optional_count(&mut errors, "impressions", input.impressions);
    let observed_at = errors.check(
        "observed_at",
        "invalid_observed_at",
        record::observed_at(input.observed_at, now, tz),
    );
    errors.finish(|| {
        Some(MetricsReading {
            likes: likes?,
            comments: comments?,
            reshares: reshares?,
            impressions: impressions?,
            observed_at: observed_at?,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record::MAX_COUNT;

    fn utc(s: &str) -> NaiveDateTime {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
    }

    const NOW: &str = "2026-03-10T12:00:00Z";

    fn followers(
        network: &str,
        n: RawNumber<'_>,
        at: Option<&str>,
    ) -> Result<FollowerReading, Invalid> {
        validate_followers(
            &FollowersInput {
                network,
                followers: n,
                observed_at: at,
            },
            utc(NOW),
            chrono_tz::UTC,
        )
    }

    #[test]
    fn a_follower_record_is_read() {
        let r = followers("linkedin", RawNumber::Number(1200), Some("2026-03-01")).unwrap();
        assert_eq!(r.network, Network::Linkedin);
        assert_eq!(r.followers.get(), 1200);
        assert_eq!(r.observed_at, utc("2026-03-01T00:00:00Z"));
        let r = followers("x", RawNumber::Text("1,500"), None).unwrap();
        assert_eq!(r.followers.get(), 1500);
        assert_eq!(r.observed_at, utc(NOW), "defaults to now");
    }

    #[test]
    fn every_broken_follower_field_is_named() {
        let err = followers("LinkedIn", RawNumber::Number(-1), Some("2027-01-01")).unwrap_err();
        let fields: Vec<(&str, &str)> = err.0.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            [
                ("network", "invalid_network"),
                ("followers", "invalid_count"),
                ("observed_at", "invalid_observed_at"),
            ]
        );
        assert!(err
            .to_string()
            .starts_with("network: unknown network \"LinkedIn\""));
        assert!(followers("x", RawNumber::Text(""), None).is_err());
        assert!(followers("x", RawNumber::Number(MAX_COUNT + 1), None).is_err());
        assert!(followers("x", RawNumber::Number(0), None).is_ok());
    }

    fn metrics(input: MetricsInput<'_>) -> Result<MetricsReading, Invalid> {
        validate_metrics(&input, utc(NOW), chrono_tz::UTC)
    }

    #[test]
    fn a_metrics_record_is_read() {
        let r = metrics(MetricsInput {
            likes: RawNumber::Number(10),
            comments: RawNumber::Number(2),
            reshares: RawNumber::Number(3),
            impressions: Some(RawNumber::Number(900)),
            observed_at: Some("2026-03-09T08:00:00+09:00"),
        })
        .unwrap();
        assert_eq!(r.engagement(), 15);
        assert_eq!(r.impressions.map(Count::get), Some(900));
        assert_eq!(r.observed_at, utc("2026-03-08T23:00:00Z"));
        let r = metrics(MetricsInput {
            likes: RawNumber::Text("1"),
            comments: RawNumber::Text("0"),
            reshares: RawNumber::Text("0"),
            impressions: Some(RawNumber::Text("")),
            observed_at: None,
        })
        .unwrap();
        assert_eq!(r.impressions, None, "blank impressions are unknown, not 0");
    }

    #[test]
    fn every_broken_metrics_field_is_named() {
        let err = metrics(MetricsInput {
            likes: RawNumber::Number(-1),
            comments: RawNumber::Text("many"),
            reshares: RawNumber::Number(0),
            impressions: Some(RawNumber::Number(-5)),
            observed_at: Some("soon"),
        })
        .unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["likes", "comments", "impressions", "observed_at"]);
    }

    #[test]
    fn engagement_never_overflows() {
        assert_eq!(engagement(1, 2, 3), 6);
        assert_eq!(engagement(i64::MAX, 1, 1), i64::MAX);
    }
}
