//! Verified human clicks (DESIGN.md §3): a click that looks human is still kept apart
//! (recorded as `flagged`, not counted) when it repeats the same visitor's click on the same
//! share within a few seconds, or belongs to a scanner burst — one visitor opening several
//! different short links within a second or two, as e-mail link scanners do.
//!
//! The [`Verifier`] sees human-looking clicks in arrival order and remembers each visitor's
//! last few seconds. A burst is only recognisable once it has happened, so the verdict on
//! the click that completes a burst also names the earlier clicks of that burst, which the
//! caller demotes after the fact.
//!
//! The cost of a click does not grow with how many clicks its visitor sent (a scanner, a
//! misbehaving bot or an attacker may send thousands a second from one address): per
//! visitor the verifier keeps the shares clicked most recently, newest first (enough to
//! decide a burst), the time of the latest click on every other share of the repeat window
//! (a map, pruned as it grows and capped), and the few human clicks that a burst could
//! still demote. Each click costs O(1) amortised; the verdicts are those of comparing the
//! click with every click of the visitor's window, as long as clicks arrive in time order
//! and a visitor opens fewer than [`OLDER_CAP`] distinct shares within the repeat window
//! (beyond that the oldest shares are forgotten, so a repeat on one of them passes as a
//! first click — such a visitor is a burst on every click anyway).

use std::collections::HashMap;

use smallvec::SmallVec;

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
    /// Earlier clicks (by click id, oldest first) that this click reveals as part of a
    /// burst; they were counted as human and must now be flagged `burst`.
    pub demote: Vec<String>,
}

/// A click id kept without an allocation when it has the usual 16 ASCII characters: the
/// verifier remembers the human clicks of the last few seconds and needs an id back only
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

/// Distinct shares kept newest first per visitor (at least `burst_links`): a short list is
/// scanned faster than a map is hashed, and nearly every visitor clicks one or two links.
const RECENT_MIN: usize = 8;

/// Shares pushed out of the recent list are kept for repeat checks up to this many per
/// visitor; beyond it the oldest are forgotten.
pub const OLDER_CAP: usize = 4_096;

/// Human clicks a burst could still demote, per visitor. Clicks arriving in time order
/// leave at most `burst_links - 1` of them (a third share within the window would have
/// been a burst); the cap only guards against clocks that jump.
const COUNTED_CAP: usize = 64;

/// One visitor's last few seconds. Nearly every visitor clicks once, so that case needs
/// no allocation and the entry stays small (the writer holds one per visitor of the last
/// five seconds: hundreds of thousands at full load).
#[derive(Debug)]
struct Visitor {
    /// The newest click's time, for forgetting quiet visitors.
    last_ms: i64,
    /// Distinct shares, most recently clicked first, with the latest click time of each.
    recent: SmallVec<[(i64, i64); 1]>,
    /// Human (counted) clicks within the burst window, oldest first.
    counted: SmallVec<[(i64, ClickId); 1]>,
    /// Shares that fell off `recent` (repeat checks only); only busy visitors have any.
    older: Option<Box<Older>>,
}

/// Shares with their latest click time, for a visitor who opened more than the recent
/// list holds.
#[derive(Debug)]
struct Older {
    shares: HashMap<i64, i64>,
    /// `shares` is pruned once it holds this many.
    prune_at: usize,
}

impl Visitor {
    fn new(at_ms: i64) -> Visitor {
        Visitor {
            last_ms: at_ms,
            recent: SmallVec::new(),
            counted: SmallVec::new(),
            older: None,
        }
    }

    /// The latest click on `share`, and where it sits in `recent`.
    fn latest(&self, share_id: i64) -> (Option<i64>, Option<usize>) {
        match self.recent.iter().position(|(s, _)| *s == share_id) {
            Some(i) => (Some(self.recent[i].1), Some(i)),
            None => (
                self.older
                    .as_ref()
                    .and_then(|o| o.shares.get(&share_id).copied()),
                None,
            ),
        }
    }

