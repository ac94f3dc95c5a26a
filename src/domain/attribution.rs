//! Attribution (DESIGN.md §4): which click may earn a conversion, and how a conversion's
//! credit is shared among the shares and employees behind its touchpoints.
//!
//! - A click *earns* credit ([`earns_credit`]) when it is human-looking and not the
//!   sharer's own: bots, link previews and flagged `self` clicks never do. Other flagged
//!   clicks (quick repeats, prefetches, scanner bursts) still came from a visitor's
//!   browser, and the conversion proves a person was there.
//! - A click is *in time* ([`in_window`]) when it happened at or before the conversion and
//!   no more than the attribution window before it.
//! - The stored attribution is **last click**: the conversion's final touchpoint, if it
//!   earns credit and is in time. Reports can switch [`Model`]s over the stored
//!   touchpoints with [`credit`]; *sourced* revenue is last click, *influenced* revenue
//!   ([`influenced`]) gives every employee (campaign, content item, network) with a
//!   creditable touchpoint the whole conversion and its full value once ([`tally`]).
//!
//! - **Customer continuity** ([`customer_continuity`]): a conversion reported with no
//!   click id at all but a `customer_id` earns what that customer's *first* conversion
//!   (the earliest stored at or before it) earned — the same click, share, employee and
//!   campaign — when that first one was attributed: a customer acquired through an
//!   employee's share stays theirs for later leads and sales (the customer lifetime value
//!   of DESIGN.md §5 counts the same way). The window does not apply again: it was met
//!   when the customer was acquired. A conversion that carries a click id is judged by
//!   that click alone.
//! - Everything else is stored unattributed, for one [`Unattributed`] reason.
//!
//! Credit comes as fractions (summing to 1 over a conversion with any credit) and as
//! whole minor units apportioned by largest remainder, so split revenue adds up to the
//! conversion's value exactly.

use chrono::{NaiveDateTime, TimeDelta};

/// Whether a stored click of `kind` (`human`, `flagged`, `bot`, `preview`) with
/// `flag_reason` may earn a conversion.
pub fn earns_credit(kind: &str, flag_reason: Option<&str>) -> bool {
    match kind {
        "human" => true,
        "flagged" => flag_reason != Some("self"),
        _ => false,
    }
}

/// How far a click may seem to follow the conversion it earned. The conversion's time
/// comes from another machine's clock (the website's server), often truncated to the
/// second, so a visitor who converts right after clicking can appear to convert a moment
/// *before* the click; five minutes covers any working clock, and no real conversion
/// precedes its click by more.
pub const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// Whether a click at `clicked_at` can earn a conversion at `converted_at`: not after it
/// (but for [`CLOCK_SKEW`]), and at most `window_days` days before it (the boundary itself
/// counts).
pub fn in_window(clicked_at: NaiveDateTime, converted_at: NaiveDateTime, window_days: u32) -> bool {
    clicked_at <= converted_at + CLOCK_SKEW
        && converted_at - clicked_at <= TimeDelta::days(window_days.into())
}

/// Why a conversion was stored without attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unattributed {
    /// Neither a click id nor a customer id.
    NoClickId,
    /// No click id, and the customer id was not seen before.
    NewCustomer,
    /// No click id, and the customer's first conversion was itself unattributed.
    CustomerNotAcquired,
    /// The click id names no stored click.
    UnknownClick,
    /// The click was a bot, a link preview or the sharer's own.
    NotCreditable,
    /// The click happened after the conversion, or more than the window before it.
    OutsideWindow,
}

impl Unattributed {
    pub const ALL: [Unattributed; 6] = [
        Unattributed::NoClickId,
        Unattributed::NewCustomer,
        Unattributed::CustomerNotAcquired,
        Unattributed::UnknownClick,
        Unattributed::NotCreditable,
        Unattributed::OutsideWindow,
    ];

    /// Position in [`Unattributed::ALL`], for counters.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unattributed::NoClickId => "no_click_id",
            Unattributed::NewCustomer => "new_customer",
            Unattributed::CustomerNotAcquired => "customer_not_acquired",
            Unattributed::UnknownClick => "unknown_click",
            Unattributed::NotCreditable => "not_creditable",
            Unattributed::OutsideWindow => "outside_window",
        }
    }

    /// For people, after a count: "2 without a click id".
    pub fn describe(self) -> &'static str {
        match self {
            Unattributed::NoClickId => "without a click id",
            Unattributed::NewCustomer => "of a customer seen for the first time",
            Unattributed::CustomerNotAcquired => "of a customer not acquired through a share",
            Unattributed::UnknownClick => "with an unknown click id",
            Unattributed::NotCreditable => "with a bot, preview or self click",
            Unattributed::OutsideWindow => "with a click outside the attribution window",
        }
    }
}

