//! The KPI report (`GET /api/v1/kpis`; the dashboard and the KPI CSV render the same
//! result): figures gathered by the store per local day, grouped into the interval's
//! buckets, every KPI computed by `domain::kpi`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::emv::EmvRates;
use crate::domain::follower_history::FollowerHistory;
use crate::domain::kpi;
use crate::domain::mention::{fold_keyword, recognises, Sentiment};
use crate::domain::network::Network;
use crate::domain::period::{Interval, Period};
use crate::domain::support::CaseTimes;
use crate::store::reports::{self, DailyFigures, ReportFilter};
use crate::store::social::{self, MentionFact, SocialFilter};
use crate::store::StoreError;

/// What the report is asked for.
#[derive(Debug, Clone)]
pub struct KpiRequest {
    /// Period and the share filters (campaign, team, network) of the advocacy KPIs.
    pub filter: ReportFilter,
    /// Mention and support-case channel of the brand KPIs.
    pub channel: Option<String>,
    pub interval: Interval,
    pub timezone: chrono_tz::Tz,
    /// Units of `filter.currency` per unit of each other currency.
    pub rates: BTreeMap<String, f64>,
    /// The brand (by name) the mention KPIs are about: share of voice, support rate and
    /// the rest seen from that brand, own or competitor. `None`: the own brand.
    pub brand: Option<String>,
    /// The earned-media prices in force (`app::settings`: stored, else configured).
    pub emv_rates: EmvRates,
}

/// Why a KPI report cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum KpiError {
    #[error("no brand is named {0:?}")]
    UnknownBrand(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One KPI's value: a count, or a number that may be "no data" (`null`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    Count(i64),
    /// Whole minor units, or no data.
    Amount(Option<i64>),
    Number(Option<f64>),
}

/// The KPIs of the whole period and of each bucket, named as the API names them.
#[derive(Debug, Clone)]
pub struct KpiReport {
    pub totals: Vec<(&'static str, Figure)>,
    /// Every bucket of the period (empty ones included), by its first day.
    pub series: Vec<(NaiveDate, Vec<(&'static str, Figure)>)>,
    /// Attributed sales per original currency.
    pub revenue_by_currency: BTreeMap<String, i64>,
    /// How `revenue_cents` was converted, and what had no rate.
    pub revenue: kpi::Converted,
    /// What the period's engagement rate was divided by (`None` without data).
    pub engagement_rate_basis: Option<kpi::EngagementBasis>,
    /// Impressions → clicks → engagement → leads → sales of the period.
    pub engagement_levels: kpi::Funnel,
    /// Share of voice and support rate of each mention channel over the period.
    pub by_channel: Vec<ChannelFigures>,
    /// Share of voice of each topic over the period.
    pub by_topic: Vec<TopicFigures>,
    /// Mentions of each brand over the period by sentiment, and its share of voice: the
    /// own brand first, then by mentions (most first), then by name.
    pub by_brand: Vec<BrandFigures>,
}

/// The mentions of one brand (own or competitor) over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrandFigures {
    pub brand: String,
    /// The own brand (not the `brand` the report is seen from).
    pub own: bool,
    pub mentions: i64,
    pub positive: i64,
    pub neutral: i64,
    pub negative: i64,
    /// Its mentions / every brand's mentions: the report's `share_of_voice` with
    /// `brand` set to it.
    pub share_of_voice: Option<f64>,
}

/// The mention KPIs of one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelFigures {
    pub channel: String,
    pub own_mentions: i64,
    pub all_mentions: i64,
    pub share_of_voice: Option<f64>,
    /// Distinct authors with a positive mention of the brand on that channel.
    pub supporters: i64,
    /// Distinct authors who mentioned any brand on that channel.
    pub authors: i64,
    pub support_rate: Option<f64>,
}

/// Share of voice within one topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicFigures {
    pub topic: String,
    pub own_mentions: i64,
    pub all_mentions: i64,
    pub share_of_voice: Option<f64>,
}

