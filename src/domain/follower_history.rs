//! Follower counts over time, answered in memory: a report over many buckets (a year of
//! days) loads the snapshots once and asks each bucket's questions here, instead of two
//! queries per bucket.
//!
//! The rules are the store's single-query ones (`store::snapshots`): the count *at* a
//! time is the latest snapshot at or before it; a profile's first count in a period is its
//! earliest snapshot in `[from, to)`; among snapshots of the same time, the one written
//! last wins.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::NaiveDateTime;

/// Every snapshot of some (employee, network) profiles, per profile in time order.
#[derive(Debug, Default)]
pub struct FollowerHistory<P> {
    profiles: HashMap<P, Vec<(NaiveDateTime, i64)>>,
    /// Every snapshot's time and profile, in time order: which profiles moved in a period.
    timeline: Vec<(NaiveDateTime, P)>,
}

impl<P: Eq + Hash + Copy> FollowerHistory<P> {
    /// From snapshots in the order they were written (so a later one of the same time
    /// replaces an earlier one).
    pub fn new(snapshots: impl IntoIterator<Item = (P, NaiveDateTime, i64)>) -> Self {
        let mut profiles: HashMap<P, Vec<(NaiveDateTime, i64)>> = HashMap::new();
        for (profile, at, followers) in snapshots {
            profiles.entry(profile).or_default().push((at, followers));
        }
        let mut timeline: Vec<(NaiveDateTime, P)> = profiles
            .iter()
            .flat_map(|(p, list)| list.iter().map(|(at, _)| (*at, *p)))
            .collect();
        timeline.sort_by_key(|(at, _)| *at);
        for list in profiles.values_mut() {
            // Stable: equal times keep their written order, and the last of them stays.
            list.sort_by_key(|(at, _)| *at);
            let mut deduped: Vec<(NaiveDateTime, i64)> = Vec::with_capacity(list.len());
            for &(at, followers) in list.iter() {
                match deduped.last_mut() {
                    Some(last) if last.0 == at => last.1 = followers,
                    _ => deduped.push((at, followers)),
                }
            }
            *list = deduped;
        }
        FollowerHistory { profiles, timeline }
    }

    /// The count at `at`: the latest snapshot at or before it.
    pub fn at(&self, profile: &P, at: NaiveDateTime) -> Option<i64> {
        let list = self.profiles.get(profile)?;
        let after = list.partition_point(|(t, _)| *t <= at);
        after.checked_sub(1).map(|i| list[i].1)
    }

    /// The earliest count in `[from, to)`.
    pub fn first_in(&self, profile: &P, from: NaiveDateTime, to: NaiveDateTime) -> Option<i64> {
        let list = self.profiles.get(profile)?;
        let first = list.partition_point(|(t, _)| *t < from);
        list.get(first).filter(|(t, _)| *t < to).map(|(_, f)| *f)
    }

    /// Follower growth of every profile over `[from, to)` (DESIGN.md §5): per profile
    /// counted before `to`, its count at the period's last instant minus the count it
    /// started from (at `from`, or its first count in the period for a profile first
    /// counted then). Saturating.
    ///
    /// Only profiles with a snapshot inside the period can have grown, so only those are
    /// looked at: a year of daily buckets costs one pass over the snapshots.
    pub fn growth(&self, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
        let last_instant = to - chrono::TimeDelta::microseconds(1);
        let start = self.timeline.partition_point(|(at, _)| *at < from);
        let end = self.timeline.partition_point(|(at, _)| *at < to);
        let mut moved: Vec<&P> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (_, profile) in &self.timeline[start..end] {
            if seen.insert(profile) {
                moved.push(profile);
            }
        }
        moved.into_iter().fold(0i64, |sum, profile| {
            let Some(end) = self.at(profile, last_instant) else {
                return sum;
            };
            let Some(start) = self
                .at(profile, from)
                .or_else(|| self.first_in(profile, from, to))
            else {
                return sum;
            };
            sum.saturating_add(super::kpi::follower_growth(start, end))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, day)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    #[test]
    fn the_count_at_a_time_is_the_latest_at_or_before_it() {
        let h = FollowerHistory::new([(1, t(5, 0), 500), (1, t(2, 0), 200), (1, t(9, 0), 900)]);
        assert_eq!(h.at(&1, t(1, 23)), None);
        assert_eq!(h.at(&1, t(2, 0)), Some(200), "at the instant itself");
        assert_eq!(h.at(&1, t(6, 0)), Some(500));
        assert_eq!(h.at(&1, t(30, 0)), Some(900));
        assert_eq!(h.at(&2, t(30, 0)), None, "an unknown profile");
    }

    #[test]
    fn the_last_written_of_equal_times_wins() {
        let h = FollowerHistory::new([(1, t(2, 0), 200), (1, t(2, 0), 210), (1, t(1, 0), 100)]);
        assert_eq!(h.at(&1, t(2, 0)), Some(210));
        assert_eq!(h.first_in(&1, t(2, 0), t(3, 0)), Some(210));
    }

    #[test]
    fn first_in_a_period_is_inside_it() {
        let h = FollowerHistory::new([(1, t(2, 0), 200), (1, t(5, 0), 500)]);
        assert_eq!(h.first_in(&1, t(3, 0), t(9, 0)), Some(500));
        assert_eq!(h.first_in(&1, t(3, 0), t(5, 0)), None, "the end is outside");
        assert_eq!(h.first_in(&1, t(1, 0), t(9, 0)), Some(200));
    }

    #[test]
    fn growth_starts_from_the_last_count_before_or_the_first_inside() {
        let h = FollowerHistory::new([
            // A profile counted before the period: 100 → 160.
            ("a", t(1, 0), 100),
            ("a", t(4, 0), 130),
            ("a", t(6, 0), 160),
            // First counted inside the period: 50 → 80.
            ("b", t(4, 0), 50),
            ("b", t(5, 0), 80),
            // Only after the period: not counted.
            ("c", t(20, 0), 999),
            // Only before: no growth.
            ("d", t(1, 0), 10),
        ]);
        assert_eq!(h.growth(t(3, 0), t(10, 0)), 60 + 30);
        assert_eq!(
            h.growth(t(4, 12), t(5, 12)),
            30,
            "b grew; a did not move then"
        );
        assert_eq!(h.growth(t(11, 0), t(12, 0)), 0);
    }
}