/// How a stored conversion came to be attributed, or why it was not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attribution {
    /// Its last click earned it.
    Click,
    /// Customer continuity: its customer's first conversion was attributed.
    Customer,
    Unattributed(Unattributed),
}

/// Whether a stored click of `kind` and `flag_reason` at `clicked_at` earns a conversion
/// judged at `converted_at` ([`earns_credit`] and [`in_window`]), or why not.
///
/// # Errors
/// [`Unattributed::NotCreditable`] or [`Unattributed::OutsideWindow`].
pub fn judge_click(
    kind: &str,
    flag_reason: Option<&str>,
    clicked_at: NaiveDateTime,
    converted_at: NaiveDateTime,
    window_days: u32,
) -> Result<(), Unattributed> {
    if !earns_credit(kind, flag_reason) {
        Err(Unattributed::NotCreditable)
    } else if !in_window(clicked_at, converted_at, window_days) {
        Err(Unattributed::OutsideWindow)
    } else {
        Ok(())
    }
}

/// Customer continuity for a conversion without click ids: `first_attributed` tells
/// whether the customer's first conversion (the earliest stored at or before this one)
/// was attributed, `None` when there is none. `Ok` means this conversion earns what that
/// first one earned.
///
/// # Errors
/// [`Unattributed::NewCustomer`] or [`Unattributed::CustomerNotAcquired`].
pub fn customer_continuity(first_attributed: Option<bool>) -> Result<(), Unattributed> {
    match first_attributed {
        None => Err(Unattributed::NewCustomer),
        Some(false) => Err(Unattributed::CustomerNotAcquired),
        Some(true) => Ok(()),
    }
}

/// What a creditable touchpoint resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch {
    pub share_id: i64,
    pub employee_id: i64,
    pub campaign_id: Option<i64>,
}

/// How a conversion's credit is shared over its touchpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Model {
    /// All credit to the final touchpoint (the stored attribution), or none when it
    /// does not earn credit.
    #[default]
    LastClick,
    /// All credit to the oldest creditable touchpoint.
    FirstClick,
    /// Credit split evenly over the creditable touchpoints.
    Linear,
}

impl Model {
    pub const ALL: [Model; 3] = [Model::LastClick, Model::FirstClick, Model::Linear];

    pub fn as_str(self) -> &'static str {
        match self {
            Model::LastClick => "last_click",
            Model::FirstClick => "first_click",
            Model::Linear => "linear",
        }
    }

    /// `last_click`, `first_click` or `linear`.
    pub fn parse(value: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.as_str() == value)
    }
}

/// One share's part of a conversion.
#[derive(Debug, Clone, PartialEq)]
pub struct Credit {
    pub share_id: i64,
    pub employee_id: i64,
    pub campaign_id: Option<i64>,
    /// In (0, 1]; the credits of one conversion sum to 1.
    pub fraction: f64,
    /// This share's part of the value, in whole minor units; the credits of one
    /// conversion sum to the value exactly.
    pub value_cents: i64,
}

/// Shares the credit of one conversion under `model`. `touches` are its touchpoints in
/// stored order (oldest first, the last click last), `None` where a touchpoint earns no
/// credit (unknown, out of the window, bot, preview or self click). `value_cents` is the
/// conversion's value (0 when it has none).
///
/// The result has one entry per share, in order of first appearance; a share touched
/// twice under `Linear` gets both parts. Empty when nothing earns credit.
pub fn credit(model: Model, touches: &[Option<Touch>], value_cents: i64) -> Vec<Credit> {
    let weights: Vec<(Touch, u64)> = match model {
        Model::LastClick => touches
            .last()
            .copied()
            .flatten()
            .map(|t| vec![(t, 1)])
            .unwrap_or_default(),
        Model::FirstClick => touches
            .iter()
            .flatten()
            .next()
            .map(|t| vec![(*t, 1)])
            .unwrap_or_default(),
        Model::Linear => {
            let mut merged: Vec<(Touch, u64)> = Vec::new();
            for touch in touches.iter().flatten() {
                match merged
                    .iter_mut()
                    .find(|(t, _)| t.share_id == touch.share_id)
                {
                    Some((_, n)) => *n += 1,
                    None => merged.push((*touch, 1)),
                }
            }
            merged
        }
    };
    let total: u64 = weights.iter().map(|(_, w)| w).sum();
    if total == 0 {
        return Vec::new();
    }
    let cents = apportion(
        value_cents,
        &weights.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
    );
    weights
        .into_iter()
        .zip(cents)
        .map(|((touch, weight), value_cents)| Credit {
            share_id: touch.share_id,
            employee_id: touch.employee_id,
            campaign_id: touch.campaign_id,
            fraction: weight as f64 / total as f64,
            value_cents,
        })
        .collect()
}

