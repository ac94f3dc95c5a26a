//! The visitor's IP address behind reverse proxies.
//!
//! The TCP peer is the visitor unless it is one of the operator's proxies
//! (`CHORUS_TRUSTED_PROXIES`). Only then are the forwarding headers believed, and only as
//! far as they were written by trusted hops: the chain is walked from the right (the entry
//! the nearest proxy appended) and the first untrusted address is the visitor. Anything
//! to the left of it was supplied by the client and may be forged.
//!
//! The address is used for GeoIP and for the daily visitor hash, then dropped: it is never
//! stored (see `domain::visitor`).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use ipnet::{IpNet, Ipv4Net};

/// The proxies whose `X-Forwarded-For` / `Forwarded` headers are believed: single
/// addresses and CIDR ranges, IPv4 and IPv6. The default trusts nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A `CHORUS_TRUSTED_PROXIES` entry that is neither an address nor a CIDR range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid trusted proxy {entry:?}: expected an IP address or a CIDR range \
     such as 10.0.0.0/8 or fd00::/8"
)]
pub struct TrustedProxiesError {
    /// The offending entry, trimmed.
    pub entry: String,
}

impl TrustedProxies {
    /// Parses the `CHORUS_TRUSTED_PROXIES` value: addresses or CIDR ranges separated by
    /// commas, with any blanks around them. An empty value trusts nobody. IPv4-mapped
    /// IPv6 entries (`::ffff:10.0.0.1`) are stored as plain IPv4. Bracketed IPv6 entries
    /// (`[::1]`) are accepted. Host bits of a range are ignored (`10.1.2.3/8` = `10.0.0.0/8`).
    ///
    /// # Errors
    /// [`TrustedProxiesError`] naming the first entry that does not parse.
    pub fn parse(spec: &str) -> Result<TrustedProxies, TrustedProxiesError> {
        spec.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                parse_entry(entry).ok_or_else(|| TrustedProxiesError {
                    entry: entry.to_owned(),
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// Trusts nobody: the TCP peer is always the visitor.
    pub fn none() -> Self {
        TrustedProxies(Vec::new())
    }

    /// True when no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` (canonicalised first, so `::ffff:10.0.0.1` matches `10.0.0.0/8`) is a
    /// trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

impl FromStr for TrustedProxies {
    type Err = TrustedProxiesError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        TrustedProxies::parse(spec)
    }
}

/// Comma-separated CIDR ranges, e.g. `10.0.0.0/8,::1/128`; parses back to the same value.
impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, net) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{net}")?;
        }
        Ok(())
    }
}

fn parse_entry(entry: &str) -> Option<IpNet> {
    let net = match entry.parse::<IpNet>() {
        Ok(net) => net,
        Err(_) => IpNet::from(parse_address(entry)?),
    };
    Some(canonical_net(net).trunc())
}

// `::ffff:0:0/96` and longer IPv4-mapped ranges become the equivalent IPv4 range, so that
// they match the canonicalised addresses `contains` compares against.
fn canonical_net(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => v6
            .addr()
            .to_ipv4_mapped()
            .and_then(|v4| Ipv4Net::new(v4, v6.prefix_len() - 96).ok())
            .map_or(net, IpNet::V4),
        _ => net,
    }
}

