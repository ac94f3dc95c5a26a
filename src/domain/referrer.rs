//! The referring site of a click, from the `Referer` header.
//!
//! Only the host is kept (lower case, without a leading `www.`): enough to tell LinkedIn
//! from a newsletter, and no path, query or fragment that could carry personal data.
//! Android apps send `android-app://<package>/` referrers; the package name (for example
//! `com.linkedin.android`) says which app the click came from, so it is kept the same way.
//! Oversized values and hosts are refused, so a header cannot cost more than a bounded
//! parse nor store more than a DNS name's length.

use url::{Host, Url};

/// The longest `Referer` value parsed, in bytes: Chrome cuts what it sends to 4 KB (to the
/// bare origin beyond that), and cross-site referrers are mostly bare origins anyway.
/// Longer values are crafted; refusing them unread keeps every click's parsing bounded.
pub const MAX_REFERER_LEN: usize = 4096;
/// The longest host kept: a DNS name has at most 253 characters. The `url` crate does not
/// enforce DNS limits, so a longer "host" would otherwise be stored on the click.
pub const MAX_HOST_LEN: usize = 253;

/// The host of a `Referer` header value: lower case, international names in their ASCII
/// (punycode) form, without a trailing dot or a leading `www.`, IPv6 addresses without
/// brackets. For `android-app://` referrers, the app's package name.
///
/// `None` for an empty or unparsable value, for a scheme other than `http`, `https` and
/// `android-app` (`file:`, `about:blank`, `chrome-extension:`, …), for a value without a
/// host, for a value longer than [`MAX_REFERER_LEN`] bytes and for a host longer than
/// [`MAX_HOST_LEN`].
pub fn referrer_host(referer: &str) -> Option<String> {
    if referer.len() > MAX_REFERER_LEN {
        return None;
    }
    let referer = referer.trim();
    if referer.is_empty() {
        return None;
    }
    let url = Url::parse(referer).ok()?;
    let host = match url.scheme() {
        "http" | "https" => match url.host()? {
            Host::Domain(domain) => web_host(domain),
            Host::Ipv4(v4) => Some(v4.to_string()),
            Host::Ipv6(v6) => Some(v6.to_string()),
        },
        "android-app" => match url.host()? {
            Host::Domain(package) => android_package(package),
            Host::Ipv4(_) | Host::Ipv6(_) => None,
        },
        _ => None,
    }?;
    (host.len() <= MAX_HOST_LEN).then_some(host)
}

fn web_host(domain: &str) -> Option<String> {
    let host = domain.trim_end_matches('.').to_ascii_lowercase();
    let host = match host.strip_prefix("www.") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => host,
    };
    (!host.is_empty()).then_some(host)
}

// Android package names are dot-separated Java identifiers; anything else is not one.
// `url` does not lower-case hosts of non-special schemes, so do it here.
fn android_package(package: &str) -> Option<String> {
    let valid = !package.is_empty()
        && package.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
    valid.then(|| package.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(referer: &str) -> Option<String> {
        referrer_host(referer)
    }

    #[test]
    fn web_referrers_give_their_host() {
        assert_eq!(
            host("https://www.linkedin.com/feed/").as_deref(),
            Some("linkedin.com")
        );
        assert_eq!(host("https://lnkd.in/abc").as_deref(), Some("lnkd.in"));
        assert_eq!(host("http://t.co/xyz?amp=1").as_deref(), Some("t.co"));
        assert_eq!(
            host("https://l.facebook.com/l.php?u=x").as_deref(),
            Some("l.facebook.com")
        );
    }

    #[test]
    fn host_is_lower_case_without_www_port_userinfo_or_trailing_dot() {
        assert_eq!(
            host("HTTPS://WWW.Example.COM:8443/Path").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host("https://user:secret@example.com/").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host("https://www.example.com./").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host("  https://example.com  ").as_deref(),
            Some("example.com")
        );
    }

    #[test]
    fn only_a_leading_www_label_is_removed() {
        assert_eq!(
            host("https://www2.example.com/").as_deref(),
            Some("www2.example.com")
        );
        assert_eq!(
            host("https://wwwexample.com/").as_deref(),
            Some("wwwexample.com")
        );
        assert_eq!(
            host("https://news.www.example.com/").as_deref(),
            Some("news.www.example.com")
        );
        assert_eq!(
            host("https://www.www.example.com/").as_deref(),
            Some("www.example.com")
        );
        // A host that is nothing but "www" keeps it.
        assert_eq!(host("http://www./").as_deref(), Some("www"));
        assert_eq!(host("http://www/").as_deref(), Some("www"));
    }

    #[test]
    fn ip_hosts_are_kept_without_brackets() {
        assert_eq!(
            host("http://192.0.2.1:8080/x").as_deref(),
            Some("192.0.2.1")
        );
        assert_eq!(
            host("http://[2001:DB8::1]/").as_deref(),
            Some("2001:db8::1")
        );
    }

    #[test]
    fn international_names_are_punycode() {
        assert_eq!(
            host("https://www.Bücher.de/").as_deref(),
            Some("xn--bcher-kva.de")
        );
    }

    #[test]
    fn android_app_referrers_give_the_package() {
        assert_eq!(
            host("android-app://com.linkedin.android/").as_deref(),
            Some("com.linkedin.android")
        );
        assert_eq!(
            host("android-app://com.google.android.gm/http/mail.google.com").as_deref(),
            Some("com.google.android.gm")
        );
        assert_eq!(
            host("ANDROID-APP://Com.Slack").as_deref(),
            Some("com.slack")
        );
        assert_eq!(host("android-app://").as_deref(), None);
        assert_eq!(host("android-app://bad-package!/").as_deref(), None);
        assert_eq!(host("android-app://com..x/").as_deref(), None);
    }

    #[test]
    fn hosts_longer_than_a_dns_name_give_none() {
        let label = "a".repeat(63);
        // 4 labels of 63 and 3 dots: 255 characters; drop 2 for 253.
        let longest = format!("{label}.{label}.{label}.{}", "a".repeat(61));
        assert_eq!(longest.len(), MAX_HOST_LEN);
        assert_eq!(
            host(&format!("https://{longest}/")).as_deref(),
            Some(longest.as_str())
        );
        assert_eq!(host(&format!("https://a{longest}/")), None);
        assert_eq!(host(&format!("https://{}.com/", "b".repeat(3000))), None);
        let package = format!("com.{}", "x".repeat(MAX_HOST_LEN));
        assert_eq!(host(&format!("android-app://{package}/")), None);
    }

    #[test]
    fn huge_referers_are_refused_unread() {
        let path = "p".repeat(MAX_REFERER_LEN);
        let at_limit = format!("https://example.com/{}", &path[20..]);
        assert_eq!(at_limit.len(), MAX_REFERER_LEN);
        assert_eq!(host(&at_limit).as_deref(), Some("example.com"));
        assert_eq!(host(&format!("{at_limit}p")), None);
        assert_eq!(
            host(&format!("https://example.com/{}", "p".repeat(60_000))),
            None
        );
    }

    #[test]
    fn empty_invalid_and_other_schemes_give_none() {
        for referer in [
            "",
            "   ",
            "null",
            "not a url",
            "www.linkedin.com/feed",
            "//example.com/path",
            "http://",
            "file:///etc/passwd",
            "about:blank",
            "ftp://example.com/",
            "chrome-extension://abcdef/page.html",
            "ios-app://12345/com.example",
            "data:text/html,hi",
            "javascript:alert(1)",
        ] {
            assert_eq!(host(referer), None, "{referer:?}");
        }
    }
}
