//! Leaderboards (DESIGN.md §6): which boards exist, and how rows are ranked.

use serde::Serialize;

/// Every board of DESIGN.md §6, by its API name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Board {
    TopShares,
    PopularContent,
    MostSharedContent,
    EngagementShares,
    EmployeesClicks,
    EmployeesShares,
    EmployeesPosts,
    EmployeesEngagement,
    EmployeesReach,
    EmployeesConversions,
    EmployeesRevenue,
    Supporters,
}

impl Board {
    pub const ALL: [Board; 12] = [
        Board::TopShares,
        Board::PopularContent,
        Board::MostSharedContent,
        Board::EngagementShares,
        Board::EmployeesClicks,
        Board::EmployeesShares,
        Board::EmployeesPosts,
        Board::EmployeesEngagement,
        Board::EmployeesReach,
        Board::EmployeesConversions,
        Board::EmployeesRevenue,
        Board::Supporters,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Board::TopShares => "top-shares",
            Board::PopularContent => "popular-content",
            Board::MostSharedContent => "most-shared-content",
            Board::EngagementShares => "engagement-shares",
            Board::EmployeesClicks => "employees-clicks",
            Board::EmployeesShares => "employees-shares",
            Board::EmployeesPosts => "employees-posts",
            Board::EmployeesEngagement => "employees-engagement",
            Board::EmployeesReach => "employees-reach",
            Board::EmployeesConversions => "employees-conversions",
            Board::EmployeesRevenue => "employees-revenue",
            Board::Supporters => "supporters",
        }
    }

    pub fn parse(name: &str) -> Option<Board> {
        Board::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Whether rows are people (subject to privacy rules) rather than shares or content.
    pub fn ranks_people(self) -> bool {
        self.name().starts_with("employees-")
    }
}

/// One ranked row: rank 1 first, ties broken by label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub rank: usize,
    /// `None` for a row that names nobody (an anonymous or erased employee, people
    /// without a team): see `app::privacy`.
    pub id: Option<i64>,
    pub label: String,
    #[serde(serialize_with = "whole_when_possible")]
    pub value: f64,
}

/// A row's value as it is shown: counts stay integers (`3`, not `3.0`); shared credit
/// (linear attribution) and shares keep their fraction, rounded to 4 places.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shown {
    Whole(i64),
    Fraction(f64),
}

fn shown(value: f64) -> Shown {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        Shown::Whole(value as i64)
    } else {
        Shown::Fraction((value * 10_000.0).round() / 10_000.0)
    }
}

pub fn whole_when_possible<S: serde::Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
    match shown(*value) {
        Shown::Whole(n) => s.serialize_i64(n),
        Shown::Fraction(x) => s.serialize_f64(x),
    }
}

impl Ranked {
    /// The value as the JSON shows it, for CSV cells.
    pub fn value_text(&self) -> String {
        match shown(self.value) {
            Shown::Whole(n) => n.to_string(),
            Shown::Fraction(x) => x.to_string(),
        }
    }
}

/// The most rows a board answers (`limit` is 1..=MAX_ROWS).
pub const MAX_ROWS: usize = 1000;

/// The rows that can reach the first `keep` places of a ranking by value: every row whose
/// value is at least the `keep`-th highest (ties at the boundary kept, since labels break
/// them). Lets a report name only those rows instead of every row it counted.
pub fn contenders<T>(mut rows: Vec<T>, value: impl Fn(&T) -> i64, keep: usize) -> Vec<T> {
    rows.retain(|r| value(r) > 0);
    if rows.len() <= keep || keep == 0 {
        return rows;
    }
    let mut values: Vec<i64> = rows.iter().map(&value).collect();
    let (_, threshold, _) = values.select_nth_unstable_by(keep - 1, |a, b| b.cmp(a));
    let threshold = *threshold;
    rows.retain(|r| value(r) >= threshold);
    rows
}

/// [`contenders`] of `(id, value)` rows whose exact values are costly, given an upper
/// bound of each row's value (`bounds`): exact values (`exact`, for a batch of ids; rows
/// it leaves out are worth 0) are asked only for rows whose bound can still reach the
/// first `keep` places — in order of bound, a batch of `keep` at a time, until every row
/// left has a bound below the `keep`-th exact value found. The result is what
/// [`contenders`] would give over every row's exact value.
///
/// # Errors
/// The first error of `exact`.
pub fn contenders_by_bound<E>(
    mut bounds: Vec<(i64, i64)>,
    keep: usize,
    mut exact: impl FnMut(&[i64]) -> Result<Vec<(i64, i64)>, E>,
) -> Result<Vec<(i64, i64)>, E> {
    bounds.retain(|b| b.1 > 0);
    bounds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let batch = keep.max(1);
    let mut known: Vec<(i64, i64)> = Vec::new();
    let mut next = 0;
    while next < bounds.len() {
        let mut values: Vec<i64> = known.iter().map(|r| r.1).filter(|v| *v > 0).collect();
        let threshold = if keep > 0 && values.len() >= keep {
            *values.select_nth_unstable_by(keep - 1, |a, b| b.cmp(a)).1
        } else {
            0
        };
        // A bound equal to the threshold may still tie with the last place.
        if threshold > 0 && bounds[next].1 < threshold {
            break;
        }
        let end = bounds[next..]
            .iter()
            .take(batch)
            .take_while(|b| b.1 >= threshold)
            .count()
            + next;
        let ids: Vec<i64> = bounds[next..end].iter().map(|b| b.0).collect();
        known.extend(exact(&ids)?);
        next = end;
    }
    Ok(contenders(known, |r| r.1, keep))
}

