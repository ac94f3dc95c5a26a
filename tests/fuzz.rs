//! Property-based fuzzing (proptest) of the parsers that read what the internet and
//! operators send: slugs, destination URLs with their UTM tags, client addresses from
//! forwarding headers, user agents, CSV import files and mention batches.
//!
//! `cargo test --test fuzz` runs each property on [`CASES`] generated inputs (the normal
//! suite, so CI stays quick) plus the inputs fuzzing once found, kept below as regression
//! tests. `scripts/fuzz SECONDS` runs them for longer with fresh seeds (see SECURITY.md);
//! `PROPTEST_CASES` sets the number of inputs a run generates.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use chorus::domain::classify::{AgentClassifier, AgentKind, DeviceClass};
use chorus::domain::client_ip::{client_ip, AddressBlock, TrustedProxies};
use chorus::domain::csv_import::{CsvFile, ImportKind};
use chorus::domain::mention;
use chorus::domain::slug::{self, Slug};
use chorus::domain::utm::{append_query_param, compose, DestinationUrl, UtmTags};
use proptest::prelude::*;

/// Inputs per property in the normal suite, unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 64;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    ProptestConfig {
        cases,
        // Shrunk failures are printed; the regression cases below keep them.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text that is mostly the characters parsers care about, with any `char` now and then.
fn texty(max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => proptest::char::range('a', 'z').prop_map(String::from),
        2 => proptest::char::range('0', '9').prop_map(String::from),
        4 => prop::sample::select(vec![
            "/", "?", "#", "&", "=", "%", "%2", "%zz", "%00", "@", ":", "[", "]", ".", "-",
            "_", "+", " ", "\t", "\n", "\r", "\\", "\"", "'", ",", ";", "utm_source",
            "utm_medium", "utm%5Fsource", "http://", "https://", "::", "[::1]", "1.2.3.4",
            "unknown", "_hidden", "for=", "\u{0}", "\u{7f}", "é", "日本", "\u{202e}",
            "\u{feff}", "xn--", "%E2%80%AE",
        ])
        .prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

fn classifier() -> &'static AgentClassifier {
    static CLASSIFIER: OnceLock<AgentClassifier> = OnceLock::new();
    CLASSIFIER.get_or_init(|| AgentClassifier::embedded().expect("the embedded rules load"))
}

// ---------------------------------------------------------------------------------------
// Slugs
// ---------------------------------------------------------------------------------------

fn check_slug(input: &str) {
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

// ---------------------------------------------------------------------------------------
// Destination URLs and UTM composition
// ---------------------------------------------------------------------------------------

fn url_like() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["https://", "http://", "HTTPS://", "ftp://", ""]);
    let host = prop_oneof![
        Just("example.com".to_string()),
        Just("[2001:db8::1]".to_string()),
        Just("127.0.0.1".to_string()),
        Just("xn--bcher-kva.example".to_string()),
        Just("bücher.example".to_string()),
        "[a-z0-9.-]{1,20}".prop_map(String::from),
    ];
    let port = prop::sample::select(vec!["", ":8080", ":0", ":99999", ":"]);
    (scheme, host, port, texty(24), texty(24), texty(8)).prop_map(
        |(scheme, host, port, path, query, fragment)| {
            format!("{scheme}{host}{port}/{path}?{query}#{fragment}")
        },
    )
}

fn check_compose(input: &str, tags: &UtmTags, overwrite: bool) {
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

fn tags() -> impl Strategy<Value = UtmTags> {
    (
        texty(10),
        texty(10),
        proptest::option::of(texty(10)),
        proptest::option::of(texty(10)),
        proptest::option::of(texty(6)),
    )
        .prop_map(|(source, medium, campaign, content, term)| UtmTags {
            campaign,
            content,
            term,
            ..UtmTags::new(source, medium)
        })
}

// ---------------------------------------------------------------------------------------
// Client addresses
// ---------------------------------------------------------------------------------------

fn address() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|b| IpAddr::V4(Ipv4Addr::from(b))),
        any::<[u8; 16]>().prop_map(|b| IpAddr::V6(Ipv6Addr::from(b))),
        any::<[u8; 4]>().prop_map(|b| IpAddr::V6(Ipv4Addr::from(b).to_ipv6_mapped())),
    ]
}

