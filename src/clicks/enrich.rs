//! Turns the facts of one request into the click row: classification (human, bot,
//! preview, flagged), browser/OS/device, location, referrer host and the visitor hash.
//! The client address enters here and leaves only as a location and a salted hash.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::geo::GeoDb;
use crate::domain::classify::{AgentClassifier, AgentInfo, AgentKind};
use crate::domain::referrer::referrer_host;
use crate::domain::visitor::{visitor_hash, Salt};
use crate::store::clicks::{ClickKind, NewClick};

/// A user agent's analysis as clicks carry it: the labels are shared, so a click costs no
/// string copies of them (they are freed on the writer's thread, where that was noticeable).
struct Agent {
    kind: AgentKind,
    browser: Arc<str>,
    os: Arc<str>,
    device: Arc<str>,
}

impl From<AgentInfo> for Agent {
    fn from(info: AgentInfo) -> Agent {
        Agent {
            kind: info.kind,
            browser: info.browser.into(),
            os: info.os.into(),
            device: info.device.as_str().into(),
        }
    }
}

/// What the redirect handler read from the request.
#[derive(Debug, Clone)]
pub struct RequestFacts<'a> {
    pub ip: IpAddr,
    pub user_agent: Option<&'a str>,
    pub referer: Option<&'a str>,
    /// A HEAD request: answered, never a human click.
    pub head: bool,
    /// `Sec-Purpose: prefetch` / `Purpose: prefetch`: the browser guessing, not a person.
    pub prefetch: bool,
    /// The request carries the session cookie of the employee who owns the share.
    pub own_click: bool,
}

/// Distinct user agents whose analysis is kept. Real traffic repeats a few hundred
/// browser builds; parsing one costs microseconds of regex work, a hit a hash lookup.
const AGENT_CACHE: usize = 10_000;
/// The longest user agent looked at, in bytes. Real ones stay under 300 (an in-app
/// browser with all its tokens under 500); a longer one is cut, so parsing it costs a
/// bounded time and the agent cache at most [`AGENT_CACHE`] × this in keys (5 MB).
const MAX_USER_AGENT_BYTES: usize = 512;

/// `user_agent` cut to at most [`MAX_USER_AGENT_BYTES`], at a character boundary.
fn cut_user_agent(user_agent: &str) -> &str {
    if user_agent.len() <= MAX_USER_AGENT_BYTES {
        return user_agent;
    }
    let mut end = MAX_USER_AGENT_BYTES;
    while !user_agent.is_char_boundary(end) {
        end -= 1;
    }
    &user_agent[..end]
}

pub struct Enricher {
    classifier: AgentClassifier,
    agents: quick_cache::sync::Cache<Box<str>, Arc<Agent>>,
    geo: Option<GeoDb>,
    timezone: Zone,
}

/// The time zone of local days: fixed (bulk loads), or the one in force, which an admin
/// may change while the server runs (`app::settings`).
pub enum Zone {
    Fixed(chrono_tz::Tz),
    Live(crate::app::settings::LiveSettings),
}

impl From<chrono_tz::Tz> for Zone {
    fn from(tz: chrono_tz::Tz) -> Zone {
        Zone::Fixed(tz)
    }
}

impl From<crate::app::settings::LiveSettings> for Zone {
    fn from(live: crate::app::settings::LiveSettings) -> Zone {
        Zone::Live(live)
    }
}

impl Enricher {
    pub fn new(
        classifier: AgentClassifier,
        geo: Option<GeoDb>,
        timezone: impl Into<Zone>,
    ) -> Enricher {
        Enricher {
            classifier,
            agents: quick_cache::sync::Cache::new(AGENT_CACHE),
            geo,
            timezone: timezone.into(),
        }
    }

    /// The analysis of a user agent, from the cache when it was seen before. Only its
    /// first [`MAX_USER_AGENT_BYTES`] are parsed and kept as the cache key.
    fn agent(&self, user_agent: Option<&str>) -> Arc<Agent> {
        let Some(ua) = user_agent.map(cut_user_agent) else {
            return Arc::new(self.classifier.analyse(None).into());
        };
        if let Some(known) = self.agents.get(ua) {
            return known;
        }
        let info: Arc<Agent> = Arc::new(self.classifier.analyse(Some(ua)).into());
        self.agents.insert(ua.into(), info.clone());
        info
    }

    /// The local day of an instant, in the time zone in force.
    pub fn local_day(&self, at: DateTime<Utc>) -> chrono::NaiveDate {
        let tz = match &self.timezone {
            Zone::Fixed(tz) => *tz,
            Zone::Live(live) => live.timezone(),
        };
        at.with_timezone(&tz).date_naive()
    }

