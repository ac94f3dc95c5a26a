#![no_main]
//! See `tests/fuzz_checks` for the property; SECURITY.md for how to run it.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn address(bytes: [u8; 16], v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]))
    } else {
        IpAddr::V6(Ipv6Addr::from(bytes))
    }
}

/// What a client may put before its own address (the round trip's property is for a
/// well-formed chain; any header at all goes through `check_headers`).
const PREFIXES: [&str; 4] = ["", "10.0.0.7, ", "unknown, 10.0.0.7, ", "1.2.3.4, "];

type Input = ([u8; 16], bool, Option<String>, Option<String>, u16, u8);

fuzz_target!(|input: Input| {
    let (bytes, v4, forwarded, xff, port, prefix) = input;
    let peer = address(bytes, v4);
    checks::check_headers(peer, forwarded.as_deref(), xff.as_deref());
    checks::check_round_trip(peer, port, PREFIXES[usize::from(prefix) % PREFIXES.len()]);
});
