//! Support cases (DESIGN.md §2, §5 "response time, issues resolved"): a customer question
//! raised on a social channel, when it was opened, first answered and resolved.
//!
//! [`validate_case`] reads one case as it arrived; [`merge`] applies a case sent again
//! under the same `external_id` (support tools resend a case when it is answered or
//! resolved); [`summarise`] computes the KPI figures: median and p90 first-response time,
//! resolved count and share, each "no data" (`None`) when nothing qualifies.

use chrono::NaiveDateTime;

use super::conversion::optional_id;
use super::kpi;
use super::record::{self, Errors, Invalid};

pub use super::channel::{Channel, InvalidChannel, MAX_CHANNEL_LEN};

/// A case as it arrived. Times are RFC 3339 or bare dates (midnight in the configured
/// zone); absent or blank optional fields are not given.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseInput<'a> {
    pub channel: &'a str,
    pub opened_at: &'a str,
    pub first_response_at: Option<&'a str>,
    pub resolved_at: Option<&'a str>,
    pub external_id: Option<&'a str>,
}

/// The times of a case, in order: first response and resolution never before opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseTimes {
    /// UTC.
    pub opened_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
}

impl CaseTimes {
    /// Seconds from opening to the first response; `None` while unanswered.
    pub fn first_response_seconds(&self) -> Option<i64> {
        self.first_response_at
            .map(|t| (t - self.opened_at).num_seconds())
    }

    /// Seconds from opening to resolution; `None` while open.
    pub fn resolution_seconds(&self) -> Option<i64> {
        self.resolved_at.map(|t| (t - self.opened_at).num_seconds())
    }

    pub fn is_resolved(&self) -> bool {
        self.resolved_at.is_some()
    }
}

/// A validated case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub channel: Channel,
    pub times: CaseTimes,
    pub external_id: Option<String>,
}

/// Checks the order of a case's times: first response and resolution at or after
/// opening. (A resolution before the first response is allowed: a customer may close a
/// case themselves before anyone answers.)
///
/// # Errors
/// [`Invalid`] naming `first_response_at` and/or `resolved_at`.
pub fn check_order(times: &CaseTimes) -> Result<(), Invalid> {
    let mut errors = Errors::default();
    if times.first_response_at.is_some_and(|t| t < times.opened_at) {
        errors.add(
            "first_response_at",
            "invalid_time_order",
            "must not be before opened_at",
        );
    }
    if times.resolved_at.is_some_and(|t| t < times.opened_at) {
        errors.add(
            "resolved_at",
            "invalid_time_order",
            "must not be before opened_at",
        );
    }
    errors.finish(|| Some(()))
}

/// Reads a case: a [`Channel`], an `opened_at` and optional `first_response_at` and
/// `resolved_at` that are not in the future and in order ([`check_order`]), and an
/// optional `external_id` (at most [`super::conversion::MAX_ID_LEN`] characters; blank
/// means none).
///
/// # Errors
/// [`Invalid`] listing every broken field.
pub fn validate_case(
    input: &CaseInput<'_>,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<NewCase, Invalid> {
    let mut errors = Errors::default();
    let channel = errors.check("channel", "invalid_channel", Channel::parse(input.channel));
    let opened_at = errors.check(
        "opened_at",
        "invalid_opened_at",
        record::past_time(input.opened_at, now, tz),
    );
    let mut optional_time =
        |field: &'static str, code: &'static str, value: Option<&str>| match value
            .filter(|v| !v.trim().is_empty())
        {
            None => Some(None),
            Some(v) => errors
                .check(field, code, record::past_time(v, now, tz))
                .map(Some),
        };
    let first_response_at = optional_time(
        "first_response_at",
        "invalid_first_response_at",
        input.first_response_at,
    );
    let resolved_at = optional_time("resolved_at", "invalid_resolved_at", input.resolved_at);
    let external_id = errors.check(
        "external_id",
        "invalid_external_id",
        optional_id(input.external_id.map(|s| s.trim().to_owned())),
    );
    // Checked even when another field is broken, so a form shows every problem at once.
    let times = match (opened_at, first_response_at, resolved_at) {
        (Some(opened_at), Some(first_response_at), Some(resolved_at)) => {
            let times = CaseTimes {
                opened_at,
                first_response_at,
                resolved_at,
            };
            if let Err(Invalid(order)) = check_order(&times) {
                for e in order {
                    errors.add(e.field, e.code, e.message);
                }
            }
            Some(times)
        }
        _ => None,
    };
    errors.finish(|| {
        Some(NewCase {
            channel: channel?,
            times: times?,
            external_id: external_id?,
        })
    })
}

