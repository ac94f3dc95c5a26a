//! The click stream of a demo or seed: every request on the short links over the period,
//! in time order, as the redirect would see them — who (an address and a user agent),
//! when, from where (`Referer`), and what it was (a person, the sharer, a repeat, a link
//! preview, a crawler, a scanner burst). Some visits lead to a conversion later.
//!
//! Pure and streaming: the period is cut into slices (an hour, or shorter when that would
//! hold more than about 20 000 clicks); each slice gets its exact part of the total
//! (weighted by working hours, weekdays, a growing trend and campaign launches), is drawn
//! and sorted, and handed out before the next one is drawn. So memory does not grow with
//! the number of clicks, and the total is exactly what was asked.
//!
//! Visitor addresses come from the IPv6 documentation prefix `2001:db8::/32`, one per
//! visitor; they only enter the visitor hash, as real addresses do.

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv6Addr};

use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::plan::{sale_value, ConversionPlan, Plan, SharePlan};
use super::tables::{self, Place};
use super::{pick, pick_str, weighted, Timeline};

/// What a visit is, as the generator meant it (the click writer decides what it counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    /// A person following the link.
    Human,
    /// The same person again on the same link a few seconds later.
    Repeat,
    /// The employee who shared the link, signed in to Chorus.
    Own,
    /// A network or messenger building the link's preview card.
    Preview,
    /// A crawler or script.
    Bot,
    /// A `HEAD` request with a browser's user agent (a link checker).
    Head,
    /// A browser prefetching the link (`Sec-Purpose: prefetch`).
    Prefetch,
    /// An e-mail security scanner opening several links within a second.
    Scanner,
}

/// One request on a short link.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub click_id: String,
    /// Index into [`Plan::shares`].
    pub share: usize,
    pub at: DateTime<Utc>,
    pub ip: IpAddr,
    pub user_agent: &'static str,
    pub referer: Option<&'static str>,
    pub intent: Intent,
    /// Where the visitor is (what a GeoIP file would say of a real address).
    pub place: &'static Place,
    /// The conversion this click leads to, if any.
    pub conversion: Option<ConversionPlan>,
}

impl Visit {
    pub fn head(&self) -> bool {
        self.intent == Intent::Head
    }

    pub fn prefetch(&self) -> bool {
        self.intent == Intent::Prefetch
    }

    pub fn own(&self) -> bool {
        self.intent == Intent::Own
    }
}

/// The most clicks one slice should hold.
const SLICE_CLICKS: u64 = 20_000;
/// Returning visitors are drawn from the last this many.
const RING: usize = 4_096;

/// A visitor seen before, who may come back.
#[derive(Debug, Clone)]
struct Seen {
    visitor: u64,
    place: &'static Place,
    user_agent: &'static str,
    click_id: String,
    share: usize,
}

/// The stream; an iterator of [`Visit`]s in time order, exactly `clicks` of them.
pub struct ClickStream<'a> {
    shares: &'a [SharePlan],
    /// Per employee: Korean (their audience is more often in Korea).
    korean: Vec<bool>,
    timeline: Timeline,
    window_days: u32,
    rate: f64,
    total: u64,
    start_ms: i64,
    end_ms: i64,
    slice_ms: i64,
    /// Cumulative integer weights of the slices.
    cum: Vec<u64>,
    next_slice: usize,
    ready: VecDeque<Visit>,
    sampler: Vec<f64>,
    rng: StdRng,
    next_visitor: u64,
    ring: Vec<Seen>,
    ring_next: usize,
    bursts: Vec<i64>,
    next_burst: usize,
    scanners: u64,
    next_conversion: u64,
    next_customer: u64,
    customers: Vec<u64>,
    places: Vec<(usize, u32)>,
    places_korean: Vec<(usize, u32)>,
}

fn ms(at: chrono::NaiveDateTime) -> i64 {
    at.and_utc().timestamp_millis()
}

