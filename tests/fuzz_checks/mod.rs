//! The properties the fuzzing checks, shared by the proptest run (`tests/fuzz.rs`, in the
//! normal suite) and the libFuzzer targets (`fuzz/fuzz_targets/*.rs`, `cargo +nightly fuzz
//! run …`): each `check_*` takes one input and panics when a property does not hold.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::OnceLock;

use chorus::domain::classify::{AgentClassifier, AgentKind, DeviceClass};
use chorus::domain::client_ip::{client_ip, AddressBlock, TrustedProxies};
use chorus::domain::csv_import::{CsvFile, ImportKind};
use chorus::domain::mention;
use chorus::domain::slug::{self, Slug};
use chorus::domain::utm::{append_query_param, compose, DestinationUrl, UtmTags};

pub fn classifier() -> &'static AgentClassifier {
    static CLASSIFIER: OnceLock<AgentClassifier> = OnceLock::new();
    CLASSIFIER.get_or_init(|| AgentClassifier::embedded().expect("the embedded rules load"))
}

pub fn check_slug(input: &str) {
    if let Ok(slug) = Slug::parse(input) {
        let s = slug.as_str();
        assert!(
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            "{input:?} gave {s:?}"
        );
        assert!((slug::MIN_LEN..=slug::MAX_LEN).contains(&s.len()), "{s:?}");
        assert!(!slug::is_reserved(s), "{s:?}");
        assert_eq!(s, input.trim());
        assert!(slug::is_plausible(s), "{s:?} parses but is not plausible");
        assert_eq!(Slug::parse(s).as_ref().map(Slug::as_str), Ok(s));
    }
}

pub fn check_compose(input: &str, tags: &UtmTags, overwrite: bool) {
    let Ok(destination) = DestinationUrl::parse(input) else {
        return;
    };
    let parsed = url::Url::parse(destination.as_str())
        .unwrap_or_else(|e| panic!("{destination} (from {input:?}) does not parse: {e}"));
    // The canonical form is a fixed point, and its host is the URL's.
    assert_eq!(
        DestinationUrl::parse(destination.as_str())
            .as_ref()
            .map(DestinationUrl::as_str),
        Ok(destination.as_str()),
        "{input:?}"
    );
    assert_eq!(Some(destination.host()), parsed.host_str(), "{destination}");
    for composed in [
        compose(&destination, tags, overwrite),
        append_query_param(
            &compose(&destination, tags, overwrite),
            "chorus_click",
            "c l/ick",
        ),
    ] {
        let again = url::Url::parse(&composed)
            .unwrap_or_else(|e| panic!("{composed} (from {input:?}) does not parse: {e}"));
        assert_eq!(again.scheme(), parsed.scheme(), "{composed}");
        assert_eq!(again.host_str(), parsed.host_str(), "{composed}");
        assert_eq!(again.port(), parsed.port(), "{composed}");
        assert_eq!(again.path(), parsed.path(), "{composed}");
        assert_eq!(again.fragment(), parsed.fragment(), "{composed}");
        // Each tag is there, as given (trimmed), unless the destination had the key and
        // the tags do not overwrite it.
        for (name, value) in tags.pairs() {
            let had = parsed.query_pairs().any(|(k, _)| k == name);
            let now: Vec<String> = again
                .query_pairs()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .collect();
            assert!(!now.is_empty(), "{name} missing from {composed}");
            if overwrite || !had {
                assert_eq!(now, vec![value.to_string()], "{name} in {composed}");
            }
        }
    }
}

pub fn trusted() -> TrustedProxies {
    TrustedProxies::parse("10.0.0.0/8, ::1/128, 127.0.0.0/8").expect("valid ranges")
}

/// A client behind one trusted proxy, in every header form: the proxy reports `client`.
pub fn check_round_trip(client: IpAddr, port: u16, prefix: &str) {
    let proxy: IpAddr = Ipv4Addr::new(10, 1, 2, 3).into();
    let expected = client.to_canonical();
    if trusted().contains(expected) {
        return;
    }
    let bracketed = match client {
        IpAddr::V6(v6) => format!("\"[{v6}]:{port}\""),
        IpAddr::V4(v4) => format!("{v4}:{port}"),
    };
    let xff = format!("{prefix}{client}");
    let earlier: String = prefix
        .split(", ")
        .filter(|hop| !hop.is_empty())
        .map(|hop| format!("for={hop}, "))
        .collect();
    let forwarded = format!("{earlier}for={bracketed};proto=https");
    assert_eq!(
        client_ip(proxy, None, Some(&xff), &trusted()),
        expected,
        "{xff}"
    );
    assert_eq!(
        client_ip(proxy, Some(&forwarded), None, &trusted()),
        expected,
        "{forwarded}"
    );
    let block = AddressBlock::of(client).network();
    assert_eq!(AddressBlock::of(block).network(), block);
    if let (IpAddr::V6(c), IpAddr::V6(b)) = (expected, block) {
        assert_eq!(u128::from(c) >> 64, u128::from(b) >> 64);
    }
}

pub fn check_headers(peer: IpAddr, forwarded: Option<&str>, xff: Option<&str>) {
    let answer = client_ip(peer, forwarded, xff, &trusted());
    assert_eq!(answer, answer.to_canonical());
    if !trusted().contains(peer.to_canonical()) {
        assert_eq!(
            answer,
            peer.to_canonical(),
            "an untrusted peer's headers were read"
        );
    }
    // An address is not invented: it is the peer or written in a header.
    let written = |h: Option<&str>| {
        h.is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            h.contains(&answer.to_string())
                || matches!(answer, IpAddr::V4(v4) if h.contains(&v4.to_ipv6_mapped().to_string()))
        })
    };
    assert!(
        answer == peer.to_canonical() || written(forwarded) || written(xff),
        "{answer} from {peer}, {forwarded:?}, {xff:?}"
    );
}

pub fn check_agent(agent: Option<&str>) {
    let info = classifier().analyse(agent);
    assert_eq!(info.kind, classifier().kind(agent), "{agent:?}");
    if info.kind != AgentKind::Human {
        assert_eq!(info.device, DeviceClass::Bot, "{agent:?}");
    }
    assert!(!info.browser.is_empty() && !info.os.is_empty(), "{agent:?}");
}

pub const KINDS: [ImportKind; 5] = [
    ImportKind::Mentions,
    ImportKind::Metrics,
    ImportKind::Followers,
    ImportKind::SupportCases,
    ImportKind::Conversions,
];

pub fn check_csv(kind: ImportKind, file: &[u8]) {
    let now = chrono::NaiveDate::from_ymd_opt(2026, 6, 1)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("a date");
    for ignore_unknown in [false, true] {
        let Ok(mut csv) = CsvFile::open(file, kind, ignore_unknown) else {
            continue;
        };
        let mut last_line = 1;
        while let Some((line, _row)) = csv.next_record(chrono_tz::Asia::Seoul, now).expect("read") {
            assert!(
                line > last_line,
                "line {line} after {last_line} in {file:?}"
            );
            last_line = line;
        }
    }
}

pub fn check_mentions(items: &[serde_json::Value]) {
    let now = chrono::NaiveDate::from_ymd_opt(2026, 6, 1)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("a date");
    for (index, item) in items.iter().enumerate() {
        let Ok(fields) = chorus::web::api::mentions::fields(index, item) else {
            continue;
        };
        if let Ok(valid) = mention::validate(index, &fields, chrono_tz::UTC, now) {
            assert!(!valid.brand.trim().is_empty(), "{item}");
            assert!(
                valid.occurred_at <= now + chrono::Duration::days(1),
                "{item}"
            );
        }
    }
}
