//! The KPI formulas of DESIGN.md §5, and the metric dictionary that explains them.
//!
//! This is the one place a KPI is computed. The store gathers the figures each formula
//! needs (counts, sums, distinct pairs, per-customer totals) and nothing more; the
//! application's report functions call these formulas, and the JSON API, the dashboard
//! pages and the CSV exports all render what those report functions return, so a KPI
//! cannot mean one thing on a page and another in an export.
//!
//! Conventions, shared by every function here:
//! - A ratio whose denominator is zero is `None` ("no data", DESIGN.md §5), never 0 or
//!   NaN; no function here returns a NaN or an infinity.
//! - Money is `i64` minor units of one currency; sums and products of money saturate at
//!   the `i64` bounds instead of wrapping or panicking, because a report must not crash
//!   or turn negative on one absurd stored value.
//! - Rounding to a minor unit is half away from zero (`0.5` cent → 1 cent).
//!
//! Nothing here knows about diesel, actix or the clock.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use super::conversion::Currency;

// ───────────────────────────── shared arithmetic ─────────────────────────────

/// `numerator / denominator`, or `None` when there is nothing to divide by. Counts are
/// never negative, so a negative denominator can only be corrupt input: no data beats a
/// negative rate on a dashboard.
fn ratio(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// Integer division rounded half away from zero; 0 when dividing by zero (callers check
/// first, but a report must not panic on a slip).
fn div_round(numerator: i128, denominator: i128) -> i128 {
    let (n, d) = (numerator.unsigned_abs(), denominator.unsigned_abs());
    // Doubling keeps the half-way test exact in integers; u128 has room for twice any
    // product of two i64 figures.
    let q = n
        .saturating_mul(2)
        .saturating_add(d)
        .checked_div(d.saturating_mul(2))
        .unwrap_or(0);
    let q = i128::try_from(q).unwrap_or(i128::MAX);
    if (numerator < 0) != (denominator < 0) {
        -q
    } else {
        q
    }
}

/// An `i128` intermediate brought back to `i64`, pinned at the bounds.
fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value > 0 { i64::MAX } else { i64::MIN })
}

/// A float amount of minor units rounded to a whole one and pinned at the `i64` bounds.
fn round_cents(value: f64) -> i64 {
    if value.is_nan() {
        0
    } else {
        // `as` saturates for out-of-range and infinite floats, which is the cap we want.
        value.round() as i64
    }
}

/// `Some(x)` when `x` is a real number; keeps NaN and infinities out of every answer.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

// ───────────────────────────── clicks and conversions ─────────────────────────────

/// Conversion rate (DESIGN.md §5): attributed conversions / human clicks.
///
/// May exceed 1: one click can convert several times (a lead, then a sale). `None` when
/// there were no human clicks.
pub fn conversion_rate(attributed_conversions: i64, human_clicks: i64) -> Option<f64> {
    ratio(attributed_conversions, human_clicks)
}

// ───────────────────────────── engagement and reach ─────────────────────────────

/// Engagement of one share (DESIGN.md §5): likes + comments + reshares of its latest
/// metrics snapshot in the period. Saturating, so rows stored before counts were bounded
/// cannot overflow a report.
pub fn engagement(likes: i64, comments: i64, reshares: i64) -> i64 {
    likes.saturating_add(comments).saturating_add(reshares)
}

/// What an engagement rate was divided by; the UI labels the *per post* fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngagementBasis {
    /// Σ engagement / Σ impressions.
    PerImpression,
    /// Σ engagement / number of shares, because no impressions were reported.
    PerPost,
}

impl EngagementBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            EngagementBasis::PerImpression => "per_impression",
            EngagementBasis::PerPost => "per_post",
        }
    }
}

/// An engagement rate and what it was divided by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngagementRate {
    /// Per impression, a ratio (0.05 = 5 %); per post, engagement actions per share
    /// (which may well exceed 1).
    pub value: f64,
    pub basis: EngagementBasis,
}

/// Engagement rate of a channel (DESIGN.md §5): Σ engagement / Σ impressions of the
/// shares on that channel in the period; when no impressions were reported (Σ = 0),
/// Σ engagement / number of shares, labelled *per post*.
///
/// Networks either report impressions or do not, so callers compute this per network
/// and pass the engagement of the same shares whose impressions they summed. `None`
/// when there are neither impressions nor shares.
pub fn engagement_rate(engagement: i64, impressions: i64, shares: i64) -> Option<EngagementRate> {
    if let Some(value) = ratio(engagement, impressions) {
        return Some(EngagementRate {
            value,
            basis: EngagementBasis::PerImpression,
        });
    }
    ratio(engagement, shares).map(|value| EngagementRate {
        value,
        basis: EngagementBasis::PerPost,
    })
}

/// Total employee reach (DESIGN.md §5): Σ followers over the *distinct* (employee,
/// network) pairs with a share in the period, each at its latest follower snapshot at or
/// before the period end.
///
/// `pairs` is `(employee, network, followers)`, one row per share is fine: an employee
/// who shares five posts on LinkedIn reaches their LinkedIn followers once. When the same
/// pair arrives with different figures, the largest counts, so the answer does not depend
/// on row order. Saturating.
pub fn total_employee_reach<E, N>(pairs: &[(E, N, i64)]) -> i64
where
    E: Eq + Hash,
    N: Eq + Hash,
{
    let mut distinct: HashMap<(&E, &N), i64> = HashMap::with_capacity(pairs.len());
    for (employee, network, followers) in pairs {
        let entry = distinct.entry((employee, network)).or_insert(0);
        *entry = (*entry).max((*followers).max(0));
    }
    distinct
        .values()
        .fold(0_i64, |sum, f| sum.saturating_add(*f))
}

/// Follower growth of one employee on one network (DESIGN.md §5): followers at the
/// period end − followers at the period start (each the latest snapshot at or before
/// that instant). Negative when followers were lost. Saturating.
pub fn follower_growth(at_start: i64, at_end: i64) -> i64 {
    at_end.saturating_sub(at_start)
}

// ───────────────────────────── revenue ─────────────────────────────

/// Value per customer (DESIGN.md §5): revenue / distinct customers, in minor units,
/// rounded half away from zero to a whole minor unit (1 000 cents over 3 customers → 333;
/// 1 000 over 6 → 167). `None` without customers.
pub fn value_per_customer_cents(revenue_cents: i64, distinct_customers: i64) -> Option<i64> {
    (distinct_customers > 0).then(|| {
        saturate(div_round(
            i128::from(revenue_cents),
            i128::from(distinct_customers),
        ))
    })
}

/// Customer lifetime value (DESIGN.md §5): the sale values of each customer over all
/// time, averaged over the customers first acquired through an attributed click.
///
/// `per_customer_cents` holds one all-time total per such customer (the caller picks
/// the customers and sums their sales); the mean is rounded half away from zero. `None`
/// without customers.
pub fn customer_lifetime_value_cents(per_customer_cents: &[i64]) -> Option<i64> {
    let count = i128::try_from(per_customer_cents.len())
        .ok()
        .filter(|n| *n > 0)?;
    // An i128 sum of i64 values cannot overflow for any slice that fits in memory, and
    // the mean of i64 values is itself within i64.
    let sum: i128 = per_customer_cents.iter().map(|c| i128::from(*c)).sum();
    Some(saturate(div_round(sum, count)))
}