/// Base 62 in ASCII order (as the redirect's click ids), so later ids sort later.
const TIME_DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A click id in the redirect's format (`web::redirect::new_click_id`): the click's time in
/// milliseconds as 7 base-62 digits, then 9 random alphanumerics — here from the seed and
/// the click's own time, so the demo's ids are reproducible and sort by time as real ones
/// do (the unique index then grows at its end).
pub fn click_id(at_ms: i64, rng: &mut impl Rng) -> String {
    let mut millis = u64::try_from(at_ms).unwrap_or(0);
    let mut prefix = [b'0'; 7];
    for slot in prefix.iter_mut().rev() {
        *slot = TIME_DIGITS[(millis % 62) as usize];
        millis /= 62;
    }
    let mut id = String::with_capacity(16);
    id.extend(prefix.iter().map(|b| char::from(*b)));
    id.extend((0..9).map(|_| char::from(TIME_DIGITS[rng.random_range(0..62)])));
    id
}

fn address(kind: u16, n: u64) -> IpAddr {
    IpAddr::V6(Ipv6Addr::new(
        0x2001,
        0x0db8,
        kind,
        (n >> 48) as u16,
        (n >> 32) as u16,
        (n >> 16) as u16,
        n as u16,
        1,
    ))
}

impl<'a> ClickStream<'a> {
    /// `clicks` visits over `timeline` on the shares of `plan`, from `seed`. Conversions
    /// come from a `conversion_rate` of the people's clicks; a few arrive after
    /// `window_days` (too late to be attributed).
    pub fn new(
        plan: &'a Plan,
        timeline: &Timeline,
        clicks: u64,
        conversion_rate: f64,
        bursts: usize,
        window_days: u32,
        seed: u64,
    ) -> ClickStream<'a> {
        let start_ms = ms(timeline.start);
        let end_ms = ms(timeline.end);
        let total = if plan.shares.is_empty() { 0 } else { clicks };
        let span = (end_ms - start_ms).max(1);
        let hours = (span / 3_600_000).max(1) as u64;
        let slices = hours.max(total / SLICE_CLICKS).max(1);
        let slice_ms = (span / slices as i64).max(60_000);
        let launches: Vec<i64> = plan
            .campaigns
            .iter()
            .filter_map(|c| c.starts_on)
            .map(|d| ms(super::local_midnight(d, timeline.tz)))
            .collect();
        let mut cum = Vec::new();
        let mut sum = 0u64;
        let mut t0 = start_ms;
        while t0 < end_ms {
            let t1 = (t0 + slice_ms).min(end_ms);
            let mid = DateTime::from_timestamp_millis((t0 + t1) / 2)
                .unwrap_or_default()
                .naive_utc();
            let trend = 0.75 + 0.5 * ((t0 - start_ms) as f64 / span as f64);
            let launch = if launches
                .iter()
                .any(|l| (0..3 * 86_400_000).contains(&(t0 - l)))
            {
                1.5
            } else {
                1.0
            };
            let part = (t1 - t0) as f64 / slice_ms as f64;
            sum += (timeline.activity(mid) * trend * launch * part * 1e6).round() as u64;
            cum.push(sum);
            t0 = t1;
        }
        let bursts = (0..bursts)
            .map(|i| {
                start_ms + (span as f64 * (0.72 + 0.27 * i as f64 / bursts as f64).fract()) as i64
            })
            .collect::<Vec<_>>();
        let mut bursts = bursts;
        bursts.sort_unstable();
        let places: Vec<(usize, u32)> = tables::PLACES
            .iter()
            .enumerate()
            .map(|(i, (_, w))| (i, *w))
            .collect();
        let places_korean = tables::PLACES
            .iter()
            .enumerate()
            .map(|(i, (p, w))| (i, if p.country == "KR" { w * 5 } else { *w }))
            .collect();
        ClickStream {
            shares: &plan.shares,
            korean: plan.employees.iter().map(|e| e.korean).collect(),
            timeline: *timeline,
            window_days,
            rate: conversion_rate,
            total,
            start_ms,
            end_ms,
            slice_ms,
            cum,
            next_slice: 0,
            ready: VecDeque::new(),
            sampler: Vec::new(),
            rng: StdRng::seed_from_u64(seed ^ 0x5EED_C11C),
            next_visitor: 1,
            ring: Vec::with_capacity(RING),
            ring_next: 0,
            bursts,
            next_burst: 0,
            scanners: 0,
            next_conversion: 1,
            next_customer: 1,
            customers: Vec::new(),
            places,
            places_korean,
        }
    }

    /// How many clicks slice `s` holds: its part of the total, rounded so that the parts
    /// add up exactly.
    fn slice_count(&self, s: usize) -> u64 {
        let total_weight = u128::from(*self.cum.last().unwrap_or(&0)).max(1);
        let upto = |i: Option<usize>| -> u128 {
            let c = i.map_or(0, |i| u128::from(self.cum[i]));
            u128::from(self.total) * c / total_weight
        };
        (upto(Some(s)) - upto(s.checked_sub(1))) as u64
    }

    /// Draws the next slice that has clicks; false when the period is over.
    fn fill(&mut self) -> bool {
        while self.next_slice < self.cum.len() {
            let s = self.next_slice;
            self.next_slice += 1;
            let n = self.slice_count(s);
            if n == 0 {
                continue;
            }
            let t0 = self.start_ms + s as i64 * self.slice_ms;
            let t1 = (t0 + self.slice_ms).min(self.end_ms);
            let active = self
                .shares
                .partition_point(|sh| ms(sh.created_at) <= t0)
                .max(1);
            self.rebuild_sampler(active, t0);
            let mut left = n;
            while self.next_burst < self.bursts.len() && self.bursts[self.next_burst] < t1 {
                if left < 3 || active < 3 {
                    break; // too quiet here: the burst happens in the next busy slice
                }
                let at = self.bursts[self.next_burst].clamp(t0, (t1 - 2_000).max(t0));
                left -= self.scanner(at, left, active);
                self.next_burst += 1;
            }
            while left > 0 {
                left -= self.event(t0, t1, left);
            }
            self.ready.make_contiguous().sort_by_key(|v| v.at);
            return true;
        }
        false
    }

    /// Shares that exist at `t0`, weighted by popularity and freshness: a post draws most
    /// of its clicks in its first days.
    fn rebuild_sampler(&mut self, active: usize, t0: i64) {
        self.sampler.clear();
        let mut sum = 0.0;
        for share in &self.shares[..active] {
            let age_h = (t0 - ms(share.created_at)).max(0) as f64 / 3_600_000.0;
            sum += share.popularity * (0.06 + (-age_h / 60.0).exp());
            self.sampler.push(sum);
        }
    }

    fn sample_share(&mut self) -> usize {
        let total = self.sampler.last().copied().unwrap_or(0.0);
        let u = self.rng.random::<f64>() * total;
        self.sampler
            .partition_point(|c| *c <= u)
            .min(self.sampler.len().saturating_sub(1))
    }

    fn at(at_ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(at_ms).unwrap_or_default()
    }

    fn new_click_id(&mut self, at_ms: i64) -> String {
        click_id(at_ms, &mut self.rng)
    }

    /// One event of one or two clicks starting in `[t0, t1)`; returns how many clicks.
    fn event(&mut self, t0: i64, t1: i64, left: u64) -> u64 {
        let margin = 10_000.min((t1 - t0) / 2);
        let at_ms = t0 + self.rng.random_range(0..(t1 - t0 - margin).max(1));
        let share = self.sample_share();
        let network = self.shares[share].network;
        let r: f64 = self.rng.random();
        let intent = match r {
            r if r < 0.09 => Intent::Preview,
            r if r < 0.15 => Intent::Bot,
            r if r < 0.18 => Intent::Own,
            r if r < 0.184 => Intent::Head,
            r if r < 0.188 => Intent::Prefetch,
            _ => Intent::Human,
        };
        let click_id = self.new_click_id(at_ms);
        if matches!(intent, Intent::Human | Intent::Head | Intent::Prefetch) {
            // A repeat must fall in this slice too (the stream stays in time order).
            let left = if t1 - at_ms > 4_000 { left } else { 1 };
            return self.person(share, at_ms, click_id, intent, left);
        }
        let visit = match intent {
            Intent::Preview => {
                let n = self.rng.random_range(0..64);
                Visit {
                    click_id,
                    share,
                    at: Self::at(at_ms),
                    ip: address(3, n),
                    user_agent: pick_str(&mut self.rng, tables::preview_agents(network)),
                    referer: None,
                    intent,
                    place: &tables::PLACES[0].0,
                    conversion: None,
                }
            }
            Intent::Bot => {
                let n = self.rng.random_range(0..200) + 1_000;
                Visit {
                    click_id,
                    share,
                    at: Self::at(at_ms),
                    ip: address(3, n),
                    user_agent: pick_str(&mut self.rng, tables::BOTS),
                    referer: None,
                    intent,
                    place: &tables::PLACES[if n % 3 == 0 { 6 } else { 1 }].0,
                    conversion: None,
                }
            }
            _ => {
                let employee = self.shares[share].employee;
                let korean = self.korean.get(employee).copied().unwrap_or(false);
                let place = if korean {
                    3
                } else {
                    [0, 1, 6, 8][employee % 4]
                };
                Visit {
                    click_id,
                    share,
                    at: Self::at(at_ms),
                    ip: address(2, employee as u64),
                    user_agent: tables::BROWSERS[employee % tables::BROWSERS.len()].0,
                    referer: *pick(&mut self.rng, tables::referrers(network)),
                    intent: Intent::Own,
                    place: &tables::PLACES[place].0,
                    conversion: None,
                }
            }
        };
        self.ready.push_back(visit);
        1
    }

    /// A person's click (new or returning), perhaps repeated a moment later; returns how
    /// many clicks.
    fn person(
        &mut self,
        share: usize,
        at_ms: i64,
        click_id: String,
        intent: Intent,
        left: u64,
    ) -> u64 {
        let returning =
            !self.ring.is_empty() && intent == Intent::Human && self.rng.random_bool(0.2);
        let (visitor, place, user_agent, earlier, share) = if returning {
            let seen = self.ring[self.rng.random_range(0..self.ring.len())].clone();
            let share = if self.rng.random_bool(0.5) {
                seen.share
            } else {
                share
            };
            (
                seen.visitor,
                seen.place,
                seen.user_agent,
                Some(seen.click_id),
                share,
            )
        } else {
            let visitor = self.next_visitor;
            self.next_visitor += 1;
            let employee = self.shares[share].employee;
            let weights = if self.korean.get(employee).copied().unwrap_or(false) {
                &self.places_korean
            } else {
                &self.places
            };
            let place = &tables::PLACES[weights[weighted(&mut self.rng, weights)].0].0;
            let in_app = tables::in_app_browsers(self.shares[share].network);
            let user_agent = if !in_app.is_empty() && self.rng.random_bool(0.3) {
                pick_str(&mut self.rng, in_app)
            } else {
                tables::BROWSERS[weighted(&mut self.rng, tables::BROWSERS)].0
            };
            (visitor, place, user_agent, None, share)
        };
        let network = self.shares[share].network;
        let referer = *pick(&mut self.rng, tables::referrers(network));
        let conversion =
            if intent == Intent::Human && self.rng.random_bool(self.rate.clamp(0.0, 1.0)) {
                self.conversion(&click_id, at_ms, place, earlier)
            } else {
                None
            };
        let ip = address(1, visitor);
        if intent == Intent::Human {
            let seen = Seen {
                visitor,
                place,
                user_agent,
                click_id: click_id.clone(),
                share,
            };
            if self.ring.len() < RING {
                self.ring.push(seen);
            } else {
                self.ring[self.ring_next] = seen;
                self.ring_next = (self.ring_next + 1) % RING;
            }
        }
        self.ready.push_back(Visit {
            click_id,
            share,
            at: Self::at(at_ms),
            ip,
            user_agent,
            referer,
            intent,
            place,
            conversion,
        });
        // A double tap, or a page opened twice: the same visitor a few seconds later.
        if intent == Intent::Human && left >= 2 && self.rng.random_bool(0.04) {
            let again = at_ms + self.rng.random_range(800..4_000);
            let click_id = self.new_click_id(again);
            self.ready.push_back(Visit {
                click_id,
                share,
                at: Self::at(again),
                ip,
                user_agent,
                referer,
                intent: Intent::Repeat,
                place,
                conversion: None,
            });
            return 2;
        }
        1
    }

    /// A scanner opening up to five different links within a second; returns how many.
    fn scanner(&mut self, at_ms: i64, left: u64, active: usize) -> u64 {
        let want = left.min(5) as usize;
        let mut shares: Vec<usize> = Vec::with_capacity(want);
        for _ in 0..want * 20 {
            if shares.len() == want {
                break;
            }
            let s = self.sample_share();
            if !shares.contains(&s) {
                shares.push(s);
            }
        }
        // Few shares, one very popular: fill up with the newest ones.
        let mut s = active;
        while shares.len() < want.min(active) && s > 0 {
            s -= 1;
            if !shares.contains(&s) {
                shares.push(s);
            }
        }
        self.scanners += 1;
        let ip = address(4, self.scanners);
        for (i, share) in shares.iter().enumerate() {
            let at = at_ms + 180 * i as i64;
            let click_id = self.new_click_id(at);
            self.ready.push_back(Visit {
                click_id,
                share: *share,
                at: Self::at(at),
                ip,
                user_agent: tables::SCANNER,
                referer: None,
                intent: Intent::Scanner,
                place: &tables::PLACES[1].0,
                conversion: None,
            });
        }
        shares.len() as u64
    }

    fn conversion(
        &mut self,
        click_id: &str,
        at_ms: i64,
        place: &Place,
        earlier: Option<String>,
    ) -> Option<ConversionPlan> {
        let r: f64 = self.rng.random();
        let window = i64::from(self.window_days);
        let delay_s = if r < 0.3 {
            self.rng.random_range(60..3_600)
        } else if r < 0.8 {
            self.rng.random_range(3_600..3 * 86_400)
        } else if r < 0.97 {
            self.rng.random_range(3 * 86_400..20 * 86_400)
        } else {
            // Converted after the attribution window: kept, unattributed.
            self.rng
                .random_range((window + 1) * 86_400..(window + 10) * 86_400)
        };
        let occurred = at_ms + delay_s * 1_000;
        if occurred >= self.end_ms {
            return None;
        }
        let occurred_at =
            (Self::at(occurred) - TimeDelta::milliseconds(occurred % 1_000)).naive_utc();
        let kind =
            ["lead", "signup", "sale"][weighted(&mut self.rng, &[(0, 50), (1, 30), (2, 20)])];
        let n = self.next_conversion;
        self.next_conversion += 1;
        let euro = if place.euro {
            self.rng.random_bool(0.75)
        } else {
            self.rng.random_bool(0.12)
        };
        let customer_id = match kind {
            "sale" => {
                let customer = if !self.customers.is_empty() && self.rng.random_bool(0.25) {
                    *pick(&mut self.rng, &self.customers)
                } else {
                    let c = self.next_customer;
                    self.next_customer += 1;
                    if self.customers.len() < 512 {
                        self.customers.push(c);
                    } else {
                        let slot = (c as usize) % 512;
                        self.customers[slot] = c;
                    }
                    c
                };
                Some(format!("cust-{customer:06}"))
            }
            "signup" => Some(format!("user-{n:07}")),
            _ => None,
        };
        let mut touches: Vec<String> = earlier
            .filter(|e| e != click_id && self.rng.random_bool(0.6))
            .into_iter()
            .collect();
        touches.push(click_id.to_owned());
        Some(ConversionPlan {
            kind,
            value_cents: (kind == "sale").then(|| sale_value(&mut self.rng)),
            currency: if euro { "EUR" } else { "USD" },
            external_id: format!("demo-{kind}-{n:07}"),
            customer_id,
            occurred_at,
            touches,
        })
    }

    /// How many clicks the stream yields in all.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The period the stream covers.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }
}