/// Builds the report with the queries it needs, on the caller's connection.
pub fn kpi_report(conn: &mut DbConnection, req: &KpiRequest) -> Result<KpiReport, KpiError> {
    let brand_id = match &req.brand {
        None => None,
        Some(name) => Some(
            social::brand_id_by_name(conn, name)?
                .ok_or_else(|| KpiError::UnknownBrand(name.clone()))?,
        ),
    };
    let emv_rates = &req.emv_rates;
    let period = &req.filter.period;
    let (first, last) = (period.first_day, period.last_day);
    let days = reports::daily_figures(conn, &req.filter, req.timezone)?;
    let social_filter = SocialFilter {
        first_day: first,
        last_day: last,
        from: period.from,
        to: period.to,
        channel: req.channel.clone(),
        brand_id,
    };
    let facts = social::mention_facts(conn, &social_filter)?;
    let attributes = social::intended_attributes(conn, &social_filter)?;
    // Brand attribute recognition. Without intended attributes it has no data (not 0 %).
    // About one brand, each mention's `recognised` flag (kept on write against its
    // brand's attributes) is counted with the facts; with several own brands any of
    // their attributes counts in any of their mentions, which no flag says, so only then
    // are the texts read and matched.
    let by_flags =
        !attributes.is_empty() && social::own_brand_ids(conn, &social_filter)?.len() <= 1;
    let texts = if attributes.is_empty() || by_flags {
        Vec::new()
    } else {
        social::own_mention_texts(conn, &social_filter)?
    };
    let cases = social::case_times(conn, &social_filter)?;
    let topics = social::topic_facts(conn, &social_filter)?;
    let customers = Customers::gather(conn, req)?;
    let inputs = PostInputs::gather(conn, &req.filter)?;

    let mut social_total = Social::default();
    let mut social_buckets: HashMap<NaiveDate, Social> = HashMap::new();
    let mut add = |day: NaiveDate, apply: &dyn Fn(&mut Social)| {
        if day < first || day > last {
            return;
        }
        apply(&mut social_total);
        apply(social_buckets.entry(req.interval.bucket(day)).or_default());
    };
    let mut channels: BTreeMap<&str, Social> = BTreeMap::new();
    // (positive, neutral, negative) mentions per brand id.
    let mut brand_counts: HashMap<i64, [i64; 3]> = HashMap::new();
    for fact in &facts {
        add(fact.day, &|s| s.mention(fact, by_flags));
        channels
            .entry(fact.channel.as_str())
            .or_default()
            .mention(fact, by_flags);
        if fact.day >= first && fact.day <= last {
            let slot = match Sentiment::parse(&fact.sentiment) {
                Some(Sentiment::Positive) => 0,
                Some(Sentiment::Negative) => 2,
                _ => 1,
            };
            let counts = brand_counts.entry(fact.brand_id).or_default();
            counts[slot] = counts[slot].saturating_add(fact.mentions);
        }
    }
    let by_brand = brand_figures(social::list_brands(conn)?, &brand_counts);
    // Folded once, not once per text.
    let attributes: Vec<String> = attributes.iter().map(|a| fold_keyword(a)).collect();
    for (day, text) in &texts {
        let recognised = recognises(text, &attributes);
        add(*day, &|s| s.own_text(recognised));
    }
    for case in &cases {
        let day = chrono::TimeZone::from_utc_datetime(&chrono::Utc, &case.opened_at)
            .with_timezone(&req.timezone)
            .date_naive();
        add(day, &|s| s.case(case));
    }

    let mut total = DailyFigures::default();
    for (day, d) in &days {
        if *day >= first && *day <= last {
            total.add(d);
        }
    }
    let buckets = reports::bucketed(&days, req.interval, first, last);
    let mut series = Vec::with_capacity(buckets.len());
    for (i, (start, figures)) in buckets.iter().enumerate() {
        let mut social = social_buckets.remove(start).unwrap_or_default();
        social.settle();
        let next = buckets.get(i + 1).map(|(next, _)| *next);
        let bucket = bucket_period(period, *start, next, req.timezone);
        let posts = inputs.posts(bucket.from, bucket.to);
        let lifetime = customers.lifetime_value(&bucket, req);
        series.push((
            *start,
            kpis(figures, &social, &posts, lifetime, emv_rates, req),
        ));
    }
    let posts = inputs.posts(period.from, period.to);
    let lifetime = customers.lifetime_value(period, req);
    social_total.settle();
    let mut revenue_by_currency = BTreeMap::from([(req.filter.currency.clone(), 0)]);
    revenue_by_currency.extend(total.sales_cents.clone());
    Ok(KpiReport {
        totals: kpis(&total, &social_total, &posts, lifetime, emv_rates, req),
        series,
        revenue_by_currency,
        revenue: kpi::convert_revenue(&total.sales_cents, &req.filter.currency, &req.rates),
        engagement_rate_basis: posts.engagement_rate().map(|r| r.basis),
        engagement_levels: kpi::engagement_levels(
            posts.impressions,
            total.clicks,
            posts.engagement,
            total.leads,
            total.sales,
        ),
        by_channel: channels
            .into_iter()
            .map(|(channel, mut s)| {
                s.settle();
                ChannelFigures {
                    channel: channel.to_string(),
                    own_mentions: s.own_mentions,
                    all_mentions: s.all_mentions,
                    share_of_voice: kpi::share_of_voice(s.own_mentions, s.all_mentions),
                    supporters: s.positive_own_authors.len() as i64,
                    authors: s.authors.len() as i64,
                    support_rate: kpi::support_rate(
                        s.positive_own_authors.len() as i64,
                        s.authors.len() as i64,
                    ),
                }
            })
            .collect(),
        by_topic: topics
            .into_iter()
            .map(|t| TopicFigures {
                share_of_voice: kpi::share_of_voice(t.own_mentions, t.all_mentions),
                topic: t.topic,
                own_mentions: t.own_mentions,
                all_mentions: t.all_mentions,
            })
            .collect(),
        by_brand,
    })
}