/// Ranks by value (highest first), then label (A–Z), then id; drops rows with nothing to
/// show and keeps the first `limit`.
pub fn rank(mut rows: Vec<(Option<i64>, String, f64)>, limit: usize) -> Vec<Ranked> {
    rows.retain(|(_, _, value)| *value > 0.0);
    rows.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.0.cmp(&b.0))
    });
    rows.into_iter()
        .take(limit)
        .enumerate()
        .map(|(i, (id, label, value))| Ranked {
            rank: i + 1,
            id,
            label,
            value,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contenders_keep_every_row_that_can_reach_the_top_places() {
        let rows = vec![(1, 5), (2, 9), (3, 5), (4, 1), (5, 0), (6, 7)];
        let mut top = contenders(rows.clone(), |r| r.1, 3);
        top.sort();
        assert_eq!(
            top,
            [(1, 5), (2, 9), (3, 5), (6, 7)],
            "both 5s tie for third"
        );
        let mut all = contenders(rows.clone(), |r| r.1, 10);
        all.sort();
        assert_eq!(all.len(), 5, "zero values never rank");
        assert_eq!(contenders(rows, |r| r.1, 1), [(2, 9)]);
    }

    #[test]
    fn board_names_round_trip() {
        for board in Board::ALL {
            assert_eq!(Board::parse(board.name()), Some(board));
        }
        assert_eq!(Board::parse("employees-likes"), None);
        assert!(Board::EmployeesRevenue.ranks_people() && !Board::TopShares.ranks_people());
    }

    #[test]
    fn ranks_by_value_then_label() {
        let rows = vec![
            (Some(1), "Cho".into(), 5.0),
            (Some(2), "Ahn".into(), 5.0),
            (Some(3), "Baek".into(), 9.0),
            (None, "Dan".into(), 0.0),
            (Some(5), "Eun".into(), 0.5),
        ];
        let ranked = rank(rows, 10);
        let order: Vec<(usize, &str, f64)> = ranked
            .iter()
            .map(|r| (r.rank, r.label.as_str(), r.value))
            .collect();
        assert_eq!(
            order,
            [
                (1, "Baek", 9.0),
                (2, "Ahn", 5.0),
                (3, "Cho", 5.0),
                (4, "Eun", 0.5)
            ]
        );
        assert_eq!(
            rank(vec![(Some(1), "a".into(), 3.0), (None, "b".into(), 2.0)], 1).len(),
            1
        );
    }

    #[test]
    fn counts_serialise_as_integers_and_shares_as_fractions() {
        let row = |value| {
            let r = Ranked {
                rank: 1,
                id: Some(1),
                label: "a".into(),
                value,
            };
            serde_json::to_value(r).unwrap()["value"].clone()
        };
        assert_eq!(row(3.0), serde_json::json!(3));
        assert_eq!(row(1.0 / 3.0), serde_json::json!(0.3333));
    }

    #[test]
    fn bounded_contenders_equal_the_exact_ones_and_ask_for_few() {
        // Exact values, and bounds at or above them (some loose, some exact, some rows
        // worth nothing in the period).
        let exact: Vec<(i64, i64)> = (1..=500).map(|id| (id, (id * 37) % 101)).collect();
        let bounds: Vec<(i64, i64)> = exact
            .iter()
            .map(|(id, v)| (*id, v + (id % 7) * 3))
            .collect();
        for keep in [1, 3, 10, 50, 1000] {
            let mut asked = 0;
            let got = contenders_by_bound(bounds.clone(), keep, |ids: &[i64]| {
                asked += ids.len();
                Ok::<_, ()>(
                    exact
                        .iter()
                        .filter(|r| ids.contains(&r.0) && r.1 > 0)
                        .copied()
                        .collect(),
                )
            })
            .unwrap();
            let mut got = got;
            got.sort();
            let mut want = contenders(exact.clone(), |r| r.1, keep);
            want.sort();
            assert_eq!(got, want, "keep {keep}");
            if keep <= 10 {
                assert!(asked < 200, "keep {keep}: asked for {asked} of 500");
            }
        }
        let none: Result<Vec<(i64, i64)>, ()> = contenders_by_bound(Vec::new(), 5, |_| Ok(vec![]));
        assert_eq!(none, Ok(vec![]));
    }

    #[test]
    fn ties_at_the_last_place_are_kept_when_bounded() {
        let exact = [(1, 9), (2, 5), (3, 5), (4, 5), (5, 1)];
        let bounds = vec![(1, 9), (2, 6), (3, 5), (4, 8), (5, 5)];
        let mut got = contenders_by_bound(bounds, 2, |ids: &[i64]| {
            Ok::<_, ()>(
                exact
                    .iter()
                    .filter(|r| ids.contains(&r.0))
                    .copied()
                    .collect(),
            )
        })
        .unwrap();
        got.sort();
        assert_eq!(got, [(1, 9), (2, 5), (3, 5), (4, 5)]);
    }
}
