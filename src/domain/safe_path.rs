//! Where a user may be sent back to after signing in: a path on this site, never another.
//!
//! The `next` parameter of `/login` comes from the address bar, so anyone can craft a link
//! that would send a freshly signed-in user elsewhere (an open redirect, used to make
//! phishing pages look trusted). Browsers are lenient with `Location`: they drop tabs and
//! newlines anywhere in it, treat `\` as `/`, and read `//host` as another host, so a
//! prefix check such as "starts with `/` but not `//`" is not enough (`/\t/evil.com` passes
//! it and becomes `//evil.com`).
//!
//! The rule, in order:
//! 1. Only visible ASCII (`!`..`~`) and no `\`. This rejects every control character,
//!    ASCII and Unicode whitespace (which browsers may strip or fold) and any non-ASCII
//!    look-alike. The app's own links are ASCII, with anything else percent-encoded.
//! 2. It starts with exactly one `/` (a path, not `//host`, `https://…` or `x`).
//! 3. The path part (before `?` or `#`), percent-decoded once, is UTF-8 with no control
//!    character, whitespace, invisible format character or `\`, and does not start with
//!    `//` (encoded non-ASCII letters, `/links/%E2%9C%93`, stay allowed). Browsers keep `%09` or `%5c` encoded in a path, so decoding is not
//!    needed against them; it is done anyway, because a proxy or an older client that
//!    decodes once would otherwise turn `/%2F/evil.com` or `/%09/evil.com` into a
//!    host. The query and fragment are not decoded: they never name a host, and a query
//!    may carry anything encoded (`/ok?next=//x` is a fine path).
//! 4. Resolved against a base URL by a real URL parser, it keeps the base's origin.

use percent_encoding::percent_decode_str;

/// A local path (with optional query and fragment), safe to put in `Location`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafePath(String);

impl SafePath {
    /// `input` when it obeys the module's rule, else `None`.
    pub fn parse(input: &str) -> Option<SafePath> {
        if !input.chars().all(visible_ascii) {
            return None;
        }
        let rest = input.strip_prefix('/')?;
        if rest.starts_with('/') {
            return None;
        }
        let path = input.split(['?', '#']).next().unwrap_or_default();
        let decoded = percent_decode_str(path).decode_utf8().ok()?;
        if decoded.chars().any(invisible_or_backslash) || decoded.starts_with("//") {
            return None;
        }
        let base = url::Url::parse("http://chorus.invalid/").ok()?;
        let joined = base.join(input).ok()?;
        (joined.origin() == base.origin()).then(|| SafePath(input.to_owned()))
    }

    /// The home page: where to go when no safe path was given.
    pub fn root() -> SafePath {
        SafePath("/".to_owned())
    }

    /// `input` if safe, else [`SafePath::root`].
    pub fn or_root(input: Option<&str>) -> SafePath {
        input
            .and_then(SafePath::parse)
            .unwrap_or_else(SafePath::root)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

fn visible_ascii(c: char) -> bool {
    c.is_ascii_graphic() && c != '\\'
}

fn invisible_or_backslash(c: char) -> bool {
    c == '\\'
        || c.is_control()
        || c.is_whitespace()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::SafePath;

    #[test]
    fn local_paths_are_kept() {
        for ok in [
            "/",
            "/admin",
            "/admin/links?page=2",
            "/me/links#top",
            "/ok?next=//x",
            "/ok?next=https://evil.com",
            "/ok?q=a%20b",
            "/a/b/../c",
            "/links/%E2%9C%93",
            "/100%25",
        ] {
            assert_eq!(
                SafePath::parse(ok).map(SafePath::into_string).as_deref(),
                Some(ok),
                "{ok:?}"
            );
        }
    }

    #[test]
    fn hostile_targets_are_refused() {
        for bad in [
            "",
            "x",
            "evil.com",
            "//x",
            "///x",
            "/\\x",
            "\\\\x",
            "/\\/x",
            "\\/x",
            "\t",
            "\t//x",
            "/\t/x",
            "/\n/x",
            "/\r\n/x",
            "/\u{0}/x",
            " /x",
            "/x y",
            "https://x",
            "http://x/",
            "HTTPS://x",
            "javascript:alert(1)",
            "data:text/html,x",
            "/%09/x",
            "/%0a/x",
            "/%0D%0A/x",
            "/%5c/x",
            "/%5C/x",
            "/%2f/x",
            "/%2F%2Fx",
            "/%20/x",
            "/%00/x",
            "/%ff/x",
            "/%c2%a0/x",
            "/%e3%80%80/x",
            "/%e2%80%8b/x",
            "/%5c%5cx",
            "/\u{a0}/x",
            "/\u{3000}/x",
            "/\u{2028}/x",
            "/\u{200b}/x",
            "/\u{feff}/x",
            "/\u{ff0f}x",
            "/\u{85}/x",
        ] {
            assert_eq!(SafePath::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn missing_or_unsafe_falls_back_to_the_home_page() {
        assert_eq!(SafePath::or_root(None).as_str(), "/");
        assert_eq!(SafePath::or_root(Some("//evil.com")).as_str(), "/");
        assert_eq!(SafePath::or_root(Some("/admin")).as_str(), "/admin");
    }
}