/// Every brand's mentions by sentiment and its share of voice among `brands`, from the
/// (positive, neutral, negative) counts per brand id.
fn brand_figures(
    brands: Vec<(i64, String, bool)>,
    counts: &HashMap<i64, [i64; 3]>,
) -> Vec<BrandFigures> {
    let all: i64 = counts
        .values()
        .map(|c| c.iter().sum::<i64>())
        .fold(0, i64::saturating_add);
    let mut rows: Vec<BrandFigures> = brands
        .into_iter()
        .map(|(id, brand, own)| {
            let [positive, neutral, negative] = counts.get(&id).copied().unwrap_or_default();
            let mentions = positive.saturating_add(neutral).saturating_add(negative);
            BrandFigures {
                brand,
                own,
                mentions,
                positive,
                neutral,
                negative,
                share_of_voice: kpi::share_of_voice(mentions, all),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.own
            .cmp(&a.own)
            .then(b.mentions.cmp(&a.mentions))
            .then_with(|| a.brand.cmp(&b.brand))
    });
    rows
}

/// The customers first acquired through an attributed click of the report's shares, with
/// their lifetime sales (customer lifetime value).
struct Customers(Vec<kpi::AcquiredCustomer<chrono::NaiveDateTime>>);

impl Customers {
    fn gather(conn: &mut DbConnection, req: &KpiRequest) -> Result<Customers, StoreError> {
        let conversions = reports::customer_conversions(conn, &req.filter)?;
        let mut acquired = kpi::acquired_customers(&conversions);
        // By acquisition time, so that each bucket finds its customers by bisection.
        acquired.sort_by_key(|c| c.acquired_at);
        Ok(Customers(acquired))
    }

    /// Lifetime value of the customers acquired in a period; sales in a currency without
    /// a rate are left out, as from `revenue_cents`.
    fn lifetime_value(&self, period: &Period, req: &KpiRequest) -> Option<i64> {
        let first = self.0.partition_point(|c| c.acquired_at < period.from);
        let last = self.0.partition_point(|c| c.acquired_at < period.to);
        let values: Vec<i64> = self.0[first..last.max(first)]
            .iter()
            .map(|c| {
                kpi::convert_revenue(&c.sales_cents, &req.filter.currency, &req.rates).total_cents
            })
            .collect();
        kpi::customer_lifetime_value_cents(&values)
    }
}

/// The part of `period` that a bucket starting on the local day `start` covers, up to the
/// next bucket's start (or the period's end).
fn bucket_period(
    period: &Period,
    start: NaiveDate,
    next: Option<NaiveDate>,
    tz: chrono_tz::Tz,
) -> Period {
    let midnight = |day: NaiveDate| {
        day.and_hms_opt(0, 0, 0)
            .and_then(|t| tz.from_local_datetime(&t).earliest())
            .map(|t| t.naive_utc())
    };
    let from = midnight(start).map_or(period.from, |t| t.max(period.from));
    let to = next
        .and_then(midnight)
        .map_or(period.to, |t| t.min(period.to));
    Period {
        from,
        to,
        first_day: start.max(period.first_day),
        last_day: next
            .and_then(|n| n.pred_opt())
            .map_or(period.last_day, |d| d.min(period.last_day)),
    }
}

/// Engagement and reach of the shares a filter keeps over a period: each share's latest
/// metrics snapshot in it, and the followers of each (employee, network) with a share.
#[derive(Debug, Default)]
struct Posts {
    engagement: i64,
    /// Of the shares whose snapshot reports impressions only: the rate's numerator.
    engagement_with_impressions: i64,
    impressions: i64,
    /// The same impressions per network of their share.
    impressions_by_network: BTreeMap<String, i64>,
    /// Shares with a snapshot in the period: the *per post* denominator.
    shares: i64,
    reach: i64,
    /// Σ followers gained (or lost) over the employees' profiles.
    follower_growth: i64,
}

/// What the engagement and reach KPIs of any part of the period are computed from,
/// loaded once for the whole period: a year of daily buckets then costs three queries,
/// not three per bucket.
struct PostInputs {
    /// Metrics snapshots, oldest first.
    metrics: Vec<reports::MetricsRow>,
    /// (created at, employee, network) of the shares created in the period, oldest first.
    created: Vec<(NaiveDateTime, i64, Network)>,
    followers: FollowerHistory<(i64, Network)>,
}

impl PostInputs {
    fn gather(conn: &mut DbConnection, filter: &ReportFilter) -> Result<PostInputs, StoreError> {
        Ok(PostInputs {
            metrics: reports::metrics_rows(conn, filter)?,
            created: reports::shares_created_in(conn, filter)?,
            followers: FollowerHistory::new(reports::follower_history(conn, filter)?),
        })
    }

    /// Engagement and reach over `[from, to)` (a bucket, or the whole period): each
    /// share's latest snapshot in it, the followers at its last instant of each
    /// (employee, network) with a share created in it, and the follower growth.
    fn posts(&self, from: NaiveDateTime, to: NaiveDateTime) -> Posts {
        let mut posts = Posts::default();
        let first = self.metrics.partition_point(|m| m.observed_at < from);
        let last = self.metrics.partition_point(|m| m.observed_at < to);
        // Oldest first, so the last write per share is its latest snapshot.
        let latest: HashMap<i64, &reports::MetricsRow> = self.metrics[first..last]
            .iter()
            .map(|m| (m.share_id, m))
            .collect();
        for m in latest.into_values() {
            posts.engagement = posts.engagement.saturating_add(m.engagement);
            posts.shares += 1;
            if let Some(impressions) = m.impressions {
                posts.impressions = posts.impressions.saturating_add(impressions);
                let sum = posts
                    .impressions_by_network
                    .entry(m.network.clone())
                    .or_default();
                *sum = sum.saturating_add(impressions);
                posts.engagement_with_impressions = posts
                    .engagement_with_impressions
                    .saturating_add(m.engagement);
            }
        }
        let first = self.created.partition_point(|(at, _, _)| *at < from);
        let last = self.created.partition_point(|(at, _, _)| *at < to);
        let last_instant = to - chrono::TimeDelta::microseconds(1);
        let pairs: HashSet<(i64, Network)> = self.created[first..last]
            .iter()
            .map(|(_, employee, network)| (*employee, *network))
            .collect();
        let reach: Vec<(i64, Network, i64)> = pairs
            .into_iter()
            .filter_map(|pair| Some((pair.0, pair.1, self.followers.at(&pair, last_instant)?)))
            .collect();
        posts.reach = kpi::total_employee_reach(&reach);
        posts.follower_growth = self.followers.growth(from, to);
        posts
    }
}

impl Posts {
    /// Per impression over the shares that report impressions; per post when none does.
    fn engagement_rate(&self) -> Option<kpi::EngagementRate> {
        if self.impressions > 0 {
            kpi::engagement_rate(
                self.engagement_with_impressions,
                self.impressions,
                self.shares,
            )
        } else {
            kpi::engagement_rate(self.engagement, 0, self.shares)
        }
    }
}

/// The inputs of the brand and customer-care KPIs over a bucket (or the whole period):
/// distinct authors cannot be summed from days, so the authors are kept.
#[derive(Debug, Default)]
struct Social {
    own_mentions: i64,
    all_mentions: i64,
    /// Authors by their number, distinct once [`Social::settle`]d: a year holds ~200 000
    /// facts, and pushing then sorting costs far less than hashing each.
    authors: Vec<i64>,
    positive_own_authors: Vec<i64>,
    own_texts: i64,
    recognised: i64,
    response_s: Vec<i64>,
    cases: i64,
    resolved: i64,
}

impl Social {
    /// Counts a fact, and its own mentions and their `recognised` flags for brand
    /// attribute recognition when `recognition` (see [`kpi_report`]).
    fn mention(&mut self, fact: &MentionFact, recognition: bool) {
        self.all_mentions = self.all_mentions.saturating_add(fact.mentions);
        self.authors.push(fact.author);
        if fact.own {
            self.own_mentions = self.own_mentions.saturating_add(fact.mentions);
            if fact.positive {
                self.positive_own_authors.push(fact.author);
            }
            if recognition {
                self.own_texts = self.own_texts.saturating_add(fact.mentions);
                self.recognised = self.recognised.saturating_add(fact.recognised);
            }
        }
    }

    /// Leaves each author once in the author lists (their lengths are then the distinct
    /// counts); called once all facts are in.
    fn settle(&mut self) {
        for list in [&mut self.authors, &mut self.positive_own_authors] {
            list.sort_unstable();
            list.dedup();
        }
    }

    fn own_text(&mut self, recognised: bool) {
        self.own_texts += 1;
        self.recognised += i64::from(recognised);
    }

    fn case(&mut self, case: &CaseTimes) {
        self.cases += 1;
        self.resolved += i64::from(case.is_resolved());
        self.response_s.extend(case.first_response_seconds());
    }
}

/// Earned media value over the networks with clicks or impressions, each at its rates;
/// no data when the admin set no rate at all.
fn earned_media_value(f: &DailyFigures, p: &Posts, rates: &EmvRates) -> Option<i64> {
    if rates.is_empty() {
        return None;
    }
    let networks: std::collections::BTreeSet<&String> = f
        .clicks_by_network
        .keys()
        .chain(p.impressions_by_network.keys())
        .collect();
    let figures: Vec<kpi::EmvFigures> = networks
        .into_iter()
        .map(|network| {
            let rate = rates.get(network);
            kpi::EmvFigures {
                impressions: p.impressions_by_network.get(network).copied().unwrap_or(0),
                clicks: f.clicks_by_network.get(network).copied().unwrap_or(0),
                cpm_cents: rate.cpm_cents,
                cpc_cents: rate.cpc_cents,
            }
        })
        .collect();
    Some(kpi::total_earned_media_value_cents(&figures))
}

/// Distinct customers of the sales that count in `revenue_cents`: in the default
/// currency or one with a rate.
fn counted_customers(f: &DailyFigures, req: &KpiRequest) -> i64 {
    let mut customers = HashSet::new();
    for (currency, list) in &f.customers {
        if *currency == req.filter.currency
            || req
                .rates
                .get(currency)
                .is_some_and(|r| r.is_finite() && *r > 0.0)
        {
            customers.extend(list.iter());
        }
    }
    customers.len() as i64
}

/// Every KPI of one bucket, in the order the API lists them.
fn kpis(
    f: &DailyFigures,
    s: &Social,
    p: &Posts,
    lifetime_value: Option<i64>,
    emv_rates: &EmvRates,
    req: &KpiRequest,
) -> Vec<(&'static str, Figure)> {
    use Figure::{Amount, Count, Number};
    let revenue = kpi::convert_revenue(&f.sales_cents, &req.filter.currency, &req.rates);
    let times = kpi::response_times(&s.response_s);
    let resolved = kpi::issues_resolved(s.resolved, s.cases);
    vec![
        ("clicks", Count(f.clicks)),
        ("unique_clicks", Count(f.unique_clicks)),
        ("conversions", Count(f.conversions)),
        (
            "unattributed_conversions",
            Count(f.unattributed_conversions),
        ),
        (
            "conversion_rate",
            Number(kpi::conversion_rate(f.conversions, f.clicks)),
        ),
        ("leads", Count(f.leads)),
        ("revenue_cents", Count(revenue.total_cents)),
        (
            "value_per_customer_cents",
            Amount(kpi::value_per_customer_cents(
                revenue.total_cents,
                counted_customers(f, req),
            )),
        ),
        ("customer_lifetime_value_cents", Amount(lifetime_value)),
        ("engagement", Count(p.engagement)),
        ("impressions", Count(p.impressions)),
        (
            "engagement_rate",
            Number(p.engagement_rate().map(|r| r.value)),
        ),
        ("total_employee_reach", Count(p.reach)),
        ("follower_growth", Count(p.follower_growth)),
        ("awareness", Count(kpi::awareness(s.own_mentions))),
        (
            "share_of_voice",
            Number(kpi::share_of_voice(s.own_mentions, s.all_mentions)),
        ),
        (
            "support_rate",
            Number(kpi::support_rate(
                s.positive_own_authors.len() as i64,
                s.authors.len() as i64,
            )),
        ),
        (
            "brand_attribute_recognition",
            Number(kpi::brand_attribute_recognition(s.recognised, s.own_texts)),
        ),
        ("response_time_median_s", Number(times.median_s)),
        ("response_time_p90_s", Number(times.p90_s)),
        ("issues_resolved", Count(resolved.count)),
        ("issues_resolved_share", Number(resolved.share)),
        (
            "earned_media_value_cents",
            Amount(earned_media_value(f, p, emv_rates)),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_are_listed_own_first_then_by_mentions_each_with_its_share_of_voice() {
        let brands = vec![
            (1, "Globex".to_string(), false),
            (2, "Acme".to_string(), true),
            (3, "Initech".to_string(), false),
            (4, "Hooli".to_string(), false),
        ];
        let counts = HashMap::from([(1, [1, 2, 3]), (2, [2, 0, 0]), (3, [0, 0, 2])]);
        let rows = brand_figures(brands, &counts);
        let order: Vec<(&str, i64)> = rows
            .iter()
            .map(|b| (b.brand.as_str(), b.mentions))
            .collect();
        assert_eq!(
            order,
            vec![("Acme", 2), ("Globex", 6), ("Initech", 2), ("Hooli", 0)]
        );
        assert_eq!(
            (rows[1].positive, rows[1].neutral, rows[1].negative),
            (1, 2, 3)
        );
        assert_eq!(rows[0].share_of_voice, Some(0.2));
        assert_eq!(rows[1].share_of_voice, Some(0.6));
        assert_eq!(rows[3].share_of_voice, Some(0.0));
        // No mention at all: no share of voice (not 0 %), every brand still listed.
        let none = brand_figures(vec![(2, "Acme".to_string(), true)], &HashMap::new());
        assert_eq!((none.len(), none[0].share_of_voice), (1, None));
    }
}