    /// Moves `share` to the front of `recent`, spilling the least recent share into
    /// `older` when the list is full.
    fn touch(&mut self, share_id: i64, at_ms: i64, at: Option<usize>, policy: &Policy) {
        match at {
            Some(i) => {
                let latest = self.recent[i].1.max(at_ms);
                self.recent[..=i].rotate_right(1);
                self.recent[0] = (share_id, latest);
            }
            None => {
                let latest = self
                    .older
                    .as_mut()
                    .and_then(|o| o.shares.remove(&share_id))
                    .map_or(at_ms, |t| t.max(at_ms));
                self.recent.insert(0, (share_id, latest));
                if self.recent.len() > RECENT_MIN.max(policy.burst_links) {
                    if let Some((spilled, last)) = self.recent.pop() {
                        if at_ms - last <= policy.repeat_ms {
                            let older = self.older.get_or_insert_with(|| {
                                Box::new(Older {
                                    shares: HashMap::new(),
                                    prune_at: 16,
                                })
                            });
                            older.shares.insert(spilled, last);
                            older.prune(at_ms, policy.repeat_ms);
                        }
                    }
                }
            }
        }
    }
}

impl Older {
    /// Drops shares older than the repeat window once the map has doubled since the last
    /// pruning (so each entry is looked at O(1) times), then the oldest beyond the cap.
    fn prune(&mut self, now_ms: i64, repeat_ms: i64) {
        if self.shares.len() < self.prune_at {
            return;
        }
        self.shares.retain(|_, t| now_ms - *t <= repeat_ms);
        if self.shares.len() > OLDER_CAP {
            let mut times: Vec<i64> = self.shares.values().copied().collect();
            let keep = OLDER_CAP / 2;
            let cut = times.len() - keep;
            let (_, oldest_kept, _) = times.select_nth_unstable(cut);
            let oldest_kept = *oldest_kept;
            self.shares.retain(|_, t| *t >= oldest_kept);
        }
        self.prune_at = (self.shares.len() * 2).max(16);
    }
}

/// Per-visitor memory of the last few seconds.
#[derive(Debug, Default)]
pub struct Verifier {
    policy: Policy,
    /// By visitor hash as a number: no allocation per click for the key.
    visitors: HashMap<u128, Visitor>,
    /// When quiet visitors were last forgotten.
    swept_at_ms: Option<i64>,
}