    pub fn click(
        &self,
        facts: &RequestFacts<'_>,
        share_id: i64,
        click_id: String,
        at: DateTime<Utc>,
        salt: &Salt,
    ) -> NewClick {
        // The visitor hash takes the cut agent too: it is the agent the click is classified
        // by, and bytes padded on beyond the cut cannot make one client many visitors.
        let user_agent = facts.user_agent.map(cut_user_agent);
        let agent = self.agent(user_agent);
        let (kind, flag_reason) = match agent.kind {
            AgentKind::Bot => (ClickKind::Bot, None),
            AgentKind::Preview => (ClickKind::Preview, None),
            AgentKind::Human if facts.head => (ClickKind::Flagged, Some("head")),
            AgentKind::Human if facts.prefetch => (ClickKind::Flagged, Some("prefetch")),
            AgentKind::Human if facts.own_click => (ClickKind::Flagged, Some("self")),
            AgentKind::Human => (ClickKind::Human, None),
        };
        let location = self
            .geo
            .as_ref()
            .map(|g| g.lookup(facts.ip))
            .unwrap_or_default();
        NewClick {
            click_id,
            share_id,
            occurred_at: at.naive_utc(),
            day: self.local_day(at),
            visitor: visitor_hash(salt, facts.ip, user_agent.unwrap_or("")),
            kind,
            flag_reason: flag_reason.map(str::to_string),
            country: location.country,
            region: location.region,
            city: location.city,
            referrer_host: facts.referer.and_then(referrer_host),
            browser: Some(agent.browser.clone()),
            os: Some(agent.os.clone()),
            device: Some(agent.device.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    fn enricher(geo: bool) -> Enricher {
        let geo = geo.then(|| {
            GeoDb::open(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/geoip/GeoIP2-City-Test.mmdb"
            ))
            .unwrap()
        });
        Enricher::new(
            AgentClassifier::embedded().unwrap(),
            geo,
            chrono_tz::Asia::Seoul,
        )
    }

    fn facts(ua: Option<&str>) -> RequestFacts<'_> {
        RequestFacts {
            ip: "81.2.69.142".parse().unwrap(),
            user_agent: ua,
            referer: Some("https://www.linkedin.com/feed/"),
            head: false,
            prefetch: false,
            own_click: false,
        }
    }

    fn at() -> DateTime<Utc> {
        "2026-03-01T16:30:00Z".parse().unwrap()
    }

    #[test]
    fn a_browser_click_is_human_with_location_device_and_referrer() {
        let salt = Salt::random("2026-03-02".into());
        let click = enricher(true).click(&facts(Some(CHROME)), 7, "c1".into(), at(), &salt);
        assert_eq!(click.kind, ClickKind::Human);
        assert_eq!(click.flag_reason, None);
        assert_eq!(click.country.as_deref(), Some("GB"));
        assert_eq!(click.city.as_deref(), Some("London"));
        assert_eq!(click.referrer_host.as_deref(), Some("linkedin.com"));
        assert_eq!(click.browser.as_deref(), Some("Chrome"));
        assert_eq!(click.device.as_deref(), Some("desktop"));
        assert_eq!(
            click.day.to_string(),
            "2026-03-02",
            "16:30 UTC is already the next day in Seoul"
        );
        assert_eq!(click.visitor.len(), 32);
        assert!(!click.visitor.contains("81.2"), "no address in the row");
    }

    #[test]
    fn long_user_agents_are_cut_at_a_character_boundary() {
        assert_eq!(cut_user_agent(CHROME), CHROME);
        let exact = "a".repeat(MAX_USER_AGENT_BYTES);
        assert_eq!(cut_user_agent(&exact), exact);
        let long = format!("{CHROME} {}", "x".repeat(30 * 1024));
        assert_eq!(cut_user_agent(&long).len(), MAX_USER_AGENT_BYTES);
        assert!(cut_user_agent(&long).starts_with(CHROME));
        // A three-byte character straddling the limit is left out whole.
        let straddling = format!("{}한국어", "a".repeat(MAX_USER_AGENT_BYTES - 1));
        assert_eq!(
            cut_user_agent(&straddling),
            "a".repeat(MAX_USER_AGENT_BYTES - 1)
        );
    }

    #[test]
    fn a_huge_user_agent_is_analysed_and_hashed_by_its_first_bytes() {
        let e = enricher(false);
        let salt = Salt::random("d".into());
        let padded = |tail: &str| format!("{CHROME} {}{tail}", "x".repeat(30 * 1024));
        let (one, two) = (padded("1"), padded("2"));
        let a = e.click(&facts(Some(&one)), 1, "a".into(), at(), &salt);
        let b = e.click(&facts(Some(&two)), 1, "b".into(), at(), &salt);
        assert_eq!(a.kind, ClickKind::Human);
        assert_eq!(a.browser.as_deref(), Some("Chrome"));
        assert_eq!(
            a.visitor, b.visitor,
            "padding past the cut is not a new visitor"
        );
        assert_eq!(e.agents.len(), 1, "one cache entry for both");
        let key_len = e.agents.iter().map(|(k, _)| k.len()).max();
        assert_eq!(key_len, Some(MAX_USER_AGENT_BYTES));
    }

    #[test]
    fn without_a_geoip_file_the_location_is_unknown() {
        let salt = Salt::random("d".into());
        let click = enricher(false).click(&facts(Some(CHROME)), 7, "c1".into(), at(), &salt);
        assert_eq!(
            (click.country, click.region, click.city),
            (None, None, None)
        );
    }

    #[test]
    fn bots_previews_and_non_human_requests_are_told_apart() {
        let e = enricher(false);
        let salt = Salt::random("d".into());
        let kind = |f: RequestFacts<'_>| {
            let c = e.click(&f, 1, "c".into(), at(), &salt);
            (c.kind, c.flag_reason)
        };
        assert_eq!(kind(facts(Some("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"))), (ClickKind::Preview, None));
        assert_eq!(kind(facts(Some("curl/8.5.0"))), (ClickKind::Bot, None));
        assert_eq!(kind(facts(None)), (ClickKind::Bot, None));
        assert_eq!(
            kind(RequestFacts {
                head: true,
                ..facts(Some(CHROME))
            }),
            (ClickKind::Flagged, Some("head".into()))
        );
        assert_eq!(
            kind(RequestFacts {
                head: true,
                ..facts(Some("curl/8.5.0"))
            }),
            (ClickKind::Bot, None)
        );
        assert_eq!(
            kind(RequestFacts {
                prefetch: true,
                ..facts(Some(CHROME))
            }),
            (ClickKind::Flagged, Some("prefetch".into()))
        );
        assert_eq!(
            kind(RequestFacts {
                own_click: true,
                ..facts(Some(CHROME))
            }),
            (ClickKind::Flagged, Some("self".into()))
        );
    }
}