/// The case after `update` (sent again under the same `external_id`) meets `stored`: the
/// channel and opening time are the update's (the latest report describes the case), a
/// first response or resolution time it carries replaces the stored one, and one it
/// omits keeps the stored one — a resend never erases a time, so a case is not reopened
/// by a tool that sends only what changed.
///
/// # Errors
/// [`Invalid`] when the merged times are out of order (e.g. an update moves `opened_at`
/// after the stored first response).
pub fn merge(stored: &NewCase, update: &NewCase) -> Result<NewCase, Invalid> {
    let times = CaseTimes {
        opened_at: update.times.opened_at,
        first_response_at: update
            .times
            .first_response_at
            .or(stored.times.first_response_at),
        resolved_at: update.times.resolved_at.or(stored.times.resolved_at),
    };
    check_order(&times)?;
    Ok(NewCase {
        channel: update.channel.clone(),
        times,
        external_id: update.external_id.clone().or(stored.external_id.clone()),
    })
}

/// The KPI figures of a set of cases.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub cases: usize,
    /// Cases with a first response.
    pub answered: usize,
    /// Median seconds to the first response over answered cases; `None` without one.
    pub median_first_response_s: Option<f64>,
    /// 90th percentile (nearest rank) of the same; `None` without one.
    pub p90_first_response_s: Option<i64>,
    pub resolved: usize,
    /// `resolved / cases`; `None` without cases (no data, never 0 %).
    pub resolved_share: Option<f64>,
}

/// Summarises cases: unanswered cases count as cases but not in the response times (they
/// have none yet; the page shows how many await an answer).
pub fn summarise(cases: &[CaseTimes]) -> Summary {
    let response: Vec<i64> = cases
        .iter()
        .filter_map(CaseTimes::first_response_seconds)
        .collect();
    let times = kpi::response_times(&response);
    let resolved = cases.iter().filter(|c| c.is_resolved()).count();
    let share = kpi::issues_resolved(resolved as i64, cases.len() as i64).share;
    Summary {
        cases: cases.len(),
        answered: response.len(),
        median_first_response_s: times.median_s,
        // Nearest rank: always one of the durations, so a whole number of seconds.
        p90_first_response_s: times.p90_s.map(|s| s as i64),
        resolved,
        resolved_share: share,
    }
}

/// A duration for people, in its two largest units, rounded down: `45 s`, `12 min`,
/// `1 h 05 min`, `3 d 4 h`. Negative durations (which [`check_order`] keeps out) show as
/// `0 s`.
pub fn format_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (days, hours, minutes) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    if s < 60 {
        format!("{s} s")
    } else if s < 3_600 {
        format!("{minutes} min")
    } else if s < 86_400 {
        format!("{hours} h {minutes:02} min")
    } else {
        format!("{days} d {hours} h")
    }
}