/// One conversion of a customer, as [`acquired_customers`] reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerConversion<T> {
    pub customer: String,
    /// When it happened (any ordered time: the caller's day or instant).
    pub at: T,
    /// Attributed to a click of a share the report looks at.
    pub acquired_through_click: bool,
    /// A sale: its currency and value in that currency's minor units.
    pub sale: Option<(String, i64)>,
}

/// A customer first acquired through an attributed click, with every sale of theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquiredCustomer<T> {
    /// The time of the customer's first conversion: when they were acquired.
    pub acquired_at: T,
    /// Σ sale values over all the given conversions, per currency.
    pub sales_cents: BTreeMap<String, i64>,
}

/// The customers whose *first* conversion was attributed to a click (DESIGN.md §5,
/// customer lifetime value), each with all their sales. A customer whose first conversion
/// was not attributed (an existing customer, a direct visit) is left out even if a later
/// one was: the click did not acquire them. Conversions at the same time are taken in
/// the given order. Sums saturate.
pub fn acquired_customers<T: Ord + Copy>(
    conversions: &[CustomerConversion<T>],
) -> Vec<AcquiredCustomer<T>> {
    let mut first: HashMap<&str, (T, bool)> = HashMap::new();
    for c in conversions {
        let entry = first
            .entry(c.customer.as_str())
            .or_insert((c.at, c.acquired_through_click));
        if c.at < entry.0 {
            *entry = (c.at, c.acquired_through_click);
        }
    }
    let mut sales: HashMap<&str, BTreeMap<String, i64>> = HashMap::new();
    for c in conversions {
        if let Some((currency, cents)) = &c.sale {
            let sum = sales
                .entry(c.customer.as_str())
                .or_default()
                .entry(currency.clone())
                .or_default();
            *sum = sum.saturating_add(*cents);
        }
    }
    let mut out: Vec<(&str, AcquiredCustomer<T>)> = first
        .into_iter()
        .filter(|(_, (_, acquired))| *acquired)
        .map(|(customer, (at, _))| {
            (
                customer,
                AcquiredCustomer {
                    acquired_at: at,
                    sales_cents: sales.remove(customer).unwrap_or_default(),
                },
            )
        })
        .collect();
    // A stable order for callers and tests.
    out.sort_by(|a, b| (a.1.acquired_at, a.0).cmp(&(b.1.acquired_at, b.0)));
    out.into_iter().map(|(_, c)| c).collect()
}

/// One currency's revenue brought into the default currency.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertedAmount {
    /// ISO 4217 code, as stored.
    pub currency: String,
    /// The amount in that currency's minor units.
    pub original_cents: i64,
    /// Units of the default currency per unit of this one.
    pub rate: f64,
    /// The amount in the default currency's minor units.
    pub cents: i64,
}

/// Revenue in a currency that has no conversion rate: shown beside the total, never lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnconvertedAmount {
    pub currency: String,
    pub cents: i64,
}

/// Revenue in the default currency, and how it was made.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Converted {
    /// Default-currency revenue plus every converted amount, in default minor units.
    pub total_cents: i64,
    /// Each other currency that had a rate (the default currency itself is not listed).
    pub converted: Vec<ConvertedAmount>,
    /// Each other currency without a usable rate, left out of `total_cents`.
    pub unconverted: Vec<UnconvertedAmount>,
}

/// Revenue in one currency (DESIGN.md §4, §5): the default currency's amount plus every
/// other currency converted at the admin's fixed rate.
///
/// `rates` maps a code to the units of the default currency per unit of that currency
/// (EUR → USD 1.08 means 1 EUR = 1.08 USD). Minor units follow each currency's ISO 4217
/// exponent, so 1 200 JPY (exponent 0) at 0.0062 EUR each is 744 euro cents; codes
/// unknown to ISO 4217 are taken to have two decimals. Each converted amount is rounded
/// half away from zero to a default minor unit before summing.
///
/// A currency without a rate, or whose rate is not a positive finite number, goes to
/// `unconverted` with its amount. Codes are compared exactly, as stored (upper case).
/// Every sum saturates at the `i64` bounds.
pub fn convert_revenue(
    by_currency: &BTreeMap<String, i64>,
    default_currency: &str,
    rates: &BTreeMap<String, f64>,
) -> Converted {
    let default_exponent = minor_unit_exponent(default_currency);
    let mut out = Converted::default();
    for (currency, &cents) in by_currency {
        if currency == default_currency {
            out.total_cents = out.total_cents.saturating_add(cents);
            continue;
        }
        match rates
            .get(currency)
            .copied()
            .filter(|r| r.is_finite() && *r > 0.0)
        {
            Some(rate) => {
                let shift = i32::from(default_exponent) - i32::from(minor_unit_exponent(currency));
                let converted = round_cents(cents as f64 * rate * 10_f64.powi(shift));
                out.total_cents = out.total_cents.saturating_add(converted);
                out.converted.push(ConvertedAmount {
                    currency: currency.clone(),
                    original_cents: cents,
                    rate,
                    cents: converted,
                });
            }
            None => out.unconverted.push(UnconvertedAmount {
                currency: currency.clone(),
                cents,
            }),
        }
    }
    out
}

fn minor_unit_exponent(code: &str) -> u16 {
    Currency::parse(code)
        .ok()
        .and_then(Currency::exponent)
        .unwrap_or(2)
}

// ───────────────────────────── brand mentions ─────────────────────────────

/// Awareness (DESIGN.md §5): the number of own-brand mentions, posts and comments alike,
/// in an interval. Present so the dictionary and the reports name it like every other KPI.
pub fn awareness(own_mentions: i64) -> i64 {
    own_mentions
}

/// Share of voice, or buzz share (DESIGN.md §5): own-brand mentions / mentions of the
/// own brand and all its competitors (`all_mentions` includes the own ones). Computed per
/// channel, period or topic by passing that slice's counts. `None` without mentions.
pub fn share_of_voice(own_mentions: i64, all_mentions: i64) -> Option<f64> {
    ratio(own_mentions, all_mentions)
}

/// Support rate (DESIGN.md §5): distinct authors with a *positive* own-brand mention /
/// distinct authors who mentioned the own brand or a competitor, per channel.
///
/// The caller counts only positive sentiment as support: neutral and negative authors
/// are in the denominator, never in the numerator. An author counts once in each however
/// many mentions they wrote. `None` without authors.
pub fn support_rate(positive_own_authors: i64, all_authors: i64) -> Option<f64> {
    ratio(positive_own_authors, all_authors)
}

/// What "influence" measures for supporters (DESIGN.md §5): author reach by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Influence {
    /// The author's reach (followers) as reported with their mentions.
    #[default]
    Reach,
    /// How many positive own-brand mentions the author wrote.
    Mentions,
}

impl Influence {
    pub const ALL: [Influence; 2] = [Influence::Reach, Influence::Mentions];

    /// The `?influence=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Influence::Reach => "reach",
            Influence::Mentions => "mentions",
        }
    }

    pub fn parse(value: &str) -> Option<Influence> {
        Influence::ALL.into_iter().find(|i| i.as_str() == value)
    }
}

/// Supporter influence share (DESIGN.md §5): influence(author) / Σ influence(all
/// supporters). `None` when the supporters have no influence at all (all reach unknown).
pub fn supporter_influence_share(influence: i64, total_influence: i64) -> Option<f64> {
    ratio(influence.max(0), total_influence)
}

