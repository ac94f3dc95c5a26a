//! Conversion credit (DESIGN.md §4) summed by employee, campaign, content item and
//! network: each conversion's credit is shared over its touchpoints under the chosen
//! model (*sourced*), or given whole to everyone who touched it (*influenced*), then
//! tallied per group. The conversions page, `GET /api/v1/attribution` and the
//! employees-conversions and -revenue boards under first-click or linear attribution (or
//! influenced) all read [`totals`], so a board's rows are the page's employee totals.
//!
//! What counts: every conversion of the period (of one kind when asked) for conversions,
//! and sales in the report's currency for revenue, as the revenue board has always
//! counted. Share filters (campaign, team, network, employee) keep the parts their
//! shares earned after the credit is shared: a team's half of a linear credit stays a
//! half.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use crate::db::DbConnection;
use crate::domain::attribution::{self, Credit, Tally};
use crate::domain::conversion::Kind;
use crate::domain::leaderboard::Board;
use crate::domain::network::Network;
use crate::store::conversions::CreditInput;
use crate::store::reports::{self, ReportFilter};
use crate::store::shares::CreditFacts;
use crate::store::{self, StoreError};

/// What narrows a credit report beyond a report filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreditScope {
    /// Only conversions of this kind.
    pub kind: Option<String>,
    /// Only the credit earned through this employee's shares.
    pub employee_id: Option<i64>,
}

/// One group's credit.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTotal<K> {
    pub key: K,
    /// The group's name as stored (a network's id for networks; empty for "no campaign").
    pub label: String,
    /// Conversions credited to the group: a sum of fractions under a shared model, whole
    /// conversions when influenced.
    pub conversions: f64,
    /// Credited sales in the report's currency, in minor units.
    pub revenue_cents: i64,
}

/// Credit by the four groupings, each sorted by conversions, then revenue (both
/// descending), then label.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreditTotals {
    pub by_employee: Vec<GroupTotal<i64>>,
    /// `None`: content outside any campaign.
    pub by_campaign: Vec<GroupTotal<Option<i64>>>,
    pub by_content: Vec<GroupTotal<i64>>,
    pub by_network: Vec<GroupTotal<String>>,
}

/// The credit of the period's conversions under `f`'s model and sourced/influenced
/// choice, by employee, campaign, content item and network.
pub fn totals(
    conn: &mut DbConnection,
    f: &ReportFilter,
    scope: &CreditScope,
) -> Result<CreditTotals, StoreError> {
    let keep: Option<HashSet<i64>> =
        reports::kept_shares(conn, f)?.map(|ids| ids.into_iter().collect());
    let inputs = store::conversions::list_credit_inputs(
        conn,
        f.period.from,
        f.period.to,
        scope.kind.as_deref(),
    )?;
    let credited: Vec<Vec<Credit>> = inputs
        .iter()
        .map(|input| {
            credit_of(input, f, |share_id| {
                keep.as_ref().is_none_or(|k| k.contains(&share_id))
            })
        })
        .collect();
    let mut share_ids: Vec<i64> = credited.iter().flatten().map(|c| c.share_id).collect();
    share_ids.sort_unstable();
    share_ids.dedup();
    let facts = store::shares::list_credit_facts(conn, &share_ids)?;
    // A share deleted since (or one the employee filter leaves out) earns no group.
    let credited: Vec<Vec<(Credit, &CreditFacts)>> = credited
        .into_iter()
        .map(|credits| {
            credits
                .into_iter()
                .filter_map(|c| {
                    let facts = facts.get(&c.share_id)?;
                    scope
                        .employee_id
                        .is_none_or(|e| e == facts.employee_id)
                        .then_some((c, facts))
                })
                .collect()
        })
        .collect();
    Ok(CreditTotals {
        by_employee: grouped(&credited, f.influenced, |facts| {
            (facts.employee_id, facts.employee_name.clone())
        }),
        by_campaign: grouped(&credited, f.influenced, |facts| {
            (
                facts.campaign_id,
                facts.campaign_name.clone().unwrap_or_default(),
            )
        }),
        by_content: grouped(&credited, f.influenced, |facts| {
            (facts.content_id, facts.content_title.clone())
        }),
        by_network: grouped(&credited, f.influenced, |facts| {
            (facts.network.clone(), facts.network.clone())
        }),
    })
}