fn trusted() -> TrustedProxies {
    TrustedProxies::parse("10.0.0.0/8, ::1/128, 127.0.0.0/8").expect("valid ranges")
}

/// A client behind one trusted proxy, in every header form: the proxy reports `client`.
fn check_round_trip(client: IpAddr, port: u16, prefix: &str) {
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

fn check_headers(peer: IpAddr, forwarded: Option<&str>, xff: Option<&str>) {
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

// ---------------------------------------------------------------------------------------
// User agents
// ---------------------------------------------------------------------------------------

fn check_agent(agent: Option<&str>) {
    let info = classifier().analyse(agent);
    assert_eq!(info.kind, classifier().kind(agent), "{agent:?}");
    if info.kind != AgentKind::Human {
        assert_eq!(info.device, DeviceClass::Bot, "{agent:?}");
    }
    assert!(!info.browser.is_empty() && !info.os.is_empty(), "{agent:?}");
}

// ---------------------------------------------------------------------------------------
// CSV import files and mention batches
// ---------------------------------------------------------------------------------------

const KINDS: [ImportKind; 5] = [
    ImportKind::Mentions,
    ImportKind::Metrics,
    ImportKind::Followers,
    ImportKind::SupportCases,
    ImportKind::Conversions,
];

fn csv_file() -> impl Strategy<Value = (usize, Vec<u8>)> {
    let cell = prop_oneof![
        6 => texty(12).prop_map(String::into_bytes),
        2 => prop::sample::select(vec![
            "2026-03-01", "2026-03-01 10:00", "2026-03-01T10:00:00Z", "-1", "1e400",
            "999999999999999999999", "12.50", "EUR", "lead", "sale", "twitter", "positive",
            "\"quoted, \"\"value\"\"\"", "\"never closed", "\r", "\u{feff}",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..6),
    ];
    let row = proptest::collection::vec(cell, 0..8).prop_map(|cells| cells.join(&b","[..]));
    (
        0..KINDS.len(),
        any::<bool>(),
        proptest::collection::vec(row, 0..6),
    )
        .prop_map(|(kind, with_header, rows)| {
            let mut file = Vec::new();
            if with_header {
                // The kind's example's first line, so rows are read and checked.
                let example = KINDS[kind].example_csv();
                file.extend_from_slice(example.lines().next().unwrap_or("").as_bytes());
                file.push(b'\n');
            }
            for row in rows {
                file.extend_from_slice(&row);
                file.push(b'\n');
            }
            (kind, file)
        })
}

fn check_csv(kind: ImportKind, file: &[u8]) {
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

fn mention_item() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    let text = prop_oneof![
        texty(16).prop_map(Value::String),
        prop::sample::select(vec![
            "2026-03-01",
            "2026-03-01T10:00:00Z",
            "2026-03-01T10:00:00+09:00",
            "9999-12-31T23:59:59Z",
            "twitter",
            "news",
            "positive",
            "https://example.com/p",
            "javascript:alert(1)",
        ])
        .prop_map(|s| Value::String(s.into())),
        Just(Value::Null),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        Just(json!([])),
    ];
    proptest::collection::vec(text, 10).prop_map(|v| {
        let keys = [
            "brand",
            "channel",
            "author",
            "text",
            "occurred_at",
            "kind",
            "sentiment",
            "author_reach",
            "url",
            "external_id",
        ];
        Value::Object(
            keys.iter()
                .map(|k| k.to_string())
                .zip(v)
                .collect::<serde_json::Map<_, _>>(),
        )
    })
}

fn check_mentions(items: &[serde_json::Value]) {
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

proptest! {
    #![proptest_config(config())]

    #[test]
    fn slugs(input in prop_oneof![texty(70), "[A-Za-z0-9_ -]{0,70}", any::<String>()]) {
        check_slug(&input);
    }

    #[test]
    fn destinations_and_utm(
        input in prop_oneof![3 => url_like(), 1 => texty(40)],
        tags in tags(),
        overwrite in any::<bool>(),
    ) {
        check_compose(&input, &tags, overwrite);
    }

    #[test]
    fn client_addresses_round_trip(
        client in address(),
        port in any::<u16>(),
        prefix in prop::sample::select(vec!["", "10.0.0.7, ", "unknown, 10.0.0.7, ", "1.2.3.4, "]),
    ) {
        check_round_trip(client, port, prefix);
    }

    #[test]
    fn forwarding_headers(
        peer in prop_oneof![Just(IpAddr::from(Ipv4Addr::new(10, 0, 0, 1))), address()],
        forwarded in proptest::option::of(texty(40)),
        xff in proptest::option::of(texty(40)),
    ) {
        check_headers(peer, forwarded.as_deref(), xff.as_deref());
    }

    #[test]
    fn user_agents(agent in proptest::option::of(prop_oneof![
        texty(60),
        "Mozilla/5\\.0 \\([A-Za-z0-9;. ]{0,40}\\) [A-Za-z/0-9. ]{0,40}",
    ])) {
        check_agent(agent.as_deref());
    }

    #[test]
    fn csv_import_rows((kind, file) in csv_file()) {
        check_csv(KINDS[kind], &file);
    }

    #[test]
    fn mention_batches(items in proptest::collection::vec(mention_item(), 1..4)) {
        check_mentions(&items);
    }
}

// ---------------------------------------------------------------------------------------
// Regression inputs: what fuzzing found, kept so the normal suite runs them every time.
// ---------------------------------------------------------------------------------------

#[test]
fn regression_inputs() {
    for slug in [
        "",
        " abc ",
        "ab",
        "LOGIN",
        "a\u{0}b",
        "ab\u{202e}c",
        "---",
        "x".repeat(65).as_str(),
    ] {
        check_slug(slug);
    }
    for (url, overwrite) in [
        ("https://example.com/?utm_source=a&utm_source=b#f", true),
        ("https://example.com/?utm%5Fsource=x", false),
        ("https://example.com/?&&#", true),
        ("https://[2001:db8::1]:8080/a?b#c", false),
        ("https://xn--bcher-kva.example/%zz?%00=%E2%80%AE", true),
    ] {
        check_compose(url, &UtmTags::new(" linkedin ", "a b&c=d#e"), overwrite);
    }
    for client in ["::ffff:1.2.3.4", "2001:db8::1", "1.2.3.4", "fe80::1"] {
        check_round_trip(
            client.parse().expect("an address"),
            443,
            "unknown, 10.0.0.7, ",
        );
    }
    let proxy = IpAddr::from(Ipv4Addr::new(10, 0, 0, 1));
    for (forwarded, xff) in [
        (Some("for=\"[::ffff:10.0.0.1]\", for=_hidden"), None),
        (None, Some(" , ,")),
        (Some("for=\"[2001:db8::1"), Some("")),
        (Some("FOR=1.2.3.4;by=2.3.4.5, for=10.0.0.8"), None),
    ] {
        check_headers(proxy, forwarded, xff);
    }
    for agent in [
        None,
        Some(""),
        Some("\u{0}"),
        Some("facebookexternalhit/1.1"),
        Some("Mozilla/5.0 (iPhone"),
    ] {
        check_agent(agent);
    }
    for kind in KINDS {
        let header = kind.example_csv();
        check_csv(kind, header.as_bytes());
        check_csv(kind, b"\xEF\xBB\xBF");
        check_csv(
            kind,
            format!("{}\n\"open,\n\n,", header.lines().next().unwrap_or("")).as_bytes(),
        );
    }
    check_mentions(&[
        serde_json::json!({"brand": "Acme", "channel": "news", "author": "A", "text": "t",
            "occurred_at": "9999-12-31T23:59:59Z", "author_reach": -1}),
        serde_json::json!({"brand": " ", "occurred_at": "2026-03-01", "author_reach": 1e300}),
        serde_json::json!([]),
    ]);
}