/// The visitor's address.
///
/// - `peer` is the TCP peer. When it is not a trusted proxy (including whenever `trusted`
///   is empty) it is the answer and the headers are ignored, so a client cannot forge its
///   address with them.
/// - Otherwise the forwarding chain is walked from the right, skipping trusted hops; the
///   first untrusted address is the visitor. When every hop is trusted the leftmost one
///   is. `x_forwarded_for` is used when present and non-blank, else the `for=` parameters
///   of the RFC 7239 `forwarded` header (quoted `"[2001:db8::1]:4711"` and `ip:port` forms
///   included). Pass each header's lines joined with `", "` when it occurs several times.
/// - A malformed header, an `unknown` or obfuscated (`_hidden`) node reached during the
///   walk, or no header at all gives `peer`.
///
/// The result is canonical: `::ffff:a.b.c.d` becomes `a.b.c.d`.
pub fn client_ip(
    peer: IpAddr,
    forwarded: Option<&str>,
    x_forwarded_for: Option<&str>,
    trusted: &TrustedProxies,
) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    // X-Forwarded-For wins when both are present: it is what nginx, HAProxy, Caddy,
    // Traefik and the cloud load balancers append to, and most of them pass a client's
    // `Forwarded` header through untouched, so preferring it would let clients forge it.
    let hops = match (non_blank(x_forwarded_for), non_blank(forwarded)) {
        (Some(xff), _) => Some(parse_x_forwarded_for(xff)),
        (None, Some(fwd)) => parse_forwarded(fwd),
        (None, None) => None,
    };
    hops.and_then(|hops| walk(&hops, trusted)).unwrap_or(peer)
}

fn non_blank(header: Option<&str>) -> Option<&str> {
    header.filter(|h| !h.trim().is_empty())
}

/// From the right: the first untrusted hop, or the leftmost when all are trusted; `None`
/// when the chain is empty or an unusable hop (`None` entry) comes first.
fn walk(hops: &[Option<IpAddr>], trusted: &TrustedProxies) -> Option<IpAddr> {
    let mut leftmost_trusted = None;
    for hop in hops.iter().rev() {
        let ip = (*hop)?;
        if !trusted.contains(ip) {
            return Some(ip);
        }
        leftmost_trusted = Some(ip);
    }
    leftmost_trusted
}

/// `X-Forwarded-For: client, proxy1, proxy2`. Blank entries are skipped; entries that are
/// not addresses become `None`.
fn parse_x_forwarded_for(header: &str) -> Vec<Option<IpAddr>> {
    header
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(parse_node)
        .collect()
}

/// The `for=` nodes of an RFC 7239 `Forwarded` header, one per forwarded-element that has
/// one. `None` for a header that is not well formed (unbalanced quotes, a parameter
/// without `=`).
fn parse_forwarded(header: &str) -> Option<Vec<Option<IpAddr>>> {
    let mut hops = Vec::new();
    for element in split_outside_quotes(header, ',')? {
        if element.trim().is_empty() {
            continue;
        }
        let mut node = None;
        for pair in split_outside_quotes(element, ';')? {
            if pair.trim().is_empty() {
                continue;
            }
            let (name, value) = pair.split_once('=')?;
            if node.is_none() && name.trim().eq_ignore_ascii_case("for") {
                node = Some(unquote(value.trim())?);
            }
        }
        if let Some(node) = node {
            hops.push(parse_node(&node));
        }
    }
    Some(hops)
}

/// Splits on `separator` where it is not inside a quoted-string. `None` when a quote is
/// left open.
fn split_outside_quotes(s: &str, separator: char) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    if quoted {
        return None;
    }
    parts.push(&s[start..]);
    Some(parts)
}

/// A token as is, or a quoted-string without its quotes and backslash escapes.
fn unquote(value: &str) -> Option<String> {
    let Some(inner) = value.strip_prefix('"') else {
        return Some(value.to_owned());
    };
    let inner = inner.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next()? } else { c });
    }
    Some(out)
}

/// One hop: `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1`, `[2001:db8::1]` or
/// `[2001:db8::1]:443`, canonicalised. `None` for anything else (`unknown`, `_hidden`).
fn parse_node(node: &str) -> Option<IpAddr> {
    parse_address(node.trim()).map(|ip| ip.to_canonical())
}

fn parse_address(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = s.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    s.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse::<IpAddr>().ok())
}