/// One supporter with their share of all supporters' influence.
#[derive(Debug, Clone, PartialEq)]
pub struct SupporterShare {
    pub author: String,
    pub influence: i64,
    pub share: Option<f64>,
}

/// Supporters ranked by influence share, highest first, ties broken by author name
/// (DESIGN.md §6). `supporters` is one `(author, influence)` row per author with a
/// positive own-brand mention (per channel, when ranking per channel); negative
/// influence counts as none.
pub fn rank_supporters(supporters: &[(String, i64)]) -> Vec<SupporterShare> {
    let total = supporters
        .iter()
        .fold(0_i64, |sum, (_, i)| sum.saturating_add((*i).max(0)));
    let mut ranked: Vec<SupporterShare> = supporters
        .iter()
        .map(|(author, influence)| SupporterShare {
            author: author.clone(),
            influence: (*influence).max(0),
            share: supporter_influence_share(*influence, total),
        })
        .collect();
    // Every share has the same denominator, so ordering by the integer influence is
    // ordering by share, without comparing floats.
    ranked.sort_by(|a, b| {
        b.influence
            .cmp(&a.influence)
            .then_with(|| a.author.cmp(&b.author))
    });
    ranked
}

/// Brand attribute recognition (DESIGN.md §5): own-brand mentions containing at least one
/// intended attribute keyword / all own-brand mentions. `None` without own mentions.
pub fn brand_attribute_recognition(with_attribute: i64, own_mentions: i64) -> Option<f64> {
    ratio(with_attribute, own_mentions)
}

// ───────────────────────────── customer care ─────────────────────────────

/// First-response times of support cases, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResponseTimes {
    pub median_s: Option<f64>,
    pub p90_s: Option<f64>,
}

/// Response time (DESIGN.md §5): median and 90th percentile of first response − opened,
/// over the answered cases given (unanswered cases have no duration and are left out by
/// the caller).
///
/// The median of an even count is the mean of the two middle values. The p90 is by the
/// nearest-rank method: the smallest duration with at least 90 % of the durations at or
/// below it, so it is always a time some case really took and "90 % were answered within
/// it" holds exactly (1 value → that value; 2 → the larger; 10 → the 9th smallest).
/// Both `None` without durations.
pub fn response_times(durations_s: &[i64]) -> ResponseTimes {
    let mut sorted = durations_s.to_vec();
    sorted.sort_unstable();
    ResponseTimes {
        median_s: median(&sorted),
        p90_s: nearest_rank(&sorted, 90).map(|s| s as f64),
    }
}

fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        return Some(sorted[n / 2] as f64);
    }
    // Halving each before adding keeps two huge durations from overflowing.
    Some(sorted[n / 2 - 1] as f64 / 2.0 + sorted[n / 2] as f64 / 2.0)
}

fn nearest_rank(sorted: &[i64], percent: usize) -> Option<i64> {
    let rank = percent
        .clamp(1, 100)
        .saturating_mul(sorted.len())
        .div_ceil(100);
    sorted.get(rank.checked_sub(1)?).copied()
}

/// Issues resolved: how many and what share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IssuesResolved {
    pub count: i64,
    /// `None` without cases.
    pub share: Option<f64>,
}

/// Issues resolved (DESIGN.md §5): the number of support cases resolved, and their share
/// of all cases (both counted over the same cases, e.g. those opened in the period).
pub fn issues_resolved(resolved: i64, total: i64) -> IssuesResolved {
    IssuesResolved {
        count: resolved,
        share: ratio(resolved, total),
    }
}

// ───────────────────────────── earned media value ─────────────────────────────

/// Earned media value (DESIGN.md §5): impressions × CPM / 1000 + clicks × CPC, with the
/// admin's rates in minor units.
///
/// Only the CPM term can leave a fraction; it is rounded half away from zero to a whole
/// minor unit (1 500 impressions at 333 cents CPM = 499.5 → 500 cents). Saturates at
/// `i64::MAX`.
pub fn earned_media_value_cents(
    impressions: i64,
    clicks: i64,
    cpm_cents: i64,
    cpc_cents: i64,
) -> i64 {
    let by_impressions = div_round(i128::from(impressions) * i128::from(cpm_cents), 1000);
    let by_clicks = i128::from(clicks) * i128::from(cpc_cents);
    saturate(by_impressions.saturating_add(by_clicks))
}

/// The figures and rates of one network, for [`total_earned_media_value_cents`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EmvFigures {
    pub impressions: i64,
    pub clicks: i64,
    /// Zero when the admin set no CPM for the network.
    pub cpm_cents: i64,
    /// Zero when the admin set no CPC for the network.
    pub cpc_cents: i64,
}

/// Earned media value over several networks, each at its own rates: the sum of each
/// network's [`earned_media_value_cents`] (so rounding happens per network). Saturating.
pub fn total_earned_media_value_cents(per_network: &[EmvFigures]) -> i64 {
    per_network.iter().fold(0_i64, |sum, f| {
        sum.saturating_add(earned_media_value_cents(
            f.impressions,
            f.clicks,
            f.cpm_cents,
            f.cpc_cents,
        ))
    })
}

// ───────────────────────────── engagement levels ─────────────────────────────

/// A level of KD Paine's audience funnel, with the figure that measures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Saw it: impressions.
    Lurking,
    /// Clicked: human clicks.
    Casual,
    /// Reacted: engagement.
    Active,
    /// Left their details: leads.
    Committed,
    /// Bought: sales.
    Loyalist,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Lurking,
        Level::Casual,
        Level::Active,
        Level::Committed,
        Level::Loyalist,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Lurking => "lurking",
            Level::Casual => "casual",
            Level::Active => "active",
            Level::Committed => "committed",
            Level::Loyalist => "loyalist",
        }
    }

    /// The dictionary name of the figure that measures this level.
    pub fn measure(self) -> &'static str {
        match self {
            Level::Lurking => "impressions",
            Level::Casual => "clicks",
            Level::Active => "engagement",
            Level::Committed => "leads",
            Level::Loyalist => "sales",
        }
    }
}

/// One level of the funnel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelStep {
    pub level: Level,
    pub count: i64,
    /// This level's count / the previous level's count; `None` for the first level and
    /// when the previous level is zero. Not capped at 1: the figures come from different
    /// sources (clicks can outnumber reported impressions).
    pub from_previous: Option<f64>,
}

/// The engagement-levels funnel, lurking first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Funnel {
    pub steps: [FunnelStep; 5],
}

/// Engagement levels (DESIGN.md §5, after KD Paine): lurking (impressions) → casual
/// (clicks) → active (engagement) → committed (leads) → loyalist (sales), each with its
/// conversion from the level before.
pub fn engagement_levels(
    impressions: i64,
    clicks: i64,
    engagement: i64,
    leads: i64,
    sales: i64,
) -> Funnel {
    let counts = [impressions, clicks, engagement, leads, sales];
    let steps = std::array::from_fn(|i| FunnelStep {
        level: Level::ALL[i],
        count: counts[i],
        from_previous: i.checked_sub(1).and_then(|p| ratio(counts[i], counts[p])),
    });
    Funnel { steps }
}

// ───────────────────────────── trend analysis ─────────────────────────────

