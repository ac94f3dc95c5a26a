//! API keys: random secrets shown once, stored as SHA-256 (they carry 256 bits of
//! entropy, so a slow hash adds nothing), recognisable by a short public prefix.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// What a key may do: everything, or only report conversions from a web page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Full,
    Publishable,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Full => "full",
            Scope::Publishable => "publishable",
        }
    }

    pub fn parse(value: &str) -> Option<Scope> {
        match value {
            "full" => Some(Scope::Full),
            "publishable" => Some(Scope::Publishable),
            _ => None,
        }
    }

    fn marker(self) -> &'static str {
        match self {
            Scope::Full => "chr_sk_",
            Scope::Publishable => "chr_pk_",
        }
    }
}

/// A freshly generated key: `secret` is shown to the user once and never stored.
pub struct NewKey {
    pub secret: String,
    pub prefix: String,
    pub hash: String,
}

pub fn generate(scope: Scope) -> NewKey {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{}{}", scope.marker(), hex::encode(bytes));
    let prefix = secret[..scope.marker().len() + 6].to_string();
    let hash = hash(&secret);
    NewKey {
        secret,
        prefix,
        hash,
    }
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The origins a publishable key may be used from, as stored (comma-separated, e.g.
/// `https://a.com,https://b.com`): trimmed, without a trailing `/`, empty entries dropped.
pub fn parse_origins(stored: Option<&str>) -> Vec<String> {
    stored
        .unwrap_or_default()
        .split(',')
        .map(|o| o.trim().trim_end_matches('/').to_string())
        .filter(|o| !o.is_empty())
        .collect()
}

/// Whether a browser's `Origin` header names one of `allowed` (scheme, host and port
/// compared without regard to letter case, as browsers serialise them lowercase anyway).
/// The opaque origin `null` never matches.
pub fn origin_allowed(allowed: &[String], origin: &str) -> bool {
    let origin = origin.trim().trim_end_matches('/');
    !origin.is_empty() && origin != "null" && allowed.iter().any(|a| a.eq_ignore_ascii_case(origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_prefixed_and_hashed() {
        let a = generate(Scope::Full);
        let b = generate(Scope::Full);
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with("chr_sk_") && a.secret.len() == 7 + 64);
        assert!(a.secret.starts_with(&a.prefix));
        assert_eq!(a.hash, hash(&a.secret));
        assert_ne!(a.hash, a.secret);
        assert!(generate(Scope::Publishable).secret.starts_with("chr_pk_"));
    }

    #[test]
    fn origins_match_exactly_but_for_case_and_trailing_slash() {
        let allowed = parse_origins(Some(" https://a.com/, https://B.com:8443 ,,"));
        assert_eq!(allowed, ["https://a.com", "https://B.com:8443"]);
        assert!(origin_allowed(&allowed, "https://a.com"));
        assert!(origin_allowed(&allowed, "https://b.com:8443"));
        assert!(!origin_allowed(&allowed, "http://a.com"), "scheme counts");
        assert!(!origin_allowed(&allowed, "https://a.com.evil.net"));
        assert!(!origin_allowed(&allowed, "https://b.com"), "port counts");
        assert!(!origin_allowed(&allowed, "null"));
        assert!(!origin_allowed(&[], "https://a.com"));
        assert!(parse_origins(None).is_empty());
    }
}
