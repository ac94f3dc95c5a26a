//! Verified human clicks (DESIGN.md §3): a click that looks human is still kept apart
//! (recorded as `flagged`, not counted) when it repeats the same visitor's click on the same
//! share within a few seconds, or belongs to a scanner burst — one visitor opening several
//! different short links within a second or two, as e-mail link scanners do.
//!
//! The [`Verifier`] sees human-looking clicks in arrival order and remembers each visitor's
//! last few seconds. A burst is only recognisable once it has happened, so the verdict on
//! the click that completes a burst also names the earlier clicks of that burst, which the
//! caller demotes after the fact.

use std::collections::{HashMap, VecDeque};

use super::visitor_book::visitor_key;

/// The windows that decide; the defaults follow what link scanners and double taps do.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Same visitor, same share, within this many milliseconds: a repeat.
    pub repeat_ms: i64,
    /// Distinct shares opened by one visitor within this many milliseconds …
    pub burst_ms: i64,
    /// … at least this many of them: a burst.
    pub burst_links: usize,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            repeat_ms: 5_000,
            burst_ms: 2_000,
            burst_links: 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Repeat,
    Burst,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Repeat => "repeat",
            Flag::Burst => "burst",
        }
    }
}

/// What to do with one click.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    /// `None`: a verified human click.
    pub flag: Option<Flag>,
    /// Earlier clicks (by click id) that this click reveals as part of a burst; they were
    /// counted as human and must now be flagged `burst`.
    pub demote: Vec<String>,
}

#[derive(Debug)]
struct Seen {
    at_ms: i64,
    share_id: i64,
    click_id: ClickId,
    counted: bool,
}

/// A click id kept without an allocation when it has the usual 16 ASCII characters: the
/// verifier remembers every human click of the last few seconds and needs an id back only
/// for the rare burst.
#[derive(Debug)]
enum ClickId {
    Usual([u8; 16]),
    Other(Box<str>),
}

impl ClickId {
    fn new(id: &str) -> ClickId {
        match <[u8; 16]>::try_from(id.as_bytes()) {
            Ok(bytes) if id.is_ascii() => ClickId::Usual(bytes),
            _ => ClickId::Other(id.into()),
        }
    }
}

impl std::fmt::Display for ClickId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Only ASCII is stored inline, so this is always valid UTF-8.
            ClickId::Usual(bytes) => f.write_str(std::str::from_utf8(bytes).unwrap_or_default()),
            ClickId::Other(id) => f.write_str(id),
        }
    }
}

/// Per-visitor memory of the last few seconds.
#[derive(Debug, Default)]
pub struct Verifier {
    policy: Policy,
    /// By visitor hash as a number: no allocation per click for the key.
    recent: HashMap<u128, VecDeque<Seen>>,
    /// When quiet visitors were last forgotten.
    swept_at_ms: Option<i64>,
}

impl Verifier {
    pub fn new(policy: Policy) -> Verifier {
        Verifier {
            policy,
            recent: HashMap::new(),
            swept_at_ms: None,
        }
    }

    fn horizon(&self) -> i64 {
        self.policy.repeat_ms.max(self.policy.burst_ms)
    }

    /// Judges one human-looking click. `at_ms` must not go backwards by more than the
    /// windows (clicks reach the single writer in arrival order).
    pub fn judge(&mut self, visitor: &str, share_id: i64, click_id: &str, at_ms: i64) -> Verdict {
        self.sweep(at_ms);
        let horizon = self.horizon();
        let policy = self.policy;
        let seen = self.recent.entry(visitor_key(visitor)).or_default();
        while seen.front().is_some_and(|s| at_ms - s.at_ms > horizon) {
            seen.pop_front();
        }

        let repeat = seen
            .iter()
            .any(|s| s.share_id == share_id && at_ms - s.at_ms <= policy.repeat_ms);
        let in_burst = |s: &Seen| at_ms - s.at_ms <= policy.burst_ms;
        // Distinct shares within the burst window, this click's included; the window holds
        // a handful of clicks, so counting beats collecting.
        let mut shares = 1;
        for (i, s) in seen.iter().enumerate() {
            if in_burst(s)
                && s.share_id != share_id
                && !seen
                    .iter()
                    .take(i)
                    .any(|p| in_burst(p) && p.share_id == s.share_id)
            {
                shares += 1;
            }
        }

        let verdict = if shares >= policy.burst_links {
            let demote = seen
                .iter_mut()
                .filter(|s| in_burst(s) && s.counted)
                .map(|s| {
                    s.counted = false;
                    s.click_id.to_string()
                })
                .collect();
            Verdict {
                flag: Some(Flag::Burst),
                demote,
            }
        } else if repeat {
            Verdict {
                flag: Some(Flag::Repeat),
                demote: Vec::new(),
            }
        } else {
            Verdict::default()
        };
        seen.push_back(Seen {
            at_ms,
            share_id,
            click_id: ClickId::new(click_id),
            counted: verdict.flag.is_none(),
        });
        verdict
    }