/// Sourced revenue: the last click's credit (at most one entry).
pub fn sourced(touches: &[Option<Touch>], value_cents: i64) -> Option<Credit> {
    credit(Model::LastClick, touches, value_cents)
        .into_iter()
        .next()
}

/// Influenced credit: every share with at least one creditable touchpoint gets the whole
/// conversion and its full value (fraction 1 each, so these do not add up across shares),
/// in order of first appearance.
pub fn influenced(touches: &[Option<Touch>], value_cents: i64) -> Vec<Credit> {
    let mut out: Vec<Credit> = Vec::new();
    for touch in touches.iter().flatten() {
        if !out.iter().any(|c| c.share_id == touch.share_id) {
            out.push(Credit {
                share_id: touch.share_id,
                employee_id: touch.employee_id,
                campaign_id: touch.campaign_id,
                fraction: 1.0,
                value_cents,
            });
        }
    }
    out
}

/// Credit summed for one group of shares (an employee, a campaign, a content item, a
/// network): conversions as a sum of fractions, value in whole minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub conversions: f64,
    pub value_cents: i64,
}

/// Adds one conversion's `credits` to per-group tallies; `group` names a credited share's
/// group. Shared credit (a model's parts): a group gets the sum of its shares' parts.
/// Influenced credit ([`influenced`]): every group touched gets the whole conversion and
/// its full value once, however many of its shares were touched.
pub fn tally<K: Eq + std::hash::Hash + Clone>(
    tallies: &mut std::collections::HashMap<K, Tally>,
    credits: &[Credit],
    influenced: bool,
    group: impl Fn(&Credit) -> K,
) {
    let mut seen: Vec<K> = Vec::new();
    for c in credits {
        let key = group(c);
        if influenced {
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
        }
        let entry = tallies.entry(key).or_default();
        entry.conversions += if influenced { 1.0 } else { c.fraction };
        entry.value_cents = entry.value_cents.saturating_add(c.value_cents);
    }
}