/// Pearson's correlation coefficient of two series over the same intervals.
///
/// `None` when the series differ in length, have fewer than 3 points (two points always
/// lie on a line, which says nothing), contain a non-finite value, or when either has no
/// variance (a flat series correlates with nothing). Clamped to [-1, 1] against rounding.
pub fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let moments = Moments::of(a, b)?;
    let r = moments.sxy / (moments.sxx.sqrt() * moments.syy.sqrt());
    finite(r).map(|r| r.clamp(-1.0, 1.0))
}

/// Centred sums of two paired series, computed in two passes for numeric stability.
struct Moments {
    mean_x: f64,
    mean_y: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl Moments {
    fn of(x: &[f64], y: &[f64]) -> Option<Moments> {
        if x.len() != y.len() || x.len() < 3 || x.iter().chain(y).any(|v| !v.is_finite()) {
            return None;
        }
        let n = x.len() as f64;
        let mean_x = x.iter().sum::<f64>() / n;
        let mean_y = y.iter().sum::<f64>() / n;
        let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
        for (xi, yi) in x.iter().zip(y) {
            let (dx, dy) = (xi - mean_x, yi - mean_y);
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
        let usable = [mean_x, mean_y, sxx, syy, sxy]
            .iter()
            .all(|v| v.is_finite());
        (usable && sxx > 0.0 && syy > 0.0).then_some(Moments {
            mean_x,
            mean_y,
            sxx,
            syy,
            sxy,
        })
    }
}

/// Pearson correlation of a KPI series with revenue at lags 0..=`max_lag` (DESIGN.md §5
/// "trend analysis"): at lag `k`, the KPI of interval `t` is paired with revenue of
/// interval `t + k`, i.e. the KPI *leads* revenue by `k` intervals. Each lag is
/// [`pearson`] over the overlapping points (so `None` once fewer than 3 remain).
pub fn lagged_correlations(
    kpi: &[f64],
    revenue: &[f64],
    max_lag: usize,
) -> Vec<(usize, Option<f64>)> {
    let n = kpi.len().min(revenue.len());
    (0..=max_lag)
        .map(|lag| {
            let r = (lag < n)
                .then(|| pearson(&kpi[..n - lag], &revenue[lag..n]))
                .flatten();
            (lag, r)
        })
        .collect()
}

/// The lag whose correlation is strongest in either direction (largest |r|), the
/// smaller lag winning a tie; `None` when no lag has a correlation.
pub fn best_lag(correlations: &[(usize, Option<f64>)]) -> Option<(usize, f64)> {
    correlations
        .iter()
        .filter_map(|(lag, r)| r.map(|r| (*lag, r)))
        .fold(None, |best: Option<(usize, f64)>, (lag, r)| match best {
            Some((best_lag, best_r)) => match r.abs().total_cmp(&best_r.abs()) {
                Ordering::Greater => Some((lag, r)),
                Ordering::Equal if lag < best_lag => Some((lag, r)),
                _ => Some((best_lag, best_r)),
            },
            None => Some((lag, r)),
        })
}

/// Which way a point broke out of its trailing window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Spike,
    Drop,
}

/// Spikes and drops (DESIGN.md §5 "trend analysis"): the indices whose value lies more
/// than `sigmas` standard deviations from the mean of the `window` values before it.
///
/// The standard deviation is the sample one (divided by `window − 1`), so `window` must
/// be at least 2; the first `window` points have no full window and are never listed.
/// A flat window has no spread, so any departure from it counts, however small: after
/// weeks of exactly zero mentions, one mention *is* news. Points whose window or value
/// is not finite are skipped. DESIGN.md uses `sigmas` = 2.0.
pub fn spikes(series: &[f64], window: usize, sigmas: f64) -> Vec<(usize, Direction)> {
    if window < 2 {
        return Vec::new();
    }
    let mut found = Vec::new();
    for i in window..series.len() {
        let (past, value) = (&series[i - window..i], series[i]);
        if !value.is_finite() || past.iter().any(|v| !v.is_finite()) {
            continue;
        }
        let mean = past.iter().sum::<f64>() / window as f64;
        let variance = past.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (window - 1) as f64;
        let deviation = value - mean;
        if deviation.abs() > sigmas * variance.sqrt() {
            let direction = if deviation > 0.0 {
                Direction::Spike
            } else {
                Direction::Drop
            };
            found.push((i, direction));
        }
    }
    found
}

/// A least-squares line `y = slope × x + intercept` and how much of y's variance it
/// explains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearFit {
    pub slope: f64,
    pub intercept: f64,
    /// Coefficient of determination, in [0, 1].
    pub r2: f64,
}

impl LinearFit {
    /// The fitted y at `x`; `None` if it does not fit in a float.
    pub fn at(&self, x: f64) -> Option<f64> {
        finite(self.slope * x + self.intercept)
    }
}

/// Ordinary least squares of `y` on `x` (the revenue forecast's regression of revenue on
/// the best-correlated KPI). `None` on the same inputs as [`pearson`]: different lengths,
/// fewer than 3 points, non-finite values, or a flat series.
pub fn linear_fit(x: &[f64], y: &[f64]) -> Option<LinearFit> {
    let m = Moments::of(x, y)?;
    let slope = finite(m.sxy / m.sxx)?;
    let intercept = finite(m.mean_y - slope * m.mean_x)?;
    // For a least-squares line r² is the squared Pearson coefficient.
    let r = pearson(x, y)?;
    Some(LinearFit {
        slope,
        intercept,
        r2: (r * r).clamp(0.0, 1.0),
    })
}

// ───────────────────────────── metric dictionary ─────────────────────────────

/// How a metric's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// A whole number of things.
    Count,
    /// A plain number, 0.25 = 25 %; some may exceed 1.
    Ratio,
    /// Minor units of the default currency.
    Money,
    /// A duration in seconds.
    Seconds,
}

/// One entry of the metric dictionary: what a KPI tile, API total or CSV column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    /// The snake_case name used by the API (`/kpis` totals and series) and the exports.
    pub name: &'static str,
    pub kind: MetricKind,
    /// The formula, one line of English.
    pub formula: &'static str,
    /// The recorded figures it is computed from.
    pub inputs: &'static [&'static str],
}

/// Every KPI with its formula and inputs (DESIGN.md §5: "every KPI tile in the UI shows
/// its formula and its inputs on demand: one metric dictionary, no magic").
pub fn dictionary() -> &'static [Metric] {
    DICTIONARY
}

/// The dictionary entry of an API name.
pub fn metric(name: &str) -> Option<&'static Metric> {
    DICTIONARY.iter().find(|m| m.name == name)
}