    /// Forgets visitors who have been quiet longer than the windows, once per window, so
    /// the memory stays proportional to the last few seconds of traffic and each visitor is
    /// looked at about once per window however busy the link is.
    fn sweep(&mut self, now_ms: i64) {
        let horizon = self.horizon();
        let last = *self.swept_at_ms.get_or_insert(now_ms);
        if now_ms - last <= horizon {
            return;
        }
        self.swept_at_ms = Some(now_ms);
        self.recent
            .retain(|_, seen| seen.back().is_some_and(|s| now_ms - s.at_ms <= horizon));
    }

    /// Visitors currently remembered (for tests and metrics).
    pub fn remembered(&self) -> usize {
        self.recent.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn human() -> Verdict {
        Verdict::default()
    }

    #[test]
    fn first_clicks_are_human() {
        let mut v = Verifier::new(Policy::default());
        assert_eq!(v.judge("a", 1, "c1", 0), human());
        assert_eq!(v.judge("b", 1, "c2", 10), human(), "another visitor");
        assert_eq!(
            v.judge("a", 2, "c3", 10_000),
            human(),
            "another share, later"
        );
    }

    #[test]
    fn a_quick_second_click_on_the_same_share_is_a_repeat() {
        let mut v = Verifier::new(Policy::default());
        assert_eq!(v.judge("a", 1, "c1", 0), human());
        assert_eq!(v.judge("a", 1, "c2", 1_500).flag, Some(Flag::Repeat));
        assert_eq!(
            v.judge("a", 1, "c3", 4_900).flag,
            Some(Flag::Repeat),
            "within 5 s of the last one"
        );
        assert_eq!(v.judge("a", 1, "c4", 10_000), human(), "after the window");
    }

    #[test]
    fn three_links_within_two_seconds_are_a_burst_and_demote_the_earlier_ones() {
        let mut v = Verifier::new(Policy::default());
        assert_eq!(v.judge("scanner", 1, "c1", 0), human());
        assert_eq!(v.judge("scanner", 2, "c2", 300), human());
        let verdict = v.judge("scanner", 3, "c3", 600);
        assert_eq!(verdict.flag, Some(Flag::Burst));
        assert_eq!(verdict.demote, vec!["c1".to_string(), "c2".to_string()]);
        let verdict = v.judge("scanner", 4, "c4", 900);
        assert_eq!(
            verdict,
            Verdict {
                flag: Some(Flag::Burst),
                demote: vec![]
            },
            "already demoted once"
        );
    }

    #[test]
    fn links_spread_over_time_are_not_a_burst() {
        let mut v = Verifier::new(Policy::default());
        assert_eq!(v.judge("a", 1, "c1", 0), human());
        assert_eq!(v.judge("a", 2, "c2", 1_500), human());
        assert_eq!(
            v.judge("a", 3, "c3", 3_600),
            human(),
            "c1 is outside the 2 s window"
        );
    }

    #[test]
    fn repeats_do_not_make_a_burst_on_their_own() {
        let mut v = Verifier::new(Policy::default());
        assert_eq!(v.judge("a", 1, "c1", 0), human());
        assert_eq!(v.judge("a", 1, "c2", 100).flag, Some(Flag::Repeat));
        assert_eq!(
            v.judge("a", 2, "c3", 200),
            human(),
            "two distinct shares only"
        );
    }

    #[test]
    fn demoted_ids_come_back_as_given() {
        let mut v = Verifier::new(Policy::default());
        // 16 ASCII characters (kept inline), then 16 bytes that are not ASCII.
        let ids = ["0AbCdEf123456789", "é-not-ascii-123"];
        assert_eq!(ids[1].len(), 16);
        assert_eq!(v.judge("scanner", 1, ids[0], 0), human());
        assert_eq!(v.judge("scanner", 2, ids[1], 100), human());
        let verdict = v.judge("scanner", 3, "a-longer-click-id-than-usual", 200);
        assert_eq!(verdict.demote, ids.map(String::from).to_vec());
    }

    #[test]
    fn quiet_visitors_are_forgotten() {
        let mut v = Verifier::new(Policy::default());
        for i in 0..10_000 {
            v.judge(&format!("v{i}"), 1, &format!("c{i}"), i / 10);
        }
        assert_eq!(v.remembered(), 10_000, "all within the windows");
        v.judge("v1", 2, "again", 4_900);
        assert_eq!(
            v.remembered(),
            10_000,
            "not swept before a window has passed"
        );
        v.judge("late", 1, "x", 1_000_000);
        assert_eq!(v.remembered(), 1, "only the visitor just seen");
    }
}
