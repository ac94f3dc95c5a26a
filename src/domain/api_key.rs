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

/// The most origins one publishable key may list.
pub const MAX_ORIGINS: usize = 20;

/// Why a list of allowed origins was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidOrigin {
    #[error("{0:?} is not an origin such as https://www.example.com (scheme, host and optional port; no path, query or wildcard)")]
    NotAnOrigin(String),
    #[error("{0:?} must start with https:// or http://")]
    Scheme(String),
    #[error("{0} is listed twice")]
    Twice(String),
    #[error("at most {MAX_ORIGINS} origins")]
    TooMany,
    #[error("a publishable key needs at least one origin it may be used from")]
    Missing,
    #[error("only publishable keys have origins; a full key must never sit in a web page")]
    OnFullKey,
}

/// The entries of origins typed by a person: separated by commas, spaces or line breaks.
pub fn split_origins(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .collect()
}

/// One origin as browsers send it in `Origin`: `scheme://host[:port]`, lowercase, no
/// default port, international names in their ASCII form. A trailing `/` is tolerated;
/// anything else after the host (a path, a query, a wildcard, credentials) is refused.
pub fn parse_origin(text: &str) -> Result<String, InvalidOrigin> {
    let text = text.trim();
    let bad = || InvalidOrigin::NotAnOrigin(text.to_string());
    let lower = text.to_ascii_lowercase();
    if !lower.starts_with("https://") && !lower.starts_with("http://") {
        return Err(if lower.contains("://") {
            InvalidOrigin::Scheme(text.to_string())
        } else {
            bad()
        });
    }
    if text.contains('*') {
        return Err(bad());
    }
    let url = url::Url::parse(text).map_err(|_| bad())?;
    if url.host_str().is_none_or(str::is_empty)
        || !url.username().is_empty()
        || url.password().is_some()
        || url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || text.trim_end_matches('/').len() < text.len() - 1
    {
        return Err(bad());
    }
    Ok(url.origin().ascii_serialization())
}

/// The allowed origins of a key of `scope`, checked: a publishable key needs 1 to
/// [`MAX_ORIGINS`] distinct origins, a full key none.
pub fn parse_origin_list(scope: Scope, items: &[String]) -> Result<Vec<String>, InvalidOrigin> {
    let items: Vec<&str> = items
        .iter()
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .collect();
    match scope {
        Scope::Full if items.is_empty() => return Ok(Vec::new()),
        Scope::Full => return Err(InvalidOrigin::OnFullKey),
        Scope::Publishable if items.is_empty() => return Err(InvalidOrigin::Missing),
        Scope::Publishable => {}
    }
    if items.len() > MAX_ORIGINS {
        return Err(InvalidOrigin::TooMany);
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let origin = parse_origin(item)?;
        if out.contains(&origin) {
            return Err(InvalidOrigin::Twice(origin));
        }
        out.push(origin);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked_and_normalised() {
        assert_eq!(
            parse_origin("https://WWW.Example.com/").as_deref(),
            Ok("https://www.example.com")
        );
        assert_eq!(
            parse_origin("https://shop.example.com:443").as_deref(),
            Ok("https://shop.example.com")
        );
        assert_eq!(
            parse_origin("http://localhost:3000").as_deref(),
            Ok("http://localhost:3000")
        );
        for bad in [
            "example.com",
            "https://",
            "https://a.com/path",
            "https://a.com?x=1",
            "https://a.com#x",
            "https://*.a.com",
            "https://user:pw@a.com",
            "https://a.com//",
            "null",
        ] {
            assert!(
                matches!(parse_origin(bad), Err(InvalidOrigin::NotAnOrigin(_))),
                "{bad}: {:?}",
                parse_origin(bad)
            );
        }
        assert!(matches!(
            parse_origin("ftp://a.com"),
            Err(InvalidOrigin::Scheme(_))
        ));
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_origin_list(
                Scope::Publishable,
                &list(&["https://a.com", " https://b.com/ "])
            ),
            Ok(vec![
                "https://a.com".to_string(),
                "https://b.com".to_string()
            ])
        );
        assert_eq!(
            parse_origin_list(
                Scope::Publishable,
                &list(&["https://a.com", "https://A.com/"])
            ),
            Err(InvalidOrigin::Twice("https://a.com".into()))
        );
        assert_eq!(
            parse_origin_list(Scope::Publishable, &list(&[" "])),
            Err(InvalidOrigin::Missing)
        );
        assert_eq!(
            parse_origin_list(Scope::Full, &list(&["https://a.com"])),
            Err(InvalidOrigin::OnFullKey)
        );
        assert_eq!(parse_origin_list(Scope::Full, &[]), Ok(vec![]));
        let many: Vec<String> = (0..=MAX_ORIGINS)
            .map(|i| format!("https://s{i}.example.com"))
            .collect();
        assert_eq!(
            parse_origin_list(Scope::Publishable, &many),
            Err(InvalidOrigin::TooMany)
        );
        assert_eq!(
            split_origins("https://a.com, https://b.com\nhttps://c.com"),
            list(&["https://a.com", "https://b.com", "https://c.com"])
        );
    }

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