/// What a rate limit counts against: one client, as far as its address can tell.
///
/// An IPv4 address is one client (or one NAT, which is the best anyone can do). A full
/// IPv6 address is not: a subscriber is routed a whole /64 (often a /56 or /48) and may
/// use any address in it, so a limit keyed by the full address hands out 2^64 fresh
/// budgets. The /64 is the smallest block one client cannot step out of (privacy
/// extensions, SLAAC and DHCPv6 all stay inside it), so that is the key. IPv4-mapped IPv6
/// addresses (`::ffff:a.b.c.d`) are IPv4.
///
/// No `Display`: the key is an address, and addresses are not logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressBlock(IpAddr);

impl AddressBlock {
    /// The length of the IPv6 prefix treated as one client.
    pub const IPV6_PREFIX: u8 = 64;

    /// The block `ip` belongs to: the address itself for IPv4, its /64 for IPv6.
    pub fn of(ip: IpAddr) -> AddressBlock {
        match ip.to_canonical() {
            IpAddr::V4(v4) => AddressBlock(IpAddr::V4(v4)),
            IpAddr::V6(v6) => {
                let bits = u128::from(v6) & (u128::MAX << (128 - u32::from(Self::IPV6_PREFIX)));
                AddressBlock(IpAddr::V6(bits.into()))
            }
        }
    }

    /// The block's first address (the address itself for IPv4).
    pub fn network(&self) -> IpAddr {
        self.0
    }
}

/// Whether the request reached the operator's proxy over https, as that proxy says.
///
/// `X-Forwarded-Proto` and the `proto=` parameters of RFC 7239 `Forwarded` are believed
/// only when the TCP `peer` is a trusted proxy: from anyone else they are the client's
/// word. Pass each header's lines joined with `", "`. Any `https` among the values
/// counts: the answer only decides whether cookies are marked `Secure`, and a client
/// that forges `https` on a plain-http path only makes its own browser drop its own
/// cookies, while missing a real `https` would let a session cookie travel in clear text
/// later. A malformed `Forwarded` header says nothing.
pub fn forwarded_https(
    peer: IpAddr,
    forwarded: Option<&str>,
    x_forwarded_proto: Option<&str>,
    trusted: &TrustedProxies,
) -> bool {
    if !trusted.contains(peer) {
        return false;
    }
    let https = |value: &str| value.trim().eq_ignore_ascii_case("https");
    if x_forwarded_proto.is_some_and(|h| h.split(',').any(https)) {
        return true;
    }
    forwarded
        .and_then(forwarded_protos)
        .is_some_and(|protos| protos.iter().any(|p| https(p)))
}