impl Verifier {
    pub fn new(policy: Policy) -> Verifier {
        Verifier {
            policy,
            visitors: HashMap::new(),
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
        let policy = self.policy;
        let v = self
            .visitors
            .entry(visitor_key(visitor))
            .or_insert_with(|| Visitor::new(at_ms));
        v.last_ms = v.last_ms.max(at_ms);

        let (latest, position) = v.latest(share_id);
        let repeat = latest.is_some_and(|t| at_ms - t <= policy.repeat_ms);
        // Distinct shares within the burst window, this click's included. Only the newest
        // `burst_links - 1` other shares can matter: if one of them is outside the window,
        // every share clicked before it is too.
        let others = v
            .recent
            .iter()
            .filter(|(s, _)| *s != share_id)
            .take(policy.burst_links.saturating_sub(1))
            .filter(|(_, t)| at_ms - *t <= policy.burst_ms)
            .count();
        let burst = 1 + others >= policy.burst_links;

        // Counted clicks that left the burst window can never be demoted any more.
        let stale = v
            .counted
            .iter()
            .take_while(|(t, _)| at_ms - *t > policy.burst_ms)
            .count();
        v.counted.drain(..stale);

        let verdict = if burst {
            Verdict {
                flag: Some(Flag::Burst),
                demote: v.counted.drain(..).map(|(_, id)| id.to_string()).collect(),
            }
        } else if repeat {
            Verdict {
                flag: Some(Flag::Repeat),
                demote: Vec::new(),
            }
        } else {
            if v.counted.len() >= COUNTED_CAP {
                v.counted.remove(0);
            }
            v.counted.push((at_ms, ClickId::new(click_id)));
            Verdict::default()
        };
        v.touch(share_id, at_ms, position, &policy);
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
        self.visitors.retain(|_, v| now_ms - v.last_ms <= horizon);
    }

    /// Visitors currently remembered (for tests and metrics).
    pub fn remembered(&self) -> usize {
        self.visitors.len()
    }

    /// Shares and clicks remembered for one visitor (for tests).
    #[cfg(test)]
    fn remembered_of(&self, visitor: &str) -> usize {
        self.visitors.get(&visitor_key(visitor)).map_or(0, |v| {
            v.recent.len() + v.counted.len() + v.older.as_ref().map_or(0, |o| o.shares.len())
        })
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

    /// One click of a test stream.
    #[derive(Debug, Clone)]
    struct Click {
        visitor: String,
        share: i64,
        id: String,
        at_ms: i64,
    }

    /// A small deterministic generator (xorshift64*), so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// The definition, computed the slow way for click `i`: compare it with every earlier
    /// click of its visitor in the window. `counted[j]` says whether click `j` is still a
    /// human click when click `i` arrives; the burst verdict updates it.
    fn reference(
        policy: Policy,
        clicks: &[Click],
        counted: &mut [bool],
        i: usize,
        window_start: usize,
    ) -> Verdict {
        let c = &clicks[i];
        let earlier = (window_start..i).filter(|&j| clicks[j].visitor == c.visitor);
        let repeat = earlier
            .clone()
            .any(|j| clicks[j].share == c.share && c.at_ms - clicks[j].at_ms <= policy.repeat_ms);
        let in_burst: Vec<usize> = earlier
            .filter(|&j| c.at_ms - clicks[j].at_ms <= policy.burst_ms)
            .collect();
        let mut shares: std::collections::HashSet<i64> =
            in_burst.iter().map(|&j| clicks[j].share).collect();
        shares.insert(c.share);
        if shares.len() >= policy.burst_links {
            let demote = in_burst
                .into_iter()
                .filter(|&j| std::mem::take(&mut counted[j]))
                .map(|j| clicks[j].id.clone())
                .collect();
            Verdict {
                flag: Some(Flag::Burst),
                demote,
            }
        } else if repeat {
            Verdict {
                flag: Some(Flag::Repeat),
                demote: vec![],
            }
        } else {
            counted[i] = true;
            human()
        }
    }

    /// Runs the verifier and the reference side by side over a stream in time order.
    fn agree_with_reference(policy: Policy, clicks: &[Click]) {
        let horizon = policy.repeat_ms.max(policy.burst_ms);
        let mut v = Verifier::new(policy);
        let mut counted = vec![false; clicks.len()];
        let mut window_start = 0;
        for (i, c) in clicks.iter().enumerate() {
            while c.at_ms - clicks[window_start].at_ms > horizon {
                window_start += 1;
            }
            let expected = reference(policy, clicks, &mut counted, i, window_start);
            let got = v.judge(&c.visitor, c.share, &c.id, c.at_ms);
            assert_eq!(got, expected, "click {i}: {c:?}");
        }
    }

    /// `n` clicks of `visitors` visitors on `shares` shares, gaps of 0..`max_gap_ms`.
    fn random_stream(
        seed: u64,
        n: usize,
        visitors: u64,
        shares: u64,
        max_gap_ms: u64,
    ) -> Vec<Click> {
        let mut rng = Rng(seed);
        let mut at_ms = 0;
        (0..n)
            .map(|i| {
                at_ms += rng.below(max_gap_ms + 1) as i64;
                Click {
                    visitor: format!("v{}", rng.below(visitors)),
                    share: rng.below(shares) as i64,
                    id: format!("c{i}"),
                    at_ms,
                }
            })
            .collect()
    }

    #[test]
    fn random_streams_get_the_verdicts_of_the_definition() {
        let policies = [
            Policy::default(),
            // A repeat window shorter than the burst window, and bigger bursts.
            Policy {
                repeat_ms: 700,
                burst_ms: 2_000,
                burst_links: 5,
            },
        ];
        for policy in policies {
            for seed in 1..=4 {
                // Few visitors and shares with short gaps: repeats and bursts all the time.
                agree_with_reference(policy, &random_stream(seed, 10_000, 3, 6, 400));
                // Many visitors and shares: mostly human clicks.
                agree_with_reference(policy, &random_stream(seed, 10_000, 200, 50, 20));
            }
        }
    }

    #[test]
    fn many_shares_spill_into_the_older_map_with_the_same_verdicts() {
        // One visitor opening 40 shares in turn, slowly enough that only some windows are
        // bursts: the recent list overflows and repeats come from the older map.
        let clicks: Vec<Click> = (0..4_000)
            .map(|i| Click {
                visitor: "v".into(),
                share: (i % 40) as i64,
                id: format!("c{i}"),
                at_ms: i as i64 * 130,
            })
            .collect();
        let policy = Policy {
            repeat_ms: 5_200,
            burst_ms: 300,
            burst_links: 4,
        };
        agree_with_reference(policy, &clicks);
    }

    #[test]
    fn a_visitor_with_100_000_clicks_in_the_window_costs_constant_time_per_click() {
        // 100 000 clicks within 5 s from one visitor, over phases of one, two, many and
        // a thousand shares, so repeats, humans and bursts all occur. The quadratic
        // verifier took minutes here; this one takes milliseconds.
        let palettes: [&[i64]; 10] = [
            &[1],
            &[1, 2],
            &[7],
            &[3, 4, 5, 6],
            &[9],
            &[],
            &[1, 2],
            &[8],
            &[],
            &[2],
        ];
        let mut rng = Rng(42);
        let clicks: Vec<Click> = (0..100_000)
            .map(|i| {
                let palette = palettes[i / 10_000];
                let share = if palette.is_empty() {
                    rng.below(1_000) as i64
                } else {
                    palette[rng.below(palette.len() as u64) as usize]
                };
                Click {
                    visitor: "scanner".into(),
                    share,
                    id: format!("c{i:06}"),
                    at_ms: (i / 20) as i64,
                }
            })
            .collect();
        assert!(clicks.last().unwrap().at_ms < Policy::default().repeat_ms);

        let policy = Policy::default();
        let mut v = Verifier::new(policy);
        let verdicts: Vec<Verdict> = clicks
            .iter()
            .map(|c| v.judge(&c.visitor, c.share, &c.id, c.at_ms))
            .collect();
        assert!(
            v.remembered_of("scanner") <= RECENT_MIN + 1_000 + COUNTED_CAP,
            "memory bounded by the shares, not the clicks"
        );

        // A sample checked against the definition. Whether an earlier click still counts
        // follows from the verdicts before it (its own and the demotions after it).
        let mut demoted_by: HashMap<&str, usize> = HashMap::new();
        for (k, verdict) in verdicts.iter().enumerate() {
            for id in &verdict.demote {
                assert!(demoted_by.insert(id, k).is_none(), "{id} demoted twice");
            }
        }
        let mut kinds = [0usize; 3];
        for verdict in &verdicts {
            kinds[match verdict.flag {
                None => 0,
                Some(Flag::Repeat) => 1,
                Some(Flag::Burst) => 2,
            }] += 1;
        }
        assert!(
            kinds.iter().all(|&n| n > 0),
            "humans, repeats and bursts: {kinds:?}"
        );
        for i in (0..clicks.len()).step_by(997).chain(
            // The first clicks after each change of palette, where verdicts change.
            (0..10).flat_map(|p| p * 10_000..p * 10_000 + 3),
        ) {
            let mut counted: Vec<bool> = (0..clicks.len())
                .map(|j| {
                    j < i
                        && verdicts[j].flag.is_none()
                        && demoted_by
                            .get(clicks[j].id.as_str())
                            .is_none_or(|&k| k >= i)
                })
                .collect();
            let expected = reference(policy, &clicks, &mut counted, i, 0);
            assert_eq!(verdicts[i], expected, "click {i}: {:?}", clicks[i]);
        }
    }

    #[test]
    fn a_visitor_opening_more_shares_than_the_cap_stays_bounded() {
        let policy = Policy::default();
        let mut v = Verifier::new(policy);
        for i in 0..50_000 {
            let verdict = v.judge("scanner", i, &format!("c{i}"), i / 20);
            if i >= 2 {
                assert_eq!(verdict.flag, Some(Flag::Burst));
            }
        }
        assert!(v.remembered_of("scanner") <= RECENT_MIN + OLDER_CAP + COUNTED_CAP);
    }
}
