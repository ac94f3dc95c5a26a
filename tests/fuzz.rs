//! Property-based fuzzing (proptest) of the parsers that read what the internet and
//! operators send: slugs, destination URLs with their UTM tags, client addresses from
//! forwarding headers, user agents, CSV import files and mention batches.
//!
//! `cargo test --test fuzz` runs each property on [`CASES`] generated inputs (the normal
//! suite, so CI stays quick) plus the inputs fuzzing once found, kept below as regression
//! tests. `scripts/fuzz SECONDS` runs them for longer with fresh seeds (see SECURITY.md);
//! `PROPTEST_CASES` sets the number of inputs a run generates.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chorus::domain::utm::UtmTags;
use proptest::prelude::*;

mod fuzz_checks;
use fuzz_checks::*;

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

// ---------------------------------------------------------------------------------------
// Slugs
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// User agents
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// CSV import files and mention batches
// ---------------------------------------------------------------------------------------

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
