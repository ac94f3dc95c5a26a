//! Unique visitors without storing IP addresses.
//!
//! `visitor = keyed BLAKE3(daily salt; ip ‖ user agent)`, truncated to 128 bits. The salt is
//! random, kept only for its day and then deleted by the caller's store, so a stored hash
//! cannot be linked back to an address (no rainbow table over the IPv4 space helps without
//! the salt) nor to the same visitor on another day. The raw address goes into the hash
//! here and nowhere else.

use std::fmt;
use std::net::IpAddr;

use rand::RngCore;

/// Length of a salt in bytes.
pub const SALT_LEN: usize = 32;

/// A daily salt: 32 random bytes and the day (`"YYYY-MM-DD"`, in the server's reporting
/// time zone) they belong to. The caller's store keeps today's salt (shared by all
/// instances, so that they hash alike) and deletes older ones.
///
/// `Debug` does not print the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Salt {
    /// The day this salt is used for, `"YYYY-MM-DD"`.
    pub day: String,
    /// The secret key. Never log or expose it.
    pub bytes: [u8; SALT_LEN],
}

impl Salt {
    /// A fresh salt for `day` from the thread-local CSPRNG (seeded by the operating
    /// system).
    pub fn random(day: String) -> Salt {
        let mut bytes = [0u8; SALT_LEN];
        rand::rng().fill_bytes(&mut bytes);
        Salt { day, bytes }
    }

    /// A salt read back from storage.
    pub fn from_bytes(day: String, bytes: [u8; SALT_LEN]) -> Salt {
        Salt { day, bytes }
    }

    /// A salt read back from a storage column of unknown length (a BLOB); `None` unless it
    /// holds exactly [`SALT_LEN`] bytes.
    pub fn from_slice(day: String, bytes: &[u8]) -> Option<Salt> {
        let bytes = <[u8; SALT_LEN]>::try_from(bytes).ok()?;
        Some(Salt { day, bytes })
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Salt")
            .field("day", &self.day)
            .field("bytes", &"<redacted>")
            .finish()
    }
}

/// The visitor hash: BLAKE3 keyed with the salt, over the address as 16 bytes (IPv4 in its
/// IPv4-mapped IPv6 form, so an IPv4 address and its `::ffff:` spelling hash alike) followed
/// by the user agent's bytes; the first 16 bytes of the digest as 32 lowercase hex digits.
///
/// Same salt, address and user agent → same hash; another day's salt → an unrelated hash.
/// The fixed-width address keeps the input unambiguous. Changing this encoding splits
/// visitors that are counted on the day of the upgrade.
pub fn visitor_hash(salt: &Salt, ip: IpAddr, user_agent: &str) -> String {
    let octets = match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    };
    let mut hasher = blake3::Hasher::new_keyed(&salt.bytes);
    hasher.update(&octets);
    hasher.update(user_agent.as_bytes());
    let hex = hasher.finalize().to_hex();
    hex[..32].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn salt(day: &str, fill: u8) -> Salt {
        Salt::from_bytes(day.to_owned(), [fill; SALT_LEN])
    }

    #[test]
    fn hash_is_32_lowercase_hex_digits() {
        let h = visitor_hash(&salt("2026-01-01", 7), ip("198.51.100.7"), UA);
        assert_eq!(h.len(), 32);
        assert!(
            h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{h}"
        );
    }

    #[test]
    fn hash_is_stable_for_the_same_input() {
        let s = salt("2026-01-01", 7);
        let a = visitor_hash(&s, ip("198.51.100.7"), UA);
        let b = visitor_hash(&s.clone(), ip("198.51.100.7"), UA);
        assert_eq!(a, b);
    }

    #[test]
    fn hash_is_the_documented_function() {
        // Pins the encoding: a change would split the visitors of the upgrade day.
        let s = salt("2026-01-01", 7);
        let mut input = Vec::new();
        input.extend_from_slice(
            &"::ffff:198.51.100.7"
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
                .octets(),
        );
        input.extend_from_slice(UA.as_bytes());
        let want = blake3::keyed_hash(&[7; SALT_LEN], &input).to_hex()[..32].to_owned();
        assert_eq!(visitor_hash(&s, ip("198.51.100.7"), UA), want);
    }

    #[test]
    fn another_days_salt_gives_another_hash() {
        let a = visitor_hash(&salt("2026-01-01", 7), ip("198.51.100.7"), UA);
        let b = visitor_hash(&salt("2026-01-02", 8), ip("198.51.100.7"), UA);
        assert_ne!(a, b);
        let r1 = visitor_hash(&Salt::random("2026-01-01".into()), ip("198.51.100.7"), UA);
        let r2 = visitor_hash(&Salt::random("2026-01-01".into()), ip("198.51.100.7"), UA);
        assert_ne!(r1, r2);
    }

    #[test]
    fn address_and_user_agent_both_matter() {
        let s = salt("2026-01-01", 7);
        let base = visitor_hash(&s, ip("198.51.100.7"), UA);
        assert_ne!(base, visitor_hash(&s, ip("198.51.100.8"), UA));
        assert_ne!(base, visitor_hash(&s, ip("198.51.100.7"), "curl/8.0"));
        assert_ne!(base, visitor_hash(&s, ip("2001:db8::7"), UA));
        assert_ne!(
            visitor_hash(&s, ip("198.51.100.7"), ""),
            visitor_hash(&s, ip("198.51.100.8"), "")
        );
    }

    #[test]
    fn ipv4_and_its_mapped_form_hash_alike() {
        let s = salt("2026-01-01", 7);
        assert_eq!(
            visitor_hash(&s, ip("198.51.100.7"), UA),
            visitor_hash(&s, ip("::ffff:198.51.100.7"), UA)
        );
    }

    #[test]
    fn random_salts_differ_and_keep_their_day() {
        let a = Salt::random("2026-03-04".to_owned());
        let b = Salt::random("2026-03-04".to_owned());
        assert_eq!(a.day, "2026-03-04");
        assert_ne!(a.bytes, b.bytes);
        assert_ne!(a.bytes, [0; SALT_LEN]);
    }

    #[test]
    fn from_slice_requires_exactly_32_bytes() {
        let s = Salt::from_slice("2026-03-04".into(), &[1; SALT_LEN]).unwrap();
        assert_eq!(s, Salt::from_bytes("2026-03-04".into(), [1; SALT_LEN]));
        assert!(Salt::from_slice("2026-03-04".into(), &[1; 31]).is_none());
        assert!(Salt::from_slice("2026-03-04".into(), &[1; 33]).is_none());
        assert!(Salt::from_slice("2026-03-04".into(), &[]).is_none());
    }

    #[test]
    fn debug_does_not_reveal_the_salt() {
        let s = salt("2026-03-04", 0xab);
        let shown = format!("{s:?}");
        assert!(shown.contains("2026-03-04"), "{shown}");
        assert!(!shown.contains("171") && !shown.contains("ab, "), "{shown}");
    }
}
