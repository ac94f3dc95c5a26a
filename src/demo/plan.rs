//! The catalogue of a demo or seed: everything but the clicks, generated from a seed.
//! Pure: no database, no clock (the [`Timeline`] carries the period). Rows are in the
//! order they are stored; shares are sorted by creation time, so the shares that exist at
//! an instant are a prefix of the list (the click stream relies on it).

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::tables;
use super::{lognormal, pick, pick_str, weighted, Shape, Timeline};
use crate::domain::network::Network;

#[derive(Debug, Clone, PartialEq)]
pub struct EmployeePlan {
    pub name: String,
    pub email: String,
    /// Index into [`Plan::teams`].
    pub team: usize,
    pub korean: bool,
    /// Networks with a social profile (and follower counts).
    pub networks: Vec<Network>,
    /// How much this person shares, relative to colleagues.
    pub activity: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FollowerPlan {
    pub employee: usize,
    pub network: Network,
    pub followers: i64,
    pub observed_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CampaignPlan {
    pub name: String,
    pub utm_campaign: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub goal: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_overwrite: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContentPlan {
    pub title: String,
    pub url: String,
    /// Index into [`Plan::campaigns`].
    pub campaign: Option<usize>,
    pub topics: Vec<String>,
    /// The employee who wrote it (origin `employee`); `None`: curated by marketing.
    pub author: Option<usize>,
    pub suggested_text: Option<String>,
    pub click_param: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SharePlan {
    pub employee: usize,
    pub content: usize,
    pub network: Network,
    pub created_at: NaiveDateTime,
    pub slug: String,
    /// How many clicks it draws, relative to other shares of its age.
    pub popularity: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricsPlan {
    pub share: usize,
    pub likes: i64,
    pub comments: i64,
    pub reshares: i64,
    pub impressions: Option<i64>,
    pub observed_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BrandPlan {
    pub name: String,
    pub own: bool,
    pub keywords: Vec<String>,
    pub intended_attributes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MentionPlan {
    /// Index into [`Plan::brands`].
    pub brand: usize,
    pub channel: String,
    pub author: String,
    pub author_reach: Option<i64>,
    pub text: String,
    pub kind: &'static str,
    /// `None`: Chorus computes it, as for an integrator that sends none.
    pub sentiment: Option<&'static str>,
    pub korean: bool,
    pub occurred_at: NaiveDateTime,
    pub url: Option<String>,
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CasePlan {
    pub channel: String,
    pub opened_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub external_id: Option<String>,
}

/// A conversion as the company website would report it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversionPlan {
    pub kind: &'static str,
    pub value_cents: Option<i64>,
    pub currency: &'static str,
    pub external_id: String,
    pub customer_id: Option<String>,
    pub occurred_at: NaiveDateTime,
    /// Click ids, oldest first, the last click last; may be empty or name no click.
    pub touches: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub teams: Vec<String>,
    pub employees: Vec<EmployeePlan>,
    pub followers: Vec<FollowerPlan>,
    pub campaigns: Vec<CampaignPlan>,
    pub content: Vec<ContentPlan>,
    pub shares: Vec<SharePlan>,
    pub metrics: Vec<MetricsPlan>,
    pub brands: Vec<BrandPlan>,
    pub mentions: Vec<MentionPlan>,
    pub cases: Vec<CasePlan>,
    pub unattributed: Vec<ConversionPlan>,
}

/// Separate random streams per part, so that changing how one part is drawn leaves the
/// others as they were.
fn rng(seed: u64, part: u64) -> StdRng {
    StdRng::seed_from_u64(seed ^ part.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The catalogue for `shape` over `timeline`, from `seed`.
pub fn build(shape: &Shape, timeline: &Timeline, seed: u64) -> Plan {
    let teams = teams(shape.teams);
    let (employees, followers) = employees(shape, &teams, timeline, &mut rng(seed, 1));
    let campaigns = campaigns(timeline);
    let content = content(shape, &employees, timeline, &mut rng(seed, 2));
    let shares = shares(
        shape,
        &employees,
        &content,
        &followers,
        timeline,
        &mut rng(seed, 3),
    );
    let metrics = metrics(&shares, &followers, timeline, &mut rng(seed, 4));
    let brands = tables::BRANDS
        .iter()
        .map(|b| BrandPlan {
            name: b.name.to_owned(),
            own: b.own,
            keywords: b.keywords.iter().map(|k| (*k).to_owned()).collect(),
            intended_attributes: b.attributes.iter().map(|a| (*a).to_owned()).collect(),
        })
        .collect();
    let mentions = mentions(shape.mentions, timeline, &mut rng(seed, 5));
    let cases = cases(shape.support_cases, timeline, &mut rng(seed, 6));
    let unattributed = unattributed(shape.unattributed, timeline, &mut rng(seed, 7));
    Plan {
        teams,
        employees,
        followers,
        campaigns,
        content,
        shares,
        metrics,
        brands,
        mentions,
        cases,
        unattributed,
    }
}

fn teams(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let base = tables::TEAMS[i % tables::TEAMS.len()];
            match i / tables::TEAMS.len() {
                0 => base.to_owned(),
                round => format!("{base} {}", round + 1),
            }
        })
        .collect()
}

/// ASCII letters of a name, lowercased, for e-mail addresses (`O'Brien` → `obrien`).
fn ascii_part(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'ü' => 'u',
            other => other,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

fn employees(
    shape: &Shape,
    teams: &[String],
    timeline: &Timeline,
    rng: &mut StdRng,
) -> (Vec<EmployeePlan>, Vec<FollowerPlan>) {
    let mut used: HashSet<String> = HashSet::new();
    let mut employees = Vec::with_capacity(shape.employees);
    let mut followers = Vec::new();
    // The period's last reading: an hour before its end (or half way, for short periods).
    let last = (timeline.end - TimeDelta::hours(1)).max(timeline.at_fraction(0.5));
    let middle = timeline.at_fraction(0.5);
    for i in 0..shape.employees {
        // Teams fill round-robin first (none stays empty), then by chance.
        let team = if i < teams.len() {
            i
        } else {
            rng.random_range(0..teams.len())
        };
        let korean = rng.random_bool(tables::korean_share(&teams[team]));
        let (name, local) = loop {
            let (name, local) = if korean {
                let (family, f) = pick(rng, tables::KOREAN_FAMILY);
                let (given, g) = pick(rng, tables::KOREAN_GIVEN);
                (format!("{family}{given}"), format!("{g}.{f}"))
            } else {
                let first = pick(rng, tables::ENGLISH_FIRST);
                let last = pick(rng, tables::ENGLISH_LAST);
                (
                    format!("{first} {last}"),
                    format!("{}.{}", ascii_part(first), ascii_part(last)),
                )
            };
            // Small companies have one of each name; a large seed numbers the addresses.
            if used.insert(local.clone()) {
                break (name, local);
            }
            if used.len() > 200 {
                let local = format!("{local}{}", i + 1);
                used.insert(local.clone());
                break (name, local);
            }
        };
        let mut networks: Vec<Network> = tables::PROFILES
            .iter()
            .filter(|(network, chance, _)| {
                let chance = match network {
                    Network::Xing if !korean => chance * 1.5,
                    Network::Xing => 0.0,
                    _ => *chance,
                };
                rng.random_bool(chance.min(1.0))
            })
            .map(|(network, _, _)| *network)
            .collect();
        if networks.is_empty() {
            networks.push(Network::Linkedin);
        }
        // Every network with profiles appears at least once.
        if let Some((network, _, _)) = tables::PROFILES.get(i) {
            if !networks.contains(network) {
                networks.push(*network);
            }
        }
        for network in &networks {
            let median = tables::PROFILES
                .iter()
                .find(|(n, _, _)| n == network)
                .map_or(300.0, |(_, _, m)| *m);
            let start = lognormal(rng, median, 1.1).round().max(3.0) as i64;
            let growth = (0.04 + 0.05 * super::normal(rng)).clamp(-0.08, 0.35);
            let end = ((start as f64) * (1.0 + growth)).round() as i64;
            // Most profiles gain a few followers at least.
            let end = if end == start { start + 1 } else { end }.max(0);
            let mid = start + (end - start) / 2 + rng.random_range(-2..=2);
            for (followers_at, at) in [(start, timeline.start), (mid.max(0), middle), (end, last)] {
                followers.push(FollowerPlan {
                    employee: i,
                    network: *network,
                    followers: followers_at,
                    observed_at: at,
                });
            }
        }
        employees.push(EmployeePlan {
            name,
            email: format!("{local}@{}", tables::EMAIL_DOMAIN),
            team,
            korean,
            networks,
            activity: lognormal(rng, 1.0, 0.9),
        });
    }
    (employees, followers)
}

fn campaigns(timeline: &Timeline) -> Vec<CampaignPlan> {
    let day = |offset: i64| {
        timeline
            .first_day
            .checked_add_signed(TimeDelta::days(offset))
            .unwrap_or(timeline.first_day)
    };
    tables::CAMPAIGNS
        .iter()
        .map(|c| CampaignPlan {
            name: c.name.to_owned(),
            utm_campaign: c.utm_campaign.map(str::to_owned),
            starts_on: Some(day(c.starts)),
            ends_on: c.ends.map(day),
            goal: c.goal.map(str::to_owned),
            utm_source: c.utm_source.map(str::to_owned),
            utm_medium: c.utm_medium.map(str::to_owned),
            utm_overwrite: c.utm_overwrite,
        })
        .collect()
}

/// `path` with `-n` added before its query, for the n-th copy of an item.
fn numbered(path: &str, n: usize) -> String {
    match path.split_once('?') {
        Some((p, q)) => format!("{p}-{n}?{q}"),
        None => format!("{path}-{n}"),
    }
}

fn content(
    shape: &Shape,
    employees: &[EmployeePlan],
    timeline: &Timeline,
    rng: &mut StdRng,
) -> Vec<ContentPlan> {
    let mut items = Vec::with_capacity(shape.content);
    for i in 0..shape.content {
        let row = &tables::CONTENT[i % tables::CONTENT.len()];
        let copy = i / tables::CONTENT.len();
        let (title, path) = match copy {
            0 => (row.title.to_owned(), row.path.to_owned()),
            n => (
                format!("{} (#{})", row.title, n + 1),
                numbered(row.path, n + 1),
            ),
        };
        // Campaign material appears when its campaign starts; the rest at any time in the
        // first part of the period. The first item is there from the start, so the first
        // shares have something to share.
        let created_at = if i == 0 {
            timeline.start
        } else if let Some(c) = row.campaign.map(|c| &tables::CAMPAIGNS[c]) {
            // On the campaign's first day (or late in a period too short to reach it).
            let day = timeline
                .first_day
                .checked_add_signed(TimeDelta::days(c.starts))
                .unwrap_or(timeline.first_day);
            let from = super::local_midnight(day, timeline.tz).min(timeline.at_fraction(0.8));
            timeline.random_time(rng, from, from + TimeDelta::days(2))
        } else {
            timeline.random_time(rng, timeline.start, timeline.at_fraction(0.85))
        };
        let author = (row.by_employee && !employees.is_empty())
            .then(|| rng.random_range(0..employees.len()));
        items.push(ContentPlan {
            title,
            url: format!("{}{path}", tables::SITE),
            campaign: row.campaign.filter(|c| *c < tables::CAMPAIGNS.len()),
            topics: row.topics.iter().map(|t| (*t).to_owned()).collect(),
            author,
            suggested_text: row.text.map(str::to_owned),
            click_param: row.click_param,
            created_at,
        });
    }
    items
}

/// Random slugs like the generated ones (7 characters of `[A-Za-z0-9_-]`, clean ends, no
/// reserved word), but from the seed.
fn slug(rng: &mut StdRng, taken: &mut HashSet<String>) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    loop {
        let s: String = (0..7)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        let clean = !s.starts_with(['-', '_']) && !s.ends_with(['-', '_']);
        if clean && !crate::domain::slug::is_reserved(&s) && taken.insert(s.clone()) {
            return s;
        }
    }
}

fn shares(
    shape: &Shape,
    employees: &[EmployeePlan],
    content: &[ContentPlan],
    followers: &[FollowerPlan],
    timeline: &Timeline,
    rng: &mut StdRng,
) -> Vec<SharePlan> {
    if employees.is_empty() || content.is_empty() {
        return Vec::new();
    }
    // Followers by (employee, network), for popularity: a list scan per share is too slow
    // at 100 000 shares.
    let mut reach: std::collections::HashMap<(usize, Network), i64> =
        std::collections::HashMap::new();
    for f in followers {
        reach.entry((f.employee, f.network)).or_insert(f.followers);
    }
    let activity: Vec<(usize, u32)> = employees
        .iter()
        .enumerate()
        .map(|(i, e)| (i, (e.activity * 1000.0).round().clamp(1.0, 1e9) as u32))
        .collect();
    // Content in order of appearance, to pick among what exists at a given time.
    let mut by_time: Vec<usize> = (0..content.len()).collect();
    by_time.sort_by_key(|&i| (content[i].created_at, i));
    let korean_content: Vec<bool> = content.iter().map(|c| is_korean(&c.title)).collect();
    let mut taken: HashSet<(usize, usize, Network)> = HashSet::with_capacity(shape.shares);
    let mut slugs: HashSet<String> = HashSet::with_capacity(shape.shares);
    let mut out: Vec<SharePlan> = Vec::with_capacity(shape.shares);
    let last_moment = (timeline.end - TimeDelta::minutes(30)).max(timeline.start);
    for k in 0..shape.shares {
        // The first shares cover every network, at the very start.
        let forced = Network::ALL
            .get(k)
            .copied()
            .filter(|_| k < shape.shares.min(Network::ALL.len()));
        let at = if forced.is_some() {
            (timeline.start + TimeDelta::minutes(k as i64)).min(last_moment)
        } else {
            timeline.random_time(rng, timeline.start, last_moment)
        };
        let existing = by_time
            .partition_point(|&i| content[i].created_at <= at)
            .max(1);
        let mut found = None;
        for attempt in 0..40 {
            let employee = match forced {
                Some(network) if attempt < 20 => employees
                    .iter()
                    .position(|e| e.networks.contains(&network) || !is_social(network))
                    .unwrap_or(0),
                _ => activity[weighted(rng, &activity)].0,
            };
            // Recent content is shared most; employees share what they wrote themselves.
            let c = if rng.random_bool(0.7) {
                by_time[existing - 1 - rng.random_range(0..existing.min(8))]
            } else {
                by_time[rng.random_range(0..existing)]
            };
            // People mostly share what is written in their language.
            if forced.is_none()
                && attempt < 30
                && korean_content[c] != employees[employee].korean
                && rng.random_bool(0.75)
            {
                continue;
            }
            let network = forced.unwrap_or_else(|| pick_network(rng, &employees[employee]));
            if taken.insert((employee, c, network)) {
                found = Some((employee, c, network));
                break;
            }
        }
        // Crowded (few employees sharing much): take the first free combination.
        let found = found.or_else(|| {
            let start = rng.random_range(0..employees.len());
            (0..employees.len())
                .map(|d| (start + d) % employees.len())
                .find_map(|e| {
                    let networks = employees[e]
                        .networks
                        .iter()
                        .copied()
                        .chain([Network::Email, Network::Other]);
                    networks
                        .flat_map(|n| by_time.iter().map(move |&c| (e, c, n)))
                        .find(|key| taken.insert(*key))
                })
        });
        let Some((employee, c, network)) = found else {
            break; // every combination is taken: the shape caps shares below this
        };
        let at = at.max(content[c].created_at);
        let audience = reach.get(&(employee, network)).copied().unwrap_or(150) as f64;
        let network_pull = match network {
            Network::Linkedin => 1.3,
            Network::X | Network::Facebook => 1.0,
            Network::Email => 0.7,
            Network::Other => 0.5,
            _ => 0.8,
        };
        out.push(SharePlan {
            employee,
            content: c,
            network,
            created_at: at,
            slug: String::new(),
            popularity: lognormal(rng, 1.0, 1.0)
                * network_pull
                * (audience.max(20.0) / 500.0).powf(0.35),
        });
    }
    out.sort_by_key(|s| s.created_at);
    for share in &mut out {
        share.slug = slug(rng, &mut slugs);
    }
    out
}

/// Whether a text is written in Korean (has Hangul syllables).
pub(crate) fn is_korean(text: &str) -> bool {
    text.chars().any(|c| ('가'..='힣').contains(&c))
}

/// Whether followers are counted on a network (mail and "other" have no profile).
fn is_social(network: Network) -> bool {
    !matches!(network, Network::Email | Network::Other)
}

fn pick_network(rng: &mut StdRng, employee: &EmployeePlan) -> Network {
    let r: f64 = rng.random();
    if r < 0.07 {
        Network::Email
    } else if r < 0.10 {
        Network::Other
    } else {
        *pick(rng, &employee.networks)
    }
}

fn metrics(
    shares: &[SharePlan],
    followers: &[FollowerPlan],
    timeline: &Timeline,
    rng: &mut StdRng,
) -> Vec<MetricsPlan> {
    let mut reach: std::collections::HashMap<(usize, Network), i64> =
        std::collections::HashMap::new();
    for f in followers {
        reach.entry((f.employee, f.network)).or_insert(f.followers);
    }
    let mut out = Vec::new();
    let last = timeline.end - TimeDelta::minutes(5);
    for (i, share) in shares.iter().enumerate() {
        // Most shares get readings from a social-media tool; some never do.
        if rng.random_bool(0.12) || last - share.created_at < TimeDelta::hours(2) {
            continue;
        }
        let audience = reach
            .get(&(share.employee, share.network))
            .copied()
            .unwrap_or(300) as f64;
        let impressions = (audience * rng.random_range(0.3..2.5) * share.popularity.sqrt())
            .round()
            .max(10.0);
        let rate = rng.random_range(0.01..0.06);
        let likes = (impressions * rate * 0.8).round() as i64;
        let comments = (likes as f64 * rng.random_range(0.05..0.2)).round() as i64;
        let reshares = (likes as f64 * rng.random_range(0.02..0.1)).round() as i64;
        // Mail and "other" report no impressions: engagement per post there.
        let with_impressions = is_social(share.network);
        let mut readings = vec![
            (share.created_at + TimeDelta::days(1), 0.65),
            (share.created_at + TimeDelta::days(7), 1.0),
        ];
        readings.retain(|(at, _)| *at < last);
        if readings.is_empty() {
            readings.push((share.created_at + (last - share.created_at) / 2, 1.0));
        }
        for (at, part) in readings {
            let scale = |n: i64| (n as f64 * part).round() as i64;
            out.push(MetricsPlan {
                share: i,
                likes: scale(likes),
                comments: scale(comments),
                reshares: scale(reshares),
                impressions: with_impressions.then(|| scale(impressions as i64)),
                observed_at: at,
            });
        }
    }
    out
}

/// One mention author: handle, language, reach.
struct Author {
    name: String,
    korean: bool,
    reach: Option<i64>,
}

fn authors(n: usize, rng: &mut StdRng) -> Vec<Author> {
    let mut out = Vec::with_capacity(n);
    for outlet in tables::OUTLETS {
        out.push(Author {
            name: (*outlet).to_owned(),
            korean: is_korean(outlet),
            reach: Some(lognormal(rng, 90_000.0, 0.8).round() as i64),
        });
    }
    for i in out.len()..n.max(out.len() + 1) {
        let korean = rng.random_bool(0.35);
        let name = if korean {
            let (_, f) = pick(rng, tables::KOREAN_FAMILY);
            let (_, g) = pick(rng, tables::KOREAN_GIVEN);
            format!("@{g}_{f}{}", i % 97)
        } else {
            let first = pick(rng, tables::ENGLISH_FIRST);
            let last = pick(rng, tables::ENGLISH_LAST);
            format!("@{}{}{}", ascii_part(first), ascii_part(last), i % 89)
        };
        let reach =
            (!rng.random_bool(0.1)).then(|| lognormal(rng, 800.0, 1.3).round().max(1.0) as i64);
        out.push(Author {
            name,
            korean,
            reach,
        });
    }
    out
}

fn mentions(n: usize, timeline: &Timeline, rng: &mut StdRng) -> Vec<MentionPlan> {
    let authors = authors((n / 3).max(40), rng);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        // Own brand 55 %, competitors the rest; a loyal core of authors writes most.
        let brand = weighted(rng, &[(0, 55), (1, 28), (2, 17)]);
        let author = if rng.random_bool(0.5) {
            &authors[rng.random_range(0..authors.len().min(30))]
        } else {
            &authors[rng.random_range(0..authors.len())]
        };
        let korean = author.korean;
        let sentiment = if tables::BRANDS[brand].own {
            weighted(rng, &[(0, 55), (1, 30), (2, 15)])
        } else {
            weighted(rng, &[(0, 35), (1, 40), (2, 25)])
        };
        let row = &tables::BRANDS[brand];
        let (texts, spelled, topics, attributes): (&[&str], &str, &[&str], Vec<&str>) = if korean {
            (
                tables::MENTIONS_KO[sentiment],
                row.spelled.1,
                tables::MENTION_TOPICS_KO,
                vec!["믿을 수 있는", "안전한", "빠른"],
            )
        } else {
            (
                tables::MENTIONS_EN[sentiment],
                row.spelled.0,
                tables::MENTION_TOPICS_EN,
                vec!["reliable", "secure", "easy to use", "fast"],
            )
        };
        let text = pick(rng, texts)
            .replace("{b}", spelled)
            .replace("{a}", pick_str(rng, &attributes))
            .replace("{t}", pick_str(rng, topics));
        let channels = if korean {
            tables::MENTION_CHANNELS_KO
        } else {
            tables::MENTION_CHANNELS_EN
        };
        let channel = if tables::OUTLETS.contains(&author.name.as_str()) {
            "news"
        } else {
            channels[weighted(rng, channels)].0
        };
        let occurred_at = timeline.random_time(rng, timeline.start, timeline.end);
        out.push(MentionPlan {
            brand,
            channel: channel.to_owned(),
            author: author.name.clone(),
            author_reach: author.reach,
            text,
            kind: if rng.random_bool(0.3) {
                "comment"
            } else {
                "post"
            },
            sentiment: (!rng.random_bool(0.15))
                .then_some(["positive", "neutral", "negative"][sentiment]),
            korean,
            occurred_at,
            url: rng
                .random_bool(0.8)
                .then(|| format!("https://social.example/{channel}/{}", 100_000 + i)),
            external_id: rng
                .random_bool(0.9)
                .then(|| format!("demo-{}", 100_000 + i)),
        });
    }
    out.sort_by_key(|m| m.occurred_at);
    out
}

fn cases(n: usize, timeline: &Timeline, rng: &mut StdRng) -> Vec<CasePlan> {
    let mut out = Vec::with_capacity(n);
    let last = timeline.end - TimeDelta::minutes(1);
    for i in 0..n {
        let channel = tables::SUPPORT_CHANNELS[weighted(rng, tables::SUPPORT_CHANNELS)].0;
        let opened_at = timeline.random_time(rng, timeline.start, last);
        let after = |rng: &mut StdRng, from: NaiveDateTime, median_min: f64| {
            let minutes = lognormal(rng, median_min, 1.0).clamp(2.0, 72.0 * 60.0);
            Some(from + TimeDelta::seconds((minutes * 60.0) as i64)).filter(|at| *at <= last)
        };
        let first_response_at = if rng.random_bool(0.85) {
            after(rng, opened_at, 120.0)
        } else {
            None
        };
        let resolved_at = match first_response_at {
            Some(answered) if rng.random_bool(0.7) => after(rng, answered, 480.0),
            _ => None,
        };
        out.push(CasePlan {
            channel: channel.to_owned(),
            opened_at,
            first_response_at,
            resolved_at,
            external_id: rng.random_bool(0.9).then(|| format!("zd-{}", 40_000 + i)),
        });
    }
    out.sort_by_key(|c| c.opened_at);
    out
}

/// Conversions that arrive without a usable click: no click id at all (a visitor who
/// blocked the cookie), or an id that names no click (copied from another site).
fn unattributed(n: usize, timeline: &Timeline, rng: &mut StdRng) -> Vec<ConversionPlan> {
    (0..n)
        .map(|i| {
            let kind = ["lead", "signup", "sale"][weighted(rng, &[(0, 5), (1, 3), (2, 2)])];
            let euro = rng.random_bool(0.3);
            ConversionPlan {
                kind,
                value_cents: (kind == "sale").then(|| sale_value(rng)),
                currency: if euro { "EUR" } else { "USD" },
                external_id: format!("demo-u{kind}-{i:06}"),
                customer_id: (kind == "sale").then(|| format!("walkin-{i:05}")),
                occurred_at: timeline.random_time(rng, timeline.start, timeline.end),
                touches: if i % 2 == 0 {
                    Vec::new()
                } else {
                    vec![format!("0000000unknown{i:02}")]
                },
            }
        })
        .collect()
}

/// A sale's value in cents: whole currency units, mostly tens to hundreds.
pub(crate) fn sale_value(rng: &mut impl Rng) -> i64 {
    let units = lognormal(rng, 199.0, 0.9).clamp(9.0, 20_000.0).round() as i64;
    units * 100
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline() -> Timeline {
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-10T00:00:00Z")
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

    #[test]
    fn the_same_seed_gives_the_same_catalogue() {
        let t = timeline();
        let a = build(&Shape::demo(), &t, 7);
        assert_eq!(a, build(&Shape::demo(), &t, 7));
        assert_ne!(a.employees, build(&Shape::demo(), &t, 8).employees);
    }

    #[test]
    fn the_demo_catalogue_has_every_network_both_languages_and_valid_times() {
        let t = timeline();
        let plan = build(&Shape::demo(), &t, crate::demo::DEFAULT_SEED);
        assert_eq!(plan.employees.len(), 40);
        assert_eq!(
            plan.teams,
            [
                "Sales",
                "Marketing",
                "Engineering",
                "Customer Success",
                "서울 영업팀"
            ]
        );
        assert_eq!(plan.shares.len(), 300);
        for network in Network::ALL {
            assert!(
                plan.shares.iter().any(|s| s.network == network),
                "{network}"
            );
        }
        assert!(
            plan.employees.iter().any(|e| e.korean) && plan.employees.iter().any(|e| !e.korean)
        );
        assert!(plan.mentions.iter().any(|m| m.korean) && plan.mentions.iter().any(|m| !m.korean));
        for sentiment in ["positive", "neutral", "negative"] {
            assert!(plan.mentions.iter().any(|m| m.sentiment == Some(sentiment)));
        }
        assert!(plan.mentions.iter().any(|m| m.sentiment.is_none()));
        // Shares: unique per (employee, content, network), after their content, in order.
        let keys: HashSet<_> = plan
            .shares
            .iter()
            .map(|s| (s.employee, s.content, s.network))
            .collect();
        assert_eq!(keys.len(), plan.shares.len());
        assert!(plan
            .shares
            .windows(2)
            .all(|w| w[0].created_at <= w[1].created_at));
        assert_eq!(plan.shares[0].created_at, t.start);
        for s in &plan.shares {
            assert!(s.created_at >= plan.content[s.content].created_at && s.created_at < t.end);
            assert!(crate::domain::slug::Slug::parse(&s.slug).is_ok());
        }
        let slugs: HashSet<_> = plan.shares.iter().map(|s| &s.slug).collect();
        assert_eq!(slugs.len(), plan.shares.len());
        assert!(plan.content.iter().any(|c| c.author.is_some()));
        assert!(plan.metrics.len() > plan.shares.len());
        // Followers: a reading at the start and at the end of the period, some growth.
        let growth: i64 = plan
            .followers
            .chunks(3)
            .map(|r| r[2].followers - r[0].followers)
            .sum();
        assert!(growth > 0);
        assert!(plan
            .followers
            .iter()
            .all(|f| f.observed_at >= t.start && f.observed_at < t.end));
        assert!(plan.cases.iter().any(|c| c.resolved_at.is_some()));
        assert!(plan
            .cases
            .iter()
            .any(|c| c.first_response_at.is_some() && c.resolved_at.is_none()));
        let currencies: HashSet<_> = plan.unattributed.iter().map(|c| c.currency).collect();
        assert!(!currencies.is_empty());
    }

    #[test]
    fn a_crowded_seed_still_makes_every_share_unique() {
        let t = timeline();
        let shape = Shape::seed(2, 400, 0, 10).unwrap();
        let plan = build(&shape, &t, 1);
        assert_eq!(plan.shares.len(), 400);
        let keys: HashSet<_> = plan
            .shares
            .iter()
            .map(|s| (s.employee, s.content, s.network))
            .collect();
        assert_eq!(keys.len(), 400);
    }
}
