//! The KPI report (`GET /api/v1/kpis`; the dashboard and the KPI CSV render the same
//! result): figures gathered by the store per local day, grouped into the interval's
//! buckets, every KPI computed by `domain::kpi`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, TimeZone};
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::kpi;
use crate::domain::mention::contains_keyword;
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
}

/// Builds the report with the queries it needs, on the caller's connection.
pub fn kpi_report(conn: &mut DbConnection, req: &KpiRequest) -> Result<KpiReport, StoreError> {
    let period = &req.filter.period;
    let (first, last) = (period.first_day, period.last_day);
    let days = reports::daily_figures(conn, &req.filter, req.timezone)?;
    let social_filter = SocialFilter {
        first_day: first,
        last_day: last,
        from: period.from,
        to: period.to,
        channel: req.channel.clone(),
    };
    let facts = social::mention_facts(conn, &social_filter)?;
    let texts = social::own_mention_texts(conn, &social_filter)?;
    let attributes = social::intended_attributes(conn)?;
    let cases = social::case_times(conn, &social_filter)?;

    let mut social_total = Social::default();
    let mut social_buckets: HashMap<NaiveDate, Social> = HashMap::new();
    let mut add = |day: NaiveDate, apply: &dyn Fn(&mut Social)| {
        if day < first || day > last {
            return;
        }
        apply(&mut social_total);
        apply(social_buckets.entry(req.interval.bucket(day)).or_default());
    };
    for fact in &facts {
        add(fact.day, &|s| s.mention(fact));
    }
    for (day, text) in &texts {
        let folded = text.to_lowercase();
        let recognised = attributes.iter().any(|a| contains_keyword(&folded, a));
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
        let social = social_buckets.remove(start).unwrap_or_default();
        let next = buckets.get(i + 1).map(|(next, _)| *next);
        let bucket = ReportFilter {
            period: bucket_period(period, *start, next, req.timezone),
            ..req.filter.clone()
        };
        let posts = Posts::gather(conn, &bucket)?;
        series.push((*start, kpis(figures, &social, &posts, req)));
    }
    let posts = Posts::gather(conn, &req.filter)?;
    let mut revenue_by_currency = BTreeMap::from([(req.filter.currency.clone(), 0)]);
    revenue_by_currency.extend(total.sales_cents.clone());
    Ok(KpiReport {
        totals: kpis(&total, &social_total, &posts, req),
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
    })
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
    /// Shares with a snapshot in the period: the *per post* denominator.
    shares: i64,
    reach: i64,
    /// Σ followers gained (or lost) over the employees' profiles.
    follower_growth: i64,
}

impl Posts {
    fn gather(conn: &mut DbConnection, filter: &ReportFilter) -> Result<Posts, StoreError> {
        let mut posts = Posts::default();
        for (engagement, impressions) in reports::latest_engagement(conn, filter)?.into_values() {
            posts.engagement = posts.engagement.saturating_add(engagement);
            posts.shares += 1;
            if let Some(impressions) = impressions {
                posts.impressions = posts.impressions.saturating_add(impressions);
                posts.engagement_with_impressions =
                    posts.engagement_with_impressions.saturating_add(engagement);
            }
        }
        posts.reach = kpi::total_employee_reach(&reports::reach_pairs(conn, filter)?);
        posts.follower_growth = reports::follower_counts(conn, filter)?
            .into_iter()
            .fold(0i64, |sum, (start, end)| {
                sum.saturating_add(kpi::follower_growth(start, end))
            });
        Ok(posts)
    }

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
/// distinct authors cannot be summed from days, so the sets are kept.
#[derive(Debug, Default)]
struct Social {
    own_mentions: i64,
    all_mentions: i64,
    authors: HashSet<String>,
    positive_own_authors: HashSet<String>,
    own_texts: i64,
    recognised: i64,
    response_s: Vec<i64>,
    cases: i64,
    resolved: i64,
}

impl Social {
    fn mention(&mut self, fact: &MentionFact) {
        self.all_mentions = self.all_mentions.saturating_add(fact.mentions);
        self.authors.insert(fact.author.clone());
        if fact.own {
            self.own_mentions = self.own_mentions.saturating_add(fact.mentions);
            if fact.positive {
                self.positive_own_authors.insert(fact.author.clone());
            }
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

/// Every KPI of one bucket, in the order the API lists them.
fn kpis(f: &DailyFigures, s: &Social, p: &Posts, req: &KpiRequest) -> Vec<(&'static str, Figure)> {
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
                f.customers.len() as i64,
            )),
        ),
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
    ]
}