/// The unranked rows of employees-conversions or employees-revenue from [`totals`]:
/// what the leaderboards show under first-click or linear attribution, or influenced.
pub fn board_rows(
    conn: &mut DbConnection,
    board: Board,
    f: &ReportFilter,
) -> Result<Vec<(i64, String, f64)>, StoreError> {
    let totals = totals(conn, f, &CreditScope::default())?;
    Ok(totals
        .by_employee
        .into_iter()
        .map(|g| {
            let value = if board == Board::EmployeesRevenue {
                g.revenue_cents as f64
            } else {
                g.conversions
            };
            (g.key, g.label, value)
        })
        .collect())
}

/// Whether a board is answered here rather than counted by the database: conversion
/// boards under a model other than last click, or influenced.
pub fn shares_credit(board: Board, f: &ReportFilter) -> bool {
    matches!(board, Board::EmployeesConversions | Board::EmployeesRevenue)
        && (f.model != attribution::Model::LastClick || f.influenced)
}

/// One conversion's credits under `f`, kept to the shares `kept` accepts. Its value
/// counts only for a sale in the report's currency (a conversion without a currency is
/// in the default one).
fn credit_of(input: &CreditInput, f: &ReportFilter, kept: impl Fn(i64) -> bool) -> Vec<Credit> {
    let in_currency = input.currency.as_deref().unwrap_or(&f.currency) == f.currency;
    let value_cents = if input.kind == Kind::SALE && in_currency {
        input.value_cents.unwrap_or(0)
    } else {
        0
    };
    if f.influenced {
        let touches: Vec<_> = input
            .touches
            .iter()
            .map(|t| t.filter(|t| kept(t.share_id)))
            .collect();
        attribution::influenced(&touches, value_cents)
    } else {
        attribution::credit(f.model, &input.touches, value_cents)
            .into_iter()
            .filter(|c| kept(c.share_id))
            .collect()
    }
}