impl Iterator for ClickStream<'_> {
    type Item = Visit;

    fn next(&mut self) -> Option<Visit> {
        if self.ready.is_empty() && !self.fill() {
            return None;
        }
        self.ready.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use chrono::NaiveDate;

    use super::*;
    use crate::demo::{plan, Shape, DEFAULT_SEED};
    use crate::domain::network::Network;

    fn timeline() -> Timeline {
        let now = DateTime::parse_from_rfc3339("2026-03-10T00:00:00Z")
            .unwrap()
            .naive_utc();
        Timeline::new(
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            60,
            chrono_tz::Asia::Seoul,
            now,
        )
        .unwrap()
    }

    fn demo_visits(seed: u64) -> (Plan, Vec<Visit>) {
        let shape = Shape::demo();
        let t = timeline();
        let plan = plan::build(&shape, &t, seed);
        let visits = ClickStream::new(
            &plan,
            &t,
            shape.clicks,
            shape.conversion_rate,
            shape.bursts,
            30,
            seed,
        )
        .collect();
        (plan, visits)
    }

    #[test]
    fn the_same_seed_gives_the_same_clicks() {
        let (_, a) = demo_visits(DEFAULT_SEED);
        let (_, b) = demo_visits(DEFAULT_SEED);
        assert_eq!(a, b);
        let (_, c) = demo_visits(DEFAULT_SEED + 1);
        assert_ne!(a[..100], c[..100]);
    }

    #[test]
    fn the_demo_stream_has_the_asked_count_in_order_after_each_share() {
        let (plan, visits) = demo_visits(DEFAULT_SEED);
        let t = timeline();
        assert_eq!(visits.len() as u64, Shape::demo().clicks);
        assert!(visits.windows(2).all(|w| w[0].at <= w[1].at), "time order");
        for v in &visits {
            assert!(v.at.naive_utc() >= plan.shares[v.share].created_at, "{v:?}");
            assert!(v.at.naive_utc() >= t.start && v.at.naive_utc() < t.end);
            assert_eq!(v.click_id.len(), 16);
        }
        let ids: HashSet<&str> = visits.iter().map(|v| v.click_id.as_str()).collect();
        assert_eq!(ids.len(), visits.len(), "click ids are unique");
        let mut intents: HashMap<Intent, usize> = HashMap::new();
        for v in &visits {
            *intents.entry(v.intent).or_default() += 1;
        }
        for intent in [
            Intent::Human,
            Intent::Repeat,
            Intent::Own,
            Intent::Preview,
            Intent::Bot,
            Intent::Head,
            Intent::Prefetch,
            Intent::Scanner,
        ] {
            assert!(
                intents.get(&intent).copied().unwrap_or(0) > 0,
                "{intent:?}: {intents:?}"
            );
        }
        assert!((3..=5).contains(&intents[&Intent::Scanner]), "one burst");
        let networks: HashSet<Network> = visits
            .iter()
            .map(|v| plan.shares[v.share].network)
            .collect();
        assert_eq!(
            networks.len(),
            Network::ALL.len(),
            "clicks on every network"
        );
        let countries: HashSet<&str> = visits.iter().map(|v| v.place.country).collect();
        assert!(countries.len() >= 8, "{countries:?}");
        let conversions: Vec<&ConversionPlan> = visits
            .iter()
            .filter_map(|v| v.conversion.as_ref())
            .collect();
        assert!(conversions.len() > 50, "{}", conversions.len());
        let currencies: HashSet<&str> = conversions
            .iter()
            .filter(|c| c.kind == "sale")
            .map(|c| c.currency)
            .collect();
        assert_eq!(currencies, HashSet::from(["USD", "EUR"]));
        for kind in ["lead", "signup", "sale"] {
            assert!(conversions.iter().any(|c| c.kind == kind), "{kind}");
        }
        assert!(
            conversions.iter().any(|c| c.touches.len() == 2),
            "earlier touchpoints"
        );
        assert!(conversions.iter().all(|c| c.occurred_at < t.end));
    }

    #[test]
    fn large_totals_are_exact_and_stream_in_slices() {
        let t = timeline();
        let shape = Shape::seed(50, 2_000, 250_001, 3).unwrap();
        let t3 = Timeline::new(t.last_day, 3, t.tz, t.end).unwrap();
        let plan = plan::build(&shape, &t3, 3);
        let stream = ClickStream::new(&plan, &t3, shape.clicks, 0.004, shape.bursts, 30, 3);
        let mut n = 0u64;
        let mut last = DateTime::<Utc>::MIN_UTC;
        let mut most_ready = 0;
        let mut stream = stream;
        while let Some(v) = stream.next() {
            assert!(v.at >= last);
            last = v.at;
            n += 1;
            most_ready = most_ready.max(stream.ready.len());
        }
        assert_eq!(n, 250_001);
        assert!(most_ready < 3 * SLICE_CLICKS as usize, "{most_ready}");
    }

    #[test]
    fn click_ids_sort_by_time() {
        let mut rng = StdRng::seed_from_u64(1);
        let a = click_id(1_700_000_000_000, &mut rng);
        let b = click_id(1_700_000_000_001, &mut rng);
        assert!(a[..7] < b[..7] && a.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