/// Splits `value` into whole parts proportional to `weights` (largest remainder; ties go
/// to the earlier part), so the parts sum to `value` exactly.
fn apportion(value: i64, weights: &[u64]) -> Vec<i64> {
    let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let negative = value < 0;
    let magnitude = u128::from(value.unsigned_abs());
    let mut parts: Vec<u128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = magnitude * u128::from(*w);
        parts.push(exact / total);
        remainders.push((exact % total, i));
    }
    let mut left = magnitude - parts.iter().sum::<u128>();
    // Largest remainder first; among equal remainders the earlier part (stable sort).
    remainders.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .map(|p| {
            let p = i64::try_from(p).unwrap_or(i64::MAX);
            if negative {
                -p
            } else {
                p
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, day)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    fn t(share_id: i64, employee_id: i64) -> Option<Touch> {
        Some(Touch {
            share_id,
            employee_id,
            campaign_id: Some(share_id * 10),
        })
    }

    fn shares(credits: &[Credit]) -> Vec<(i64, i64)> {
        credits
            .iter()
            .map(|c| (c.share_id, c.value_cents))
            .collect()
    }

    fn assert_fraction(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-12, "{actual} != {expected}");
    }

    #[test]
    fn bots_previews_and_self_clicks_earn_nothing() {
        assert!(earns_credit("human", None));
        assert!(earns_credit("flagged", Some("repeat")));
        assert!(earns_credit("flagged", Some("burst")));
        assert!(earns_credit("flagged", Some("prefetch")));
        assert!(!earns_credit("flagged", Some("self")));
        assert!(!earns_credit("bot", None));
        assert!(!earns_credit("preview", None));
        assert!(!earns_credit("something_new", None));
    }

    #[test]
    fn the_window_counts_back_from_the_conversion() {
        assert!(in_window(at(1, 12), at(1, 12), 30), "same instant");
        assert!(in_window(at(1, 12), at(31, 12), 30), "exactly 30 days");
        assert!(!in_window(at(1, 11), at(31, 12), 30), "30 days and an hour");
        assert!(
            !in_window(at(2, 12), at(1, 12), 30),
            "click after the conversion"
        );
        let conversion = at(1, 12);
        assert!(
            in_window(conversion + CLOCK_SKEW, conversion, 30),
            "clock skew"
        );
        assert!(!in_window(
            conversion + CLOCK_SKEW + TimeDelta::seconds(1),
            conversion,
            30
        ));
        assert!(in_window(at(1, 12), at(2, 11), 1));
        assert!(!in_window(at(1, 12), at(2, 13), 1));
    }

    #[test]
    fn a_refused_click_says_why() {
        let converted = at(10, 12);
        assert_eq!(judge_click("human", None, at(9, 12), converted, 30), Ok(()));
        assert_eq!(
            judge_click("flagged", Some("repeat"), at(9, 12), converted, 30),
            Ok(())
        );
        for (kind, flag) in [("bot", None), ("preview", None), ("flagged", Some("self"))] {
            assert_eq!(
                judge_click(kind, flag, at(9, 12), converted, 30),
                Err(Unattributed::NotCreditable),
                "{kind}"
            );
        }
        assert_eq!(
            judge_click("human", None, at(1, 11), converted, 9),
            Err(Unattributed::OutsideWindow),
            "too old"
        );
        assert_eq!(
            judge_click("human", None, at(11, 12), converted, 30),
            Err(Unattributed::OutsideWindow),
            "after the conversion"
        );
        assert_eq!(
            judge_click("bot", None, at(1, 1), converted, 1),
            Err(Unattributed::NotCreditable),
            "a bot is a bot, in time or not"
        );
    }

    #[test]
    fn a_customer_is_continued_only_when_acquired_through_a_click() {
        assert_eq!(customer_continuity(Some(true)), Ok(()));
        assert_eq!(
            customer_continuity(Some(false)),
            Err(Unattributed::CustomerNotAcquired)
        );
        assert_eq!(customer_continuity(None), Err(Unattributed::NewCustomer));
        for (i, reason) in Unattributed::ALL.into_iter().enumerate() {
            assert_eq!(reason.index(), i);
            assert!(!reason.describe().is_empty() && !reason.as_str().is_empty());
        }
    }

    #[test]
    fn models_parse_by_name() {
        for m in Model::ALL {
            assert_eq!(Model::parse(m.as_str()), Some(m));
        }
        assert_eq!(Model::parse("position_based"), None);
        assert_eq!(Model::default(), Model::LastClick);
    }

    #[test]
    fn last_click_is_the_final_touchpoint_or_nothing() {
        let touches = [t(1, 100), t(2, 200), t(3, 300)];
        let c = credit(Model::LastClick, &touches, 9_900);
        assert_eq!(shares(&c), [(3, 9_900)]);
        assert_eq!(c[0].employee_id, 300);
        assert_eq!(c[0].campaign_id, Some(30));
        assert_fraction(c[0].fraction, 1.0);
        // A final touchpoint that earns nothing leaves the conversion unattributed, as
        // stored, even when earlier ones would have earned.
        assert!(credit(Model::LastClick, &[t(1, 100), None], 500).is_empty());
        assert_eq!(sourced(&touches, 10).map(|c| c.share_id), Some(3));
        assert_eq!(sourced(&[t(1, 100), None], 10), None);
    }

    #[test]
    fn first_click_is_the_oldest_creditable_touchpoint() {
        let c = credit(Model::FirstClick, &[None, t(2, 200), t(3, 300)], 700);
        assert_eq!(shares(&c), [(2, 700)]);
        assert_fraction(c[0].fraction, 1.0);
        assert_eq!(
            shares(&credit(Model::FirstClick, &[t(1, 100)], 5)),
            [(1, 5)],
            "one touchpoint is both first and last"
        );
    }

    #[test]
    fn linear_splits_evenly_over_creditable_touchpoints() {
        let c = credit(Model::Linear, &[t(1, 100), None, t(2, 200), t(3, 300)], 100);
        assert_eq!(
            shares(&c),
            [(1, 34), (2, 33), (3, 33)],
            "remainder to the earliest"
        );
        for credit in &c {
            assert_fraction(credit.fraction, 1.0 / 3.0);
        }
        assert_eq!(c.iter().map(|c| c.value_cents).sum::<i64>(), 100);
        let sum: f64 = c.iter().map(|c| c.fraction).sum();
        assert_fraction(sum, 1.0);
    }

    #[test]
    fn linear_gives_a_share_touched_twice_two_parts() {
        let c = credit(Model::Linear, &[t(1, 100), t(2, 200), t(1, 100)], 1_000);
        assert_eq!(shares(&c), [(1, 667), (2, 333)]);
        assert_fraction(c[0].fraction, 2.0 / 3.0);
        assert_fraction(c[1].fraction, 1.0 / 3.0);
    }

    #[test]
    fn largest_remainders_get_the_odd_cents() {
        assert_eq!(apportion(10, &[1, 1, 1]), [4, 3, 3]);
        assert_eq!(apportion(11, &[1, 1, 1]), [4, 4, 3]);
        assert_eq!(apportion(5, &[1, 3]), [1, 4], "1.25 and 3.75: the .75 wins");
        assert_eq!(apportion(0, &[1, 2]), [0, 0]);
        assert_eq!(apportion(7, &[]), Vec::<i64>::new());
        assert_eq!(apportion(-10, &[1, 1, 1]), [-4, -3, -3]);
        assert_eq!(
            apportion(i64::MAX, &[1, 1])
                .iter()
                .map(|v| *v as i128)
                .sum::<i128>(),
            i64::MAX as i128
        );
    }

    #[test]
    fn nothing_creditable_means_no_credit_under_any_model() {
        for model in Model::ALL {
            assert!(credit(model, &[], 100).is_empty(), "{model:?}");
            assert!(credit(model, &[None, None], 100).is_empty(), "{model:?}");
        }
        assert!(influenced(&[None], 100).is_empty());
    }

    #[test]
    fn a_conversion_without_value_still_shares_its_count() {
        let c = credit(Model::Linear, &[t(1, 100), t(2, 200)], 0);
        assert_eq!(shares(&c), [(1, 0), (2, 0)]);
        assert_fraction(c[0].fraction, 0.5);
    }

    fn by_employee(credits: &[Credit], influenced: bool) -> Vec<(i64, Tally)> {
        let mut tallies = std::collections::HashMap::new();
        tally(&mut tallies, credits, influenced, |c| c.employee_id);
        let mut out: Vec<(i64, Tally)> = tallies.into_iter().collect();
        out.sort_by_key(|(id, _)| *id);
        out
    }

    #[test]
    fn credit_per_employee_sums_their_shares() {
        // Employee 100 made shares 1 and 2; employee 200 made share 3.
        let c = credit(
            Model::Linear,
            &[t(1, 100), t(3, 200), t(2, 100), t(3, 200)],
            400,
        );
        let e = by_employee(&c, false);
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].0, e[0].1.value_cents), (100, 200));
        assert_eq!((e[1].0, e[1].1.value_cents), (200, 200));
        assert_fraction(e[0].1.conversions, 0.5);
        assert_fraction(e[1].1.conversions, 0.5);
    }

    #[test]
    fn influenced_gives_every_share_the_full_value_once() {
        let touches = [t(1, 100), None, t(2, 200), t(3, 100), t(1, 100)];
        let c = influenced(&touches, 5_000);
        assert_eq!(shares(&c), [(1, 5_000), (2, 5_000), (3, 5_000)]);
        assert!(c.iter().all(|c| c.fraction == 1.0));
    }

    #[test]
    fn influenced_counts_a_group_once_however_many_of_its_shares_were_touched() {
        // Employee 100 touched it through shares 1 and 3: one conversion, the value once.
        let c = influenced(&[t(1, 100), t(2, 200), t(3, 100)], 5_000);
        let e = by_employee(&c, true);
        let expected = Tally {
            conversions: 1.0,
            value_cents: 5_000,
        };
        assert_eq!(e, [(100, expected), (200, expected)]);
        // Shared credit of the same touches sums the parts instead.
        let shared = by_employee(
            &credit(Model::Linear, &[t(1, 100), t(2, 200), t(3, 100)], 3_000),
            false,
        );
        assert_eq!(shared[0].1.value_cents, 2_000);
        assert_fraction(shared[0].1.conversions, 2.0 / 3.0);
    }

    #[test]
    fn tallies_add_up_over_conversions() {
        let mut tallies = std::collections::HashMap::new();
        for model in [Model::LastClick, Model::FirstClick] {
            let c = credit(model, &[t(1, 100), t(2, 200)], 1_000);
            tally(&mut tallies, &c, false, |c| c.campaign_id);
        }
        assert_eq!(tallies.len(), 2);
        assert_eq!(tallies[&Some(10)].value_cents, 1_000);
        assert_eq!(tallies[&Some(20)].conversions, 1.0);
    }
}