/// The `proto=` values of a `Forwarded` header; `None` when it is not well formed.
fn forwarded_protos(header: &str) -> Option<Vec<String>> {
    let mut protos = Vec::new();
    for element in split_outside_quotes(header, ',')? {
        for pair in split_outside_quotes(element, ';')? {
            if pair.trim().is_empty() {
                continue;
            }
            let (name, value) = pair.split_once('=')?;
            if name.trim().eq_ignore_ascii_case("proto") {
                protos.push(unquote(value.trim())?);
            }
        }
    }
    Some(protos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn trusted(spec: &str) -> TrustedProxies {
        TrustedProxies::parse(spec).unwrap()
    }

    // -- TrustedProxies -------------------------------------------------------------------

    #[test]
    fn parse_accepts_addresses_and_ranges_with_blanks() {
        let t = trusted(" 10.0.0.0/8 ,192.168.1.10,  fd00::/8 , ::1 ,");
        assert!(t.contains(ip("10.200.3.4")));
        assert!(t.contains(ip("192.168.1.10")));
        assert!(!t.contains(ip("192.168.1.11")));
        assert!(t.contains(ip("fd12:3456::1")));
        assert!(!t.contains(ip("fe80::1")));
        assert!(t.contains(ip("::1")));
        assert!(!t.contains(ip("::2")));
        assert!(!t.contains(ip("11.0.0.1")));
    }

    #[test]
    fn empty_spec_trusts_nobody() {
        for spec in ["", "   ", " , ,"] {
            let t = trusted(spec);
            assert!(t.is_empty(), "{spec:?}");
            assert_eq!(t, TrustedProxies::none());
            assert!(!t.contains(ip("127.0.0.1")));
        }
        assert_eq!(TrustedProxies::default(), TrustedProxies::none());
    }

    #[test]
    fn parse_names_the_bad_entry() {
        for (spec, bad) in [
            ("10.0.0.0/8, nginx, ::1", "nginx"),
            ("10.0.0.0/33", "10.0.0.0/33"),
            ("10.0.0.1 ,  300.1.1.1 ", "300.1.1.1"),
            ("fd00::/129", "fd00::/129"),
            ("10.0.0.0/8/8", "10.0.0.0/8/8"),
        ] {
            let err = TrustedProxies::parse(spec).unwrap_err();
            assert_eq!(err.entry, bad, "{spec:?}");
            assert!(err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn ipv6_cidr_ranges_match() {
        let t = trusted("2001:db8:abcd::/48");
        assert!(t.contains(ip("2001:db8:abcd:12::1")));
        assert!(!t.contains(ip("2001:db8:abce::1")));
        assert!(!t.contains(ip("10.0.0.1")));
    }

    #[test]
    fn mapped_entries_and_addresses_are_canonicalised() {
        let t = trusted("::ffff:10.0.0.1, ::ffff:172.16.0.0/108, [::1]");
        assert!(t.contains(ip("10.0.0.1")));
        assert!(t.contains(ip("::ffff:10.0.0.1")));
        assert!(t.contains(ip("172.16.9.9")));
        assert!(t.contains(ip("::1")));
        assert_eq!(t.to_string(), "10.0.0.1/32,172.16.0.0/12,::1/128");

        let v4 = trusted("10.0.0.0/8");
        assert!(v4.contains(ip("::ffff:10.1.2.3")));
    }

    #[test]
    fn host_bits_are_ignored_and_display_round_trips() {
        let t = trusted("10.1.2.3/8, 2001:db8::1/32");
        assert_eq!(t.to_string(), "10.0.0.0/8,2001:db8::/32");
        assert_eq!(t.to_string().parse::<TrustedProxies>().unwrap(), t);
    }

    // -- client_ip: peer and X-Forwarded-For ----------------------------------------------

    #[test]
    fn untrusted_peer_is_the_client_and_spoofed_headers_are_ignored() {
        let t = trusted("10.0.0.0/8");
        let peer = ip("203.0.113.9");
        assert_eq!(client_ip(peer, None, None, &t), peer);
        assert_eq!(
            client_ip(peer, Some("for=1.2.3.4"), Some("1.2.3.4"), &t),
            peer
        );
        // With no trusted proxies at all, headers are never believed.
        let none = TrustedProxies::none();
        assert_eq!(
            client_ip(ip("10.0.0.1"), None, Some("1.2.3.4"), &none),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn trusted_peer_without_headers_is_the_client() {
        let t = trusted("127.0.0.1");
        assert_eq!(client_ip(ip("127.0.0.1"), None, None, &t), ip("127.0.0.1"));
        assert_eq!(
            client_ip(ip("127.0.0.1"), Some(" "), Some(""), &t),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn single_trusted_proxy() {
        let t = trusted("127.0.0.1");
        let got = client_ip(ip("127.0.0.1"), None, Some("198.51.100.7"), &t);
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn chain_of_trusted_proxies_is_walked_from_the_right() {
        let t = trusted("10.0.0.0/8, 192.168.0.0/16");
        let xff = "198.51.100.7, 192.168.3.4, 10.0.0.2";
        assert_eq!(
            client_ip(ip("10.0.0.1"), None, Some(xff), &t),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn spoofed_left_entries_from_the_client_are_not_believed() {
        // The client sent "X-Forwarded-For: 1.1.1.1"; the trusted proxy appended the real
        // client address. The visitor is the first untrusted entry from the right.
        let t = trusted("10.0.0.0/8");
        let xff = "1.1.1.1, 198.51.100.7";
        assert_eq!(
            client_ip(ip("10.0.0.1"), None, Some(xff), &t),
            ip("198.51.100.7")
        );
        // Even a "trusted-looking" forged entry changes nothing.
        let xff = "10.9.9.9, 198.51.100.7";
        assert_eq!(
            client_ip(ip("10.0.0.1"), None, Some(xff), &t),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn header_lines_joined_in_order_are_walked_as_one_chain() {
        // A client sends its own line; the trusted proxy appends another rather than
        // extending it. Joined with ", " (what `web::client_address` does), the proxy's
        // line is rightmost and names the client; the first line alone would be a forgery.
        let t = trusted("10.0.0.0/8");
        let peer = ip("10.0.0.1");
        let joined = ["6.6.6.6", "198.51.100.7"].join(", ");
        assert_eq!(client_ip(peer, None, Some(&joined), &t), ip("198.51.100.7"));
        let joined = ["for=6.6.6.6", "for=198.51.100.7"].join(", ");
        assert_eq!(client_ip(peer, Some(&joined), None, &t), ip("198.51.100.7"));
    }

    #[test]
    fn all_hops_trusted_gives_the_leftmost() {
        let t = trusted("10.0.0.0/8");
        let got = client_ip(ip("10.0.0.1"), None, Some("10.0.0.9, 10.0.0.5"), &t);
        assert_eq!(got, ip("10.0.0.9"));
    }

    #[test]
    fn malformed_x_forwarded_for_falls_back_to_the_peer() {
        let t = trusted("10.0.0.0/8");
        let peer = ip("10.0.0.1");
        for xff in [
            "garbage",
            "198.51.100.7, nonsense",
            "unknown",
            "1.2.3",
            "::ffff:zz",
        ] {
            assert_eq!(client_ip(peer, None, Some(xff), &t), peer, "{xff:?}");
        }
        // Garbage to the left of the first untrusted hop is never reached.
        let got = client_ip(peer, None, Some("garbage, 198.51.100.7"), &t);
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn x_forwarded_for_accepts_ports_brackets_and_blank_entries() {
        let t = trusted("10.0.0.0/8");
        let peer = ip("10.0.0.1");
        assert_eq!(
            client_ip(peer, None, Some("198.51.100.7:5123"), &t),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(peer, None, Some("[2001:db8::7]:443"), &t),
            ip("2001:db8::7")
        );
        assert_eq!(
            client_ip(peer, None, Some("[2001:db8::7]"), &t),
            ip("2001:db8::7")
        );
        assert_eq!(
            client_ip(peer, None, Some(" 2001:db8::7 "), &t),
            ip("2001:db8::7")
        );
        assert_eq!(
            client_ip(peer, None, Some("198.51.100.7,,"), &t),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn ipv6_proxies_and_clients() {
        let t = trusted("fd00::/8");
        let got = client_ip(ip("fd00::1"), None, Some("2001:db8::42, fd00::2"), &t);
        assert_eq!(got, ip("2001:db8::42"));
    }

    #[test]
    fn mapped_addresses_are_canonicalised() {
        let t = trusted("10.0.0.0/8");
        // Dual-stack socket: the peer arrives as ::ffff:10.0.0.1 and is still trusted.
        let got = client_ip(ip("::ffff:10.0.0.1"), None, Some("::ffff:198.51.100.7"), &t);
        assert_eq!(got, ip("198.51.100.7"));
        // An untrusted mapped peer comes back canonical.
        let got = client_ip(ip("::ffff:203.0.113.9"), None, None, &t);
        assert_eq!(got, ip("203.0.113.9"));
    }

    // -- client_ip: RFC 7239 Forwarded ----------------------------------------------------

    #[test]
    fn forwarded_simple_and_chained() {
        let t = trusted("10.0.0.0/8");
        let peer = ip("10.0.0.1");
        assert_eq!(
            client_ip(peer, Some("for=198.51.100.7"), None, &t),
            ip("198.51.100.7")
        );
        let fwd = "for=192.0.2.60;proto=http;by=203.0.113.43, for=10.0.0.3";
        assert_eq!(client_ip(peer, Some(fwd), None, &t), ip("192.0.2.60"));
    }

    #[test]
    fn forwarded_quoted_ipv6_with_and_without_port() {
        let t = trusted("10.0.0.0/8");
        let peer = ip("10.0.0.1");
        let fwd = r#"For="[2001:db8:cafe::17]:4711""#;
        assert_eq!(
            client_ip(peer, Some(fwd), None, &t),
            ip("2001:db8:cafe::17")
        );
        let fwd = r#"for="[2001:db8:cafe::17]""#;
        assert_eq!(
            client_ip(peer, Some(fwd), None, &t),
            ip("2001:db8:cafe::17")
        );
        let fwd = r#"for="192.0.2.60:8080";proto=https"#;
        assert_eq!(client_ip(peer, Some(fwd), None, &t), ip("192.0.2.60"));
    }

    #[test]
    fn forwarded_quotes_may_hide_separators() {
        let t = trusted("10.0.0.0/8");
        let peer = ip("10.0.0.1");
        let fwd = r#"for=192.0.2.60;host="a,b;c", for="10.0.0.4""#;
        assert_eq!(client_ip(peer, Some(fwd), None, &t), ip("192.0.2.60"));
        let fwd = r#"for="\[2001:db8::1\]:80""#;
        assert_eq!(client_ip(peer, Some(fwd), None, &t), ip("2001:db8::1"));
    }

    #[test]
    fn forwarded_elements_without_for_are_skipped() {
        let t = trusted("10.0.0.0/8");
        let fwd = "for=192.0.2.60, proto=https;host=example.com";
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some(fwd), None, &t),
            ip("192.0.2.60")
        );
    }

    #[test]
    fn forwarded_unknown_obfuscated_or_malformed_falls_back_to_the_peer() {
        let t = trusted("10.0.0.0/8");
        let peer = ip("10.0.0.1");
        for fwd in [
            "for=unknown",
            "for=_hidden, for=10.0.0.2",
            r#"for="[2001:db8::1]:80"#, // unbalanced quote
            "for",                      // no '='
            "for=192.0.2.60;garbage",
            "proto=https", // no for= at all
            "for=1.2.3.4.5",
        ] {
            assert_eq!(client_ip(peer, Some(fwd), None, &t), peer, "{fwd:?}");
        }
    }

    #[test]
    fn x_forwarded_for_takes_precedence_over_forwarded() {
        let t = trusted("10.0.0.0/8");
        let got = client_ip(
            ip("10.0.0.1"),
            Some("for=192.0.2.1"),
            Some("198.51.100.7"),
            &t,
        );
        assert_eq!(got, ip("198.51.100.7"));
        // A blank X-Forwarded-For does not hide Forwarded.
        let got = client_ip(ip("10.0.0.1"), Some("for=192.0.2.1"), Some("  "), &t);
        assert_eq!(got, ip("192.0.2.1"));
    }

    #[test]
    fn unquote_handles_escapes() {
        assert_eq!(unquote(r#""a\"b""#).as_deref(), Some(r#"a"b"#));
        assert_eq!(unquote("token").as_deref(), Some("token"));
        assert_eq!(unquote(r#""open"#), None);
        assert_eq!(unquote(r#""trailing\""#), None);
    }

    // -- AddressBlock -----------------------------------------------------------------------

    #[test]
    fn ipv4_addresses_are_their_own_block() {
        assert_eq!(AddressBlock::of(ip("192.0.2.7")).network(), ip("192.0.2.7"));
        assert_ne!(
            AddressBlock::of(ip("192.0.2.7")),
            AddressBlock::of(ip("192.0.2.8"))
        );
    }

    #[test]
    fn ipv6_addresses_are_keyed_by_their_64() {
        let block = AddressBlock::of(ip("2001:db8:aa:bb:1:2:3:4"));
        assert_eq!(block.network(), ip("2001:db8:aa:bb::"));
        for same in [
            "2001:db8:aa:bb::1",
            "2001:db8:aa:bb:ffff:ffff:ffff:ffff",
            "2001:db8:aa:bb::",
        ] {
            assert_eq!(AddressBlock::of(ip(same)), block, "{same}");
        }
        for other in ["2001:db8:aa:bc::1", "2001:db8:aa::1", "2001:db9:aa:bb::1"] {
            assert_ne!(AddressBlock::of(ip(other)), block, "{other}");
        }
    }

    #[test]
    fn mapped_ipv4_is_ipv4_not_a_64() {
        // All of ::ffff:0:0/96 is one /64; treated as IPv6 it would be one shared budget.
        assert_eq!(
            AddressBlock::of(ip("::ffff:192.0.2.7")),
            AddressBlock::of(ip("192.0.2.7"))
        );
        assert_ne!(
            AddressBlock::of(ip("::ffff:192.0.2.7")),
            AddressBlock::of(ip("::ffff:192.0.2.8"))
        );
    }

    // -- forwarded_https --------------------------------------------------------------------

    #[test]
    fn https_is_believed_only_from_a_trusted_proxy() {
        let proxies = trusted("10.0.0.0/8");
        let proxy = ip("10.0.0.1");
        assert!(forwarded_https(proxy, None, Some("https"), &proxies));
        assert!(forwarded_https(proxy, None, Some(" HTTPS "), &proxies));
        assert!(!forwarded_https(proxy, None, Some("http"), &proxies));
        assert!(!forwarded_https(proxy, None, None, &proxies));
        let stranger = ip("203.0.113.9");
        assert!(!forwarded_https(
            stranger,
            Some("proto=https"),
            Some("https"),
            &proxies
        ));
        assert!(!forwarded_https(
            proxy,
            None,
            Some("https"),
            &TrustedProxies::none()
        ));
    }

    #[test]
    fn any_https_hop_counts() {
        let proxies = trusted("10.0.0.0/8");
        let proxy = ip("10.0.0.1");
        assert!(forwarded_https(proxy, None, Some("https, http"), &proxies));
        assert!(forwarded_https(proxy, None, Some("http, https"), &proxies));
    }

    #[test]
    fn forwarded_proto_is_read() {
        let proxies = trusted("10.0.0.0/8");
        let proxy = ip("10.0.0.1");
        assert!(forwarded_https(
            proxy,
            Some("for=192.0.2.1;proto=https"),
            None,
            &proxies
        ));
        assert!(forwarded_https(
            proxy,
            Some("for=192.0.2.1;Proto=\"https\";by=x"),
            None,
            &proxies
        ));
        assert!(forwarded_https(
            proxy,
            Some("for=192.0.2.1;proto=http, for=10.0.0.2;proto=https"),
            None,
            &proxies
        ));
        assert!(!forwarded_https(
            proxy,
            Some("for=192.0.2.1;proto=http"),
            None,
            &proxies
        ));
        assert!(!forwarded_https(
            proxy,
            Some("for=192.0.2.1"),
            None,
            &proxies
        ));
        // Malformed: an open quote, a parameter without a value.
        assert!(!forwarded_https(
            proxy,
            Some("proto=\"https"),
            None,
            &proxies
        ));
        assert!(!forwarded_https(proxy, Some("proto"), None, &proxies));
    }
}