/// A share as a whole percentage, `67 %`.
pub fn format_share(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::conversion::MAX_ID_LEN;

    fn utc(s: &str) -> NaiveDateTime {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
    }

    const NOW: &str = "2026-03-10T12:00:00Z";

    fn case(input: CaseInput<'_>) -> Result<NewCase, Invalid> {
        validate_case(&input, utc(NOW), chrono_tz::UTC)
    }

    fn fields(err: &Invalid) -> Vec<&'static str> {
        err.0.iter().map(|e| e.field).collect()
    }

    #[test]
    fn channels_are_lowercase_tokens() {
        for (input, stored) in [
            ("twitter", "twitter"),
            (" Twitter ", "twitter"),
            ("facebook_dm", "facebook_dm"),
            ("app-store", "app-store"),
            ("x", "x"),
        ] {
            assert_eq!(Channel::parse(input).unwrap().as_str(), stored);
        }
        let long = "a".repeat(33);
        for bad in ["", "  ", "customer service", "e.mail", "café", &long, "a/b"] {
            assert!(Channel::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Channel::parse(&"a".repeat(32)).is_ok());
    }

    #[test]
    fn a_case_is_read() {
        let c = case(CaseInput {
            channel: "Twitter",
            opened_at: "2026-03-01T10:00:00Z",
            first_response_at: Some("2026-03-01T10:30:00Z"),
            resolved_at: Some(""),
            external_id: Some(" zd-42 "),
        })
        .unwrap();
        assert_eq!(c.channel.as_str(), "twitter");
        assert_eq!(c.times.first_response_seconds(), Some(1800));
        assert_eq!(c.times.resolved_at, None);
        assert_eq!(c.external_id.as_deref(), Some("zd-42"));
        let bare = case(CaseInput {
            channel: "x",
            opened_at: "2026-03-01",
            ..CaseInput::default()
        })
        .unwrap();
        assert_eq!(bare.times.opened_at, utc("2026-03-01T00:00:00Z"));
        assert_eq!(bare.external_id, None);
    }

    #[test]
    fn times_must_be_in_order() {
        let err = case(CaseInput {
            channel: "x",
            opened_at: "2026-03-01T10:00:00Z",
            first_response_at: Some("2026-03-01T09:59:59Z"),
            resolved_at: Some("2026-02-28"),
            external_id: None,
        })
        .unwrap_err();
        assert_eq!(fields(&err), ["first_response_at", "resolved_at"]);
        assert!(err.0.iter().all(|e| e.code == "invalid_time_order"));
        let both = case(CaseInput {
            channel: "a b",
            opened_at: "2026-03-01T10:00:00Z",
            resolved_at: Some("2026-03-01T09:00:00Z"),
            ..CaseInput::default()
        })
        .unwrap_err();
        assert_eq!(fields(&both), ["channel", "resolved_at"], "all at once");
        // Equal times are in order; resolution before the first response is allowed.
        assert!(case(CaseInput {
            channel: "x",
            opened_at: "2026-03-01T10:00:00Z",
            first_response_at: Some("2026-03-01T12:00:00Z"),
            resolved_at: Some("2026-03-01T10:00:00Z"),
            external_id: None,
        })
        .is_ok());
    }

    #[test]
    fn every_broken_field_is_named() {
        let err = case(CaseInput {
            channel: "Customer Care",
            opened_at: "",
            first_response_at: Some("tomorrow"),
            resolved_at: Some("2027-01-01"),
            external_id: Some(&"z".repeat(MAX_ID_LEN + 1)),
        })
        .unwrap_err();
        assert_eq!(
            fields(&err),
            [
                "channel",
                "opened_at",
                "first_response_at",
                "resolved_at",
                "external_id"
            ]
        );
        assert_eq!(err.of("opened_at").unwrap().message, "is required");
        assert!(err.of("resolved_at").unwrap().message.contains("future"));
    }

    fn times(opened: &str, first: Option<&str>, resolved: Option<&str>) -> NewCase {
        NewCase {
            channel: Channel::parse("x").unwrap(),
            times: CaseTimes {
                opened_at: utc(opened),
                first_response_at: first.map(utc),
                resolved_at: resolved.map(utc),
            },
            external_id: Some("e-1".into()),
        }
    }

    #[test]
    fn a_resend_adds_times_and_never_erases_one() {
        let stored = times("2026-03-01T10:00:00Z", Some("2026-03-01T10:10:00Z"), None);
        let resolved = times("2026-03-01T10:00:00Z", None, Some("2026-03-02T10:00:00Z"));
        let merged = merge(&stored, &resolved).unwrap();
        assert_eq!(
            merged.times.first_response_at,
            Some(utc("2026-03-01T10:10:00Z"))
        );
        assert_eq!(merged.times.resolved_at, Some(utc("2026-03-02T10:00:00Z")));
        let corrected = times("2026-03-01T10:00:00Z", Some("2026-03-01T10:05:00Z"), None);
        assert_eq!(
            merge(&merged, &corrected).unwrap().times.first_response_at,
            Some(utc("2026-03-01T10:05:00Z")),
            "a time given replaces the stored one"
        );
        let late_open = times("2026-03-01T11:00:00Z", None, None);
        assert_eq!(
            fields(&merge(&stored, &late_open).unwrap_err()),
            ["first_response_at"]
        );
    }

    #[test]
    fn summaries_have_no_data_rather_than_zero() {
        let empty = summarise(&[]);
        assert_eq!(empty.cases, 0);
        assert_eq!(empty.median_first_response_s, None);
        assert_eq!(empty.p90_first_response_s, None);
        assert_eq!(empty.resolved_share, None);

        let opened = utc("2026-03-01T00:00:00Z");
        let at = |s: i64| Some(opened + chrono::TimeDelta::seconds(s));
        let cases: Vec<CaseTimes> = [
            (at(60), at(100)),
            (at(120), None),
            (at(30), at(50)),
            (None, None),
            (at(600), None),
        ]
        .into_iter()
        .map(|(first_response_at, resolved_at)| CaseTimes {
            opened_at: opened,
            first_response_at,
            resolved_at,
        })
        .collect();
        let s = summarise(&cases);
        assert_eq!((s.cases, s.answered, s.resolved), (5, 4, 2));
        assert_eq!(s.median_first_response_s, Some(90.0));
        assert_eq!(s.p90_first_response_s, Some(600));
        assert_eq!(s.resolved_share, Some(0.4));

        let unanswered = summarise(&[CaseTimes {
            opened_at: opened,
            first_response_at: None,
            resolved_at: None,
        }]);
        assert_eq!(unanswered.median_first_response_s, None);
        assert_eq!(unanswered.resolved_share, Some(0.0), "one open case: 0 %");
    }

    #[test]
    fn durations_for_people() {
        assert_eq!(format_duration(0), "0 s");
        assert_eq!(format_duration(45), "45 s");
        assert_eq!(format_duration(60), "1 min");
        assert_eq!(format_duration(12 * 60 + 59), "12 min");
        assert_eq!(format_duration(3_600 + 5 * 60 + 7), "1 h 05 min");
        assert_eq!(format_duration(3 * 86_400 + 4 * 3_600 + 59), "3 d 4 h");
        assert_eq!(format_duration(-5), "0 s");
        assert_eq!(format_share(2.0 / 3.0), "67 %");
        assert_eq!(format_share(0.0), "0 %");
        assert_eq!(format_share(1.0), "100 %");
    }
}