// The English text lives only here so that the i18n pass, when it comes, has one table to
// translate (keyed by `name`) instead of strings scattered over pages and exports.
const DICTIONARY: &[Metric] = &[
    Metric {
        name: "clicks",
        kind: MetricKind::Count,
        formula: "verified human clicks on share links, counted on the day they happened",
        inputs: &["human clicks"],
    },
    Metric {
        name: "unique_clicks",
        kind: MetricKind::Count,
        formula: "distinct visitors per share per day, summed",
        inputs: &["visitor hashes of human clicks"],
    },
    Metric {
        name: "engagement",
        kind: MetricKind::Count,
        formula: "Σ likes + comments + reshares of each share's latest snapshot in the period",
        inputs: &["likes", "comments", "reshares"],
    },
    Metric {
        name: "engagement_rate",
        kind: MetricKind::Ratio,
        formula: "Σ likes+comments+reshares / Σ impressions of shares in the period; per post (÷ number of shares) when no impressions",
        inputs: &["engagement", "impressions", "shares"],
    },
    Metric {
        name: "impressions",
        kind: MetricKind::Count,
        formula: "Σ impressions of each share's latest snapshot in the period",
        inputs: &["impressions"],
    },
    Metric {
        name: "reach",
        kind: MetricKind::Count,
        formula: "an employee's followers on the share's network, latest snapshot at or before the period end",
        inputs: &["follower snapshots"],
    },
    Metric {
        name: "total_employee_reach",
        kind: MetricKind::Count,
        formula: "Σ followers over distinct (employee, network) pairs with a share in the period",
        inputs: &["follower snapshots", "shares"],
    },
    Metric {
        name: "follower_growth",
        kind: MetricKind::Count,
        formula: "followers at period end − followers at period start, per employee and network",
        inputs: &["follower snapshots"],
    },
    Metric {
        name: "conversions",
        kind: MetricKind::Count,
        formula: "conversions of any kind attributed to a share link's click",
        inputs: &["conversions with a valid click id"],
    },
    Metric {
        name: "unattributed_conversions",
        kind: MetricKind::Count,
        formula: "conversions without a valid click id, kept but credited to no one",
        inputs: &["conversions without a valid click id"],
    },
    Metric {
        name: "conversion_rate",
        kind: MetricKind::Ratio,
        formula: "attributed conversions / human clicks; above 1 when one click converts several times",
        inputs: &["conversions", "clicks"],
    },
    Metric {
        name: "leads",
        kind: MetricKind::Count,
        formula: "attributed conversions of kind lead or signup",
        inputs: &["conversions"],
    },
    Metric {
        name: "sales",
        kind: MetricKind::Count,
        formula: "attributed conversions of kind sale",
        inputs: &["conversions"],
    },
    Metric {
        name: "revenue_cents",
        kind: MetricKind::Money,
        formula: "Σ values of attributed sales, other currencies converted at the admin's fixed rates; currencies without a rate listed apart",
        inputs: &["sale values", "currency rates"],
    },
    Metric {
        name: "value_per_customer_cents",
        kind: MetricKind::Money,
        formula: "revenue / distinct customers, rounded to the nearest minor unit",
        inputs: &["revenue_cents", "customer ids of sales"],
    },
    Metric {
        name: "customer_lifetime_value_cents",
        kind: MetricKind::Money,
        formula: "Σ sale values per customer over all time, averaged over customers first acquired through an attributed click",
        inputs: &["sale values", "customer ids", "first attributed click per customer"],
    },
    Metric {
        name: "awareness",
        kind: MetricKind::Count,
        formula: "number of own-brand mentions (posts and comments)",
        inputs: &["mentions"],
    },
    Metric {
        name: "share_of_voice",
        kind: MetricKind::Ratio,
        formula: "own-brand mentions / mentions of the own brand and its competitors",
        inputs: &["mentions"],
    },
    Metric {
        name: "support_rate",
        kind: MetricKind::Ratio,
        formula: "distinct authors with a positive own-brand mention / distinct authors who mentioned the own brand or a competitor",
        inputs: &["mention authors", "sentiment"],
    },
    Metric {
        name: "supporter_influence_share",
        kind: MetricKind::Ratio,
        formula: "a supporter's influence / Σ influence of all supporters; influence = author reach, or mention count on request",
        inputs: &["mention authors", "author reach", "sentiment"],
    },
    Metric {
        name: "brand_attribute_recognition",
        kind: MetricKind::Ratio,
        formula: "own-brand mentions containing at least one intended attribute keyword / own-brand mentions",
        inputs: &["mentions", "intended attributes"],
    },
    Metric {
        name: "response_time_median_s",
        kind: MetricKind::Seconds,
        formula: "median of first response − opened over answered support cases (mean of the two middle values when even)",
        inputs: &["support cases"],
    },
    Metric {
        name: "response_time_p90_s",
        kind: MetricKind::Seconds,
        formula: "90th percentile (nearest rank) of first response − opened over answered support cases",
        inputs: &["support cases"],
    },
    Metric {
        name: "issues_resolved",
        kind: MetricKind::Count,
        formula: "support cases resolved",
        inputs: &["support cases"],
    },
    Metric {
        name: "issues_resolved_share",
        kind: MetricKind::Ratio,
        formula: "support cases resolved / support cases",
        inputs: &["support cases"],
    },
    Metric {
        name: "earned_media_value_cents",
        kind: MetricKind::Money,
        formula: "Σ per network of impressions × CPM / 1000 + clicks × CPC, at the admin's rates",
        inputs: &["impressions", "clicks", "CPM and CPC per network"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(
        customer: &str,
        at: u32,
        via_click: bool,
        sale: Option<(&str, i64)>,
    ) -> CustomerConversion<u32> {
        CustomerConversion {
            customer: customer.into(),
            at,
            acquired_through_click: via_click,
            sale: sale.map(|(c, v)| (c.to_string(), v)),
        }
    }

    #[test]
    fn customers_count_when_their_first_conversion_came_through_a_click() {
        let list = [
            // a: lead through a click, then two sales (one unattributed, later): acquired.
            conv("a", 1, true, None),
            conv("a", 5, false, Some(("USD", 10_000))),
            conv("a", 9, true, Some(("EUR", 2_000))),
            // b: first seen directly, later through a click: not acquired by the click.
            conv("b", 2, false, Some(("USD", 50_000))),
            conv("b", 3, true, Some(("USD", 70_000))),
            // c: a click sale, listed out of order.
            conv("c", 8, true, Some(("USD", 300))),
            conv("c", 4, true, Some(("USD", 700))),
        ];
        let got = acquired_customers(&list);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].acquired_at, 1);
        assert_eq!(
            got[0].sales_cents,
            BTreeMap::from([("EUR".to_string(), 2_000), ("USD".to_string(), 10_000)])
        );
        assert_eq!(got[1].acquired_at, 4);
        assert_eq!(
            got[1].sales_cents,
            BTreeMap::from([("USD".to_string(), 1_000)])
        );
        assert!(acquired_customers::<u32>(&[]).is_empty());
    }

    #[test]
    fn a_customer_without_sales_is_acquired_with_nothing_spent() {
        let got = acquired_customers(&[conv("lead-only", 3, true, None)]);
        assert_eq!(got.len(), 1);
        assert!(got[0].sales_cents.is_empty());
        assert_eq!(customer_lifetime_value_cents(&[0, 1_000]), Some(500));
    }

    fn close(actual: Option<f64>, expected: f64) -> bool {
        actual.is_some_and(|a| (a - expected).abs() < 1e-9)
    }

    // ── clicks and conversions

    #[test]
    fn conversion_rate_is_none_without_clicks_and_may_exceed_one() {
        assert_eq!(conversion_rate(3, 0), None);
        assert_eq!(conversion_rate(0, 0), None);
        assert_eq!(conversion_rate(1, 4), Some(0.25));
        assert_eq!(conversion_rate(3, 2), Some(1.5));
    }

    // ── engagement and reach

    #[test]
    fn engagement_sums_and_saturates() {
        assert_eq!(engagement(3, 2, 1), 6);
        assert_eq!(engagement(i64::MAX, 1, 1), i64::MAX);
    }

    #[test]
    fn engagement_rate_prefers_impressions() {
        let rate = engagement_rate(50, 1000, 4);
        assert_eq!(
            rate,
            Some(EngagementRate {
                value: 0.05,
                basis: EngagementBasis::PerImpression
            })
        );
    }

    #[test]
    fn engagement_rate_falls_back_to_per_post_without_impressions() {
        let rate = engagement_rate(30, 0, 4);
        assert_eq!(
            rate,
            Some(EngagementRate {
                value: 7.5,
                basis: EngagementBasis::PerPost
            })
        );
        assert_eq!(EngagementBasis::PerPost.as_str(), "per_post");
    }

    #[test]
    fn engagement_rate_is_none_with_neither_denominator() {
        assert_eq!(engagement_rate(0, 0, 0), None);
        assert_eq!(engagement_rate(10, 0, 0), None);
    }

    #[test]
    fn total_reach_counts_each_employee_network_pair_once() {
        let pairs = [
            (1, "linkedin", 500),
            (1, "linkedin", 500), // a second share on the same network
            (1, "x", 200),
            (2, "linkedin", 300),
        ];
        assert_eq!(total_employee_reach(&pairs), 1000);
        let none: [(i64, &str, i64); 0] = [];
        assert_eq!(total_employee_reach(&none), 0);
    }

    #[test]
    fn total_reach_takes_the_largest_figure_of_a_repeated_pair_in_any_order() {
        let a = [(1, "x", 100), (1, "x", 150)];
        let b = [(1, "x", 150), (1, "x", 100)];
        assert_eq!(total_employee_reach(&a), 150);
        assert_eq!(total_employee_reach(&b), 150);
    }

    #[test]
    fn total_reach_saturates() {
        let pairs = [(1, "x", i64::MAX), (2, "x", i64::MAX)];
        assert_eq!(total_employee_reach(&pairs), i64::MAX);
    }

    #[test]
    fn follower_growth_can_be_negative_and_saturates() {
        assert_eq!(follower_growth(100, 130), 30);
        assert_eq!(follower_growth(130, 100), -30);
        assert_eq!(follower_growth(i64::MIN, i64::MAX), i64::MAX);
    }

    // ── revenue

    #[test]
    fn value_per_customer_rounds_half_away_from_zero() {
        assert_eq!(value_per_customer_cents(1000, 3), Some(333)); // 333.33
        assert_eq!(value_per_customer_cents(1000, 6), Some(167)); // 166.67
        assert_eq!(value_per_customer_cents(5, 2), Some(3)); // 2.5
        assert_eq!(value_per_customer_cents(900, 3), Some(300));
        assert_eq!(value_per_customer_cents(-5, 2), Some(-3));
    }

    #[test]
    fn value_per_customer_is_none_without_customers() {
        assert_eq!(value_per_customer_cents(1000, 0), None);
        assert_eq!(value_per_customer_cents(0, 0), None);
    }

    #[test]
    fn value_per_customer_at_the_i64_bound() {
        assert_eq!(value_per_customer_cents(i64::MAX, 1), Some(i64::MAX));
        assert_eq!(
            value_per_customer_cents(i64::MAX, 2),
            Some(i64::MAX / 2 + 1)
        );
    }

    #[test]
    fn lifetime_value_averages_and_rounds() {
        assert_eq!(customer_lifetime_value_cents(&[]), None);
        assert_eq!(customer_lifetime_value_cents(&[4900]), Some(4900));
        assert_eq!(customer_lifetime_value_cents(&[100, 200, 201]), Some(167)); // 167.0
        assert_eq!(customer_lifetime_value_cents(&[1, 2]), Some(2)); // 1.5
    }

    #[test]
    fn lifetime_value_does_not_overflow_at_i64_max() {
        assert_eq!(
            customer_lifetime_value_cents(&[i64::MAX, i64::MAX]),
            Some(i64::MAX)
        );
    }

    fn amounts(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
        pairs.iter().map(|(c, v)| ((*c).to_owned(), *v)).collect()
    }

    fn rates(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(c, r)| ((*c).to_owned(), *r)).collect()
    }

    #[test]
    fn revenue_converts_at_the_rate_and_lists_what_it_converted() {
        // The case from issue 11: 49.00 USD and 1 299.00 EUR, default USD.
        let out = convert_revenue(
            &amounts(&[("USD", 4900), ("EUR", 129_900)]),
            "USD",
            &rates(&[("EUR", 1.08)]),
        );
        assert_eq!(out.total_cents, 4900 + 140_292);
        assert_eq!(
            out.converted,
            vec![ConvertedAmount {
                currency: "EUR".into(),
                original_cents: 129_900,
                rate: 1.08,
                cents: 140_292,
            }]
        );
        assert!(out.unconverted.is_empty());
    }

    #[test]
    fn revenue_in_a_currency_without_a_rate_is_listed_not_dropped() {
        let out = convert_revenue(
            &amounts(&[("USD", 4900), ("EUR", 129_900), ("GBP", 1000)]),
            "USD",
            &rates(&[("GBP", 1.25)]),
        );
        assert_eq!(out.total_cents, 4900 + 1250);
        assert_eq!(
            out.unconverted,
            vec![UnconvertedAmount {
                currency: "EUR".into(),
                cents: 129_900
            }]
        );
    }

    #[test]
    fn revenue_treats_unusable_rates_as_missing() {
        let out = convert_revenue(
            &amounts(&[("EUR", 100), ("GBP", 200), ("CHF", 300)]),
            "USD",
            &rates(&[("EUR", 0.0), ("GBP", f64::NAN), ("CHF", -1.0)]),
        );
        assert_eq!(out.total_cents, 0);
        assert!(out.converted.is_empty());
        assert_eq!(out.unconverted.len(), 3);
    }

    #[test]
    fn revenue_respects_minor_unit_exponents() {
        // 1 200 JPY at 0.0062 EUR per yen = 7.44 EUR.
        let out = convert_revenue(
            &amounts(&[("JPY", 1200)]),
            "EUR",
            &rates(&[("JPY", 0.0062)]),
        );
        assert_eq!(out.total_cents, 744);
        // And back: 7.44 EUR at 161.29 JPY per euro = 1 200.0 yen (rounded).
        let back = convert_revenue(&amounts(&[("EUR", 744)]), "JPY", &rates(&[("EUR", 161.29)]));
        assert_eq!(back.total_cents, 1200);
    }

    #[test]
    fn revenue_rounds_each_conversion_half_away_from_zero() {
        // 1 cent at 1.5 = 1.5 cents → 2.
        let out = convert_revenue(&amounts(&[("EUR", 1)]), "USD", &rates(&[("EUR", 1.5)]));
        assert_eq!(out.total_cents, 2);
    }

    #[test]
    fn revenue_saturates_at_i64_max() {
        let out = convert_revenue(
            &amounts(&[("USD", i64::MAX), ("EUR", i64::MAX)]),
            "USD",
            &rates(&[("EUR", 2.0)]),
        );
        assert_eq!(out.total_cents, i64::MAX);
        assert_eq!(out.converted[0].cents, i64::MAX);
    }

    #[test]
    fn revenue_of_nothing_is_zero() {
        let out = convert_revenue(&BTreeMap::new(), "USD", &BTreeMap::new());
        assert_eq!(out, Converted::default());
    }

    // ── brand mentions

    #[test]
    fn awareness_is_the_own_mention_count() {
        assert_eq!(awareness(0), 0);
        assert_eq!(awareness(42), 42);
    }

    #[test]
    fn share_of_voice_includes_own_mentions_in_the_denominator() {
        assert_eq!(share_of_voice(1, 4), Some(0.25));
        assert_eq!(share_of_voice(4, 4), Some(1.0));
        assert_eq!(share_of_voice(0, 0), None);
    }

    #[test]
    fn support_rate_counts_only_positive_authors() {
        // Authors: ann (positive, own), bo (neutral, own), cy (negative, competitor),
        // dee (positive, competitor). Only ann supports the own brand; the neutral author
        // is in the denominator alone.
        assert_eq!(support_rate(1, 4), Some(0.25));
        assert_eq!(support_rate(0, 3), Some(0.0));
        assert_eq!(support_rate(0, 0), None);
    }

    #[test]
    fn influence_share_is_none_without_influence() {
        assert_eq!(supporter_influence_share(50, 200), Some(0.25));
        assert_eq!(supporter_influence_share(0, 0), None);
        assert_eq!(supporter_influence_share(-5, 10), Some(0.0));
    }

    #[test]
    fn influence_parses_its_query_values() {
        assert_eq!(Influence::parse("reach"), Some(Influence::Reach));
        assert_eq!(Influence::parse("mentions"), Some(Influence::Mentions));
        assert_eq!(Influence::parse("shares"), None);
        assert_eq!(Influence::default(), Influence::Reach);
    }

    #[test]
    fn supporters_rank_by_share_with_ties_by_name() {
        let ranked = rank_supporters(&[
            ("Cho".into(), 100),
            ("Ahn".into(), 100),
            ("Baek".into(), 200),
            ("Dee".into(), 0),
        ]);
        let order: Vec<&str> = ranked.iter().map(|s| s.author.as_str()).collect();
        assert_eq!(order, ["Baek", "Ahn", "Cho", "Dee"]);
        assert_eq!(ranked[0].share, Some(0.5));
        assert_eq!(ranked[1].share, Some(0.25));
        assert_eq!(ranked[3].share, Some(0.0));
    }

    #[test]
    fn supporters_without_any_influence_have_no_share_and_sort_by_name() {
        let ranked = rank_supporters(&[("b".into(), 0), ("a".into(), 0)]);
        assert_eq!(ranked[0].author, "a");
        assert!(ranked.iter().all(|s| s.share.is_none()));
        assert!(rank_supporters(&[]).is_empty());
    }

    #[test]
    fn supporters_total_saturates() {
        let ranked = rank_supporters(&[("a".into(), i64::MAX), ("b".into(), i64::MAX)]);
        assert!(ranked
            .iter()
            .all(|s| s.share.is_some_and(|v| v.is_finite())));
    }

    #[test]
    fn attribute_recognition_is_none_without_own_mentions() {
        assert_eq!(brand_attribute_recognition(3, 4), Some(0.75));
        assert_eq!(brand_attribute_recognition(0, 0), None);
    }

    // ── customer care

    #[test]
    fn response_times_of_nothing_are_none() {
        assert_eq!(
            response_times(&[]),
            ResponseTimes {
                median_s: None,
                p90_s: None
            }
        );
    }

    #[test]
    fn response_times_of_one_case() {
        let t = response_times(&[60]);
        assert_eq!(t.median_s, Some(60.0));
        assert_eq!(t.p90_s, Some(60.0));
    }

    #[test]
    fn response_times_of_two_cases() {
        let t = response_times(&[120, 60]);
        assert_eq!(t.median_s, Some(90.0));
        assert_eq!(t.p90_s, Some(120.0)); // nearest rank ⌈0.9 × 2⌉ = 2
    }

    #[test]
    fn response_times_of_ten_cases_use_nearest_rank() {
        let t = response_times(&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
        assert_eq!(t.median_s, Some(5.5));
        assert_eq!(t.p90_s, Some(9.0)); // ⌈0.9 × 10⌉ = 9th smallest, not interpolated
    }

    #[test]
    fn response_time_median_does_not_overflow() {
        let t = response_times(&[i64::MAX, i64::MAX]);
        assert_eq!(t.median_s, Some(i64::MAX as f64));
    }

    #[test]
    fn issues_resolved_share_is_none_without_cases() {
        assert_eq!(
            issues_resolved(3, 4),
            IssuesResolved {
                count: 3,
                share: Some(0.75)
            }
        );
        assert_eq!(
            issues_resolved(0, 0),
            IssuesResolved {
                count: 0,
                share: None
            }
        );
    }

    // ── earned media value

    #[test]
    fn emv_adds_cpm_and_cpc_terms() {
        // 10 000 impressions at 5.00 CPM = 50.00; 20 clicks at 0.75 = 15.00.
        assert_eq!(earned_media_value_cents(10_000, 20, 500, 75), 6500);
        assert_eq!(earned_media_value_cents(0, 0, 500, 75), 0);
    }

    #[test]
    fn emv_rounds_the_cpm_term_half_away_from_zero() {
        assert_eq!(earned_media_value_cents(1500, 0, 333, 0), 500); // 499.5
        assert_eq!(earned_media_value_cents(1, 0, 499, 0), 0); // 0.499
        assert_eq!(earned_media_value_cents(1, 0, 500, 0), 1); // 0.5
    }

    #[test]
    fn emv_saturates_at_i64_max() {
        assert_eq!(
            earned_media_value_cents(i64::MAX, i64::MAX, i64::MAX, i64::MAX),
            i64::MAX
        );
        assert_eq!(earned_media_value_cents(0, i64::MAX, 0, 2), i64::MAX);
    }

    #[test]
    fn emv_totals_each_network_at_its_own_rates() {
        let networks = [
            EmvFigures {
                impressions: 1500,
                clicks: 2,
                cpm_cents: 333,
                cpc_cents: 10,
            },
            EmvFigures {
                impressions: 1500,
                clicks: 0,
                cpm_cents: 333,
                cpc_cents: 0,
            },
        ];
        // Rounded per network: 500 + 20, then 500.
        assert_eq!(total_earned_media_value_cents(&networks), 1020);
        assert_eq!(total_earned_media_value_cents(&[]), 0);
        let huge = EmvFigures {
            clicks: i64::MAX,
            cpc_cents: 1,
            ..EmvFigures::default()
        };
        assert_eq!(total_earned_media_value_cents(&[huge, huge]), i64::MAX);
    }

    // ── engagement levels

    #[test]
    fn funnel_steps_convert_from_the_level_before() {
        let funnel = engagement_levels(10_000, 200, 50, 10, 2);
        let levels: Vec<&str> = funnel.steps.iter().map(|s| s.level.as_str()).collect();
        assert_eq!(
            levels,
            ["lurking", "casual", "active", "committed", "loyalist"]
        );
        let ratios: Vec<Option<f64>> = funnel.steps.iter().map(|s| s.from_previous).collect();
        assert_eq!(ratios, [None, Some(0.02), Some(0.25), Some(0.2), Some(0.2)]);
    }

    #[test]
    fn funnel_step_after_a_zero_level_is_none() {
        let funnel = engagement_levels(0, 5, 0, 0, 0);
        assert_eq!(funnel.steps[1].from_previous, None);
        assert_eq!(funnel.steps[2].from_previous, Some(0.0));
        assert_eq!(funnel.steps[3].from_previous, None);
        assert_eq!(funnel.steps[4].from_previous, None);
    }

    #[test]
    fn funnel_measures_are_dictionary_names() {
        for level in Level::ALL {
            assert!(metric(level.measure()).is_some(), "{}", level.measure());
        }
    }

    // ── trend analysis

    #[test]
    fn pearson_of_perfectly_related_series() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!(close(pearson(&a, &[2.0, 4.0, 6.0, 8.0, 10.0]), 1.0));
        assert!(close(pearson(&a, &[10.0, 8.0, 6.0, 4.0, 2.0]), -1.0));
    }

    #[test]
    fn pearson_of_known_data() {
        // By hand: Σdxdy = 8, Σdx² = 10, Σdy² = 10 → 8 / 10.
        let r = pearson(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]);
        assert!(close(r, 0.8));
    }

    #[test]
    fn pearson_is_none_on_short_flat_mismatched_or_non_finite_series() {
        assert_eq!(pearson(&[1.0, 2.0], &[3.0, 4.0]), None);
        assert_eq!(pearson(&[1.0, 2.0, 3.0], &[5.0, 5.0, 5.0]), None);
        assert_eq!(pearson(&[1.0, 2.0, 3.0], &[1.0, 2.0]), None);
        assert_eq!(pearson(&[1.0, f64::NAN, 3.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(pearson(&[1.0, f64::INFINITY, 3.0], &[1.0, 2.0, 3.0]), None);
    }

    #[test]
    fn lagged_correlation_finds_the_lead_of_a_shifted_series() {
        let kpi = [3.0, 9.0, 1.0, 7.0, 4.0, 8.0, 2.0, 6.0, 5.0, 10.0];
        // Revenue follows the KPI two intervals later.
        let mut revenue = [0.0; 10];
        revenue[0] = 4.0;
        revenue[1] = 4.0;
        for t in 2..10 {
            revenue[t] = kpi[t - 2] * 100.0;
        }
        let lags = lagged_correlations(&kpi, &revenue, 3);
        assert_eq!(
            lags.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
        assert!(close(lags[2].1, 1.0));
        assert!(lags
            .iter()
            .filter(|(l, _)| *l != 2)
            .all(|(_, r)| r.is_some_and(|r| r < 0.99)));
        assert_eq!(best_lag(&lags).map(|(l, _)| l), Some(2));
    }

    #[test]
    fn lagged_correlation_runs_out_of_points() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let lags = lagged_correlations(&a, &a, 5);
        assert_eq!(lags.len(), 6);
        assert!(close(lags[0].1, 1.0));
        assert!(close(lags[1].1, 1.0)); // 3 points left
        assert!(lags[2..].iter().all(|(_, r)| r.is_none()));
    }

    #[test]
    fn best_lag_prefers_strength_in_either_direction_then_the_smaller_lag() {
        assert_eq!(
            best_lag(&[(0, Some(0.5)), (1, Some(-0.9)), (2, Some(0.9))]),
            Some((1, -0.9))
        );
        assert_eq!(best_lag(&[(0, None), (1, None)]), None);
        assert_eq!(best_lag(&[]), None);
    }

    #[test]
    fn spikes_find_one_outlier_on_a_flat_series() {
        let series = [10.0, 10.0, 10.0, 10.0, 10.0, 50.0, 10.0, 10.0];
        assert_eq!(spikes(&series, 4, 2.0), [(5, Direction::Spike)]);
    }

    #[test]
    fn spikes_report_drops() {
        let series = [10.0, 11.0, 9.0, 10.0, 11.0, 9.0, 0.0];
        assert_eq!(spikes(&series, 6, 2.0), [(6, Direction::Drop)]);
    }

    #[test]
    fn spikes_ignore_ordinary_noise() {
        let series = [10.0, 12.0, 9.0, 11.0, 10.0, 12.0, 9.0, 11.0, 10.0];
        assert!(spikes(&series, 4, 2.0).is_empty());
    }

    #[test]
    fn spikes_need_a_full_window_of_finite_values() {
        assert!(spikes(&[1.0, 100.0], 1, 2.0).is_empty());
        assert!(spikes(&[1.0, 1.0], 4, 2.0).is_empty());
        assert!(spikes(&[1.0, f64::NAN, 1.0, 100.0], 2, 2.0).is_empty());
        assert!(spikes(&[], 3, 2.0).is_empty());
    }

    #[test]
    fn linear_fit_of_a_line() {
        let fit = linear_fit(&[1.0, 2.0, 3.0, 4.0], &[5.0, 7.0, 9.0, 11.0]);
        assert!(close(fit.map(|f| f.slope), 2.0));
        assert!(close(fit.map(|f| f.intercept), 3.0));
        assert!(close(fit.map(|f| f.r2), 1.0));
    }

    #[test]
    fn linear_fit_of_noisy_data() {
        // Same data as pearson_of_known_data: slope 8/10, intercept 3 − 0.8 × 3, r² = 0.8².
        let fit = linear_fit(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]);
        assert!(close(fit.map(|f| f.slope), 0.8));
        assert!(close(fit.map(|f| f.intercept), 0.6));
        assert!(close(fit.map(|f| f.r2), 0.64));
        assert!(close(fit.and_then(|f| f.at(10.0)), 8.6));
    }

    #[test]
    fn linear_fit_is_none_on_flat_or_short_series() {
        assert_eq!(linear_fit(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(linear_fit(&[1.0, 2.0, 3.0], &[4.0, 4.0, 4.0]), None);
        assert_eq!(linear_fit(&[1.0, 2.0], &[1.0, 2.0]), None);
    }

    // ── dictionary

    #[test]
    fn dictionary_names_are_unique_snake_case_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for m in dictionary() {
            assert!(seen.insert(m.name), "{} twice", m.name);
            assert!(
                !m.name.is_empty()
                    && m.name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                m.name
            );
            assert!(!m.formula.trim().is_empty(), "{}", m.name);
            assert!(!m.formula.contains('\n'), "{}", m.name);
            assert!(!m.inputs.is_empty(), "{}", m.name);
            assert!(m.inputs.iter().all(|i| !i.trim().is_empty()), "{}", m.name);
        }
    }

    #[test]
    fn dictionary_covers_the_api_names() {
        for name in [
            "clicks",
            "unique_clicks",
            "engagement_rate",
            "impressions",
            "total_employee_reach",
            "follower_growth",
            "conversions",
            "unattributed_conversions",
            "conversion_rate",
            "leads",
            "revenue_cents",
            "value_per_customer_cents",
            "customer_lifetime_value_cents",
            "awareness",
            "share_of_voice",
            "support_rate",
            "supporter_influence_share",
            "brand_attribute_recognition",
            "response_time_median_s",
            "response_time_p90_s",
            "issues_resolved",
            "issues_resolved_share",
            "earned_media_value_cents",
        ] {
            assert!(metric(name).is_some(), "{name} missing");
        }
        assert_eq!(metric("likes"), None);
    }

    #[test]
    fn money_metrics_end_in_cents_and_durations_in_s() {
        for m in dictionary() {
            assert_eq!(
                m.kind == MetricKind::Money,
                m.name.ends_with("_cents"),
                "{}",
                m.name
            );
            assert_eq!(
                m.kind == MetricKind::Seconds,
                m.name.ends_with("_s"),
                "{}",
                m.name
            );
        }
    }
}