/// Tallies every conversion's credits by the group `group` names for a share, with the
/// group's label, sorted as [`CreditTotals`] says.
fn grouped<K: Eq + Hash + Clone + Ord>(
    credited: &[Vec<(Credit, &CreditFacts)>],
    influenced: bool,
    group: impl Fn(&CreditFacts) -> (K, String),
) -> Vec<GroupTotal<K>> {
    let mut tallies: HashMap<K, Tally> = HashMap::new();
    let mut labels: HashMap<K, String> = HashMap::new();
    for conversion in credited {
        let credits: Vec<Credit> = conversion.iter().map(|(c, _)| c.clone()).collect();
        let keys: HashMap<i64, K> = conversion
            .iter()
            .map(|(c, facts)| {
                let (key, label) = group(facts);
                labels.entry(key.clone()).or_insert(label);
                (c.share_id, key)
            })
            .collect();
        attribution::tally(&mut tallies, &credits, influenced, |c| {
            keys[&c.share_id].clone()
        });
    }
    let mut out: Vec<GroupTotal<K>> = tallies
        .into_iter()
        .map(|(key, tally)| GroupTotal {
            label: labels.remove(&key).unwrap_or_default(),
            key,
            conversions: tally.conversions,
            revenue_cents: tally.value_cents,
        })
        .collect();
    out.sort_by(|a, b| {
        b.conversions
            .total_cmp(&a.conversions)
            .then_with(|| b.revenue_cents.cmp(&a.revenue_cents))
            .then_with(|| a.label.cmp(&b.label))
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

/// A network group's name as people write it (`LinkedIn`), for the API.
pub fn network_name(network: &str) -> &'static str {
    Network::parse(network).map_or("Other", Network::display_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::attribution::{Model, Touch};
    use crate::domain::period::Period;
    use crate::store::snapshots::Sources;

    fn filter(model: Model, influenced: bool) -> ReportFilter {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        ReportFilter {
            period: Period::new(at, at + chrono::TimeDelta::days(30), chrono_tz::UTC).unwrap(),
            campaign_id: None,
            team: None,
            network: None,
            unique: false,
            currency: "USD".into(),
            model,
            influenced,
            sources: Sources {
                include_self_reported: true,
            },
            channel: None,
            influence: Default::default(),
        }
    }

    fn touch(share_id: i64, employee_id: i64) -> Option<Touch> {
        Some(Touch {
            share_id,
            employee_id,
            campaign_id: None,
        })
    }

    fn sale(value: i64, currency: &str, touches: Vec<Option<Touch>>) -> CreditInput {
        CreditInput {
            kind: Kind::SALE.into(),
            value_cents: Some(value),
            currency: Some(currency.into()),
            touches,
        }
    }

    fn facts(employee_id: i64, network: &str) -> CreditFacts {
        CreditFacts {
            employee_id,
            employee_name: format!("E{employee_id}"),
            content_id: 1,
            content_title: "Post".into(),
            campaign_id: None,
            campaign_name: None,
            network: network.into(),
        }
    }

    #[test]
    fn only_sales_in_the_report_currency_carry_revenue() {
        let f = filter(Model::LastClick, false);
        let all = |_| true;
        let usd = credit_of(&sale(4_900, "USD", vec![touch(1, 10)]), &f, all);
        let eur = credit_of(&sale(9_900, "EUR", vec![touch(1, 10)]), &f, all);
        let mut lead = sale(5_000, "USD", vec![touch(1, 10)]);
        lead.kind = Kind::LEAD.into();
        let lead = credit_of(&lead, &f, all);
        assert_eq!(usd[0].value_cents, 4_900);
        assert_eq!((eur[0].value_cents, eur[0].fraction), (0, 1.0));
        assert_eq!((lead[0].value_cents, lead[0].fraction), (0, 1.0));
    }

    #[test]
    fn filters_keep_the_parts_their_shares_earned() {
        let input = sale(1_000, "USD", vec![touch(1, 10), touch(2, 20)]);
        let linear = credit_of(&input, &filter(Model::Linear, false), |s| s == 2);
        assert_eq!(linear.len(), 1);
        assert_eq!((linear[0].share_id, linear[0].value_cents), (2, 500));
        let influenced = credit_of(&input, &filter(Model::Linear, true), |s| s == 2);
        assert_eq!(
            (influenced[0].share_id, influenced[0].value_cents),
            (2, 1_000)
        );
    }

    #[test]
    fn groups_sum_shared_credit_and_count_influence_once() {
        // Employee 10 on LinkedIn (shares 1, 2), employee 20 on X (share 3).
        let f1 = facts(10, "linkedin");
        let f2 = facts(10, "linkedin");
        let f3 = facts(20, "x");
        let input = sale(900, "USD", vec![touch(1, 10), touch(2, 10), touch(3, 20)]);
        let with_facts = |credits: Vec<Credit>| -> Vec<(Credit, &CreditFacts)> {
            credits
                .into_iter()
                .map(|c| {
                    let f = match c.share_id {
                        1 => &f1,
                        2 => &f2,
                        _ => &f3,
                    };
                    (c, f)
                })
                .collect()
        };
        let linear = vec![with_facts(credit_of(
            &input,
            &filter(Model::Linear, false),
            |_| true,
        ))];
        let by_network = grouped(&linear, false, |f| (f.network.clone(), f.network.clone()));
        assert_eq!(by_network[0].key, "linkedin");
        assert_eq!(by_network[0].revenue_cents, 600);
        assert!((by_network[0].conversions - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(
            (by_network[1].key.as_str(), by_network[1].revenue_cents),
            ("x", 300)
        );

        let influenced = vec![with_facts(credit_of(
            &input,
            &filter(Model::Linear, true),
            |_| true,
        ))];
        let by_employee = grouped(&influenced, true, |f| {
            (f.employee_id, f.employee_name.clone())
        });
        assert_eq!(by_employee.len(), 2);
        for g in &by_employee {
            assert_eq!((g.conversions, g.revenue_cents), (1.0, 900), "{g:?}");
        }
        // Ties sort by label.
        assert_eq!(by_employee[0].label, "E10");
    }

    #[test]
    fn network_names_read_as_people_write_them() {
        assert_eq!(network_name("linkedin"), "LinkedIn");
        assert_eq!(network_name("nonsense"), "Other");
    }
}
