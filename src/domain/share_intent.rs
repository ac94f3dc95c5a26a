//! Share intents: the URL that opens a network's compose window with a short link and a
//! text already filled in, for the feed's one-tap share buttons.
//!
//! [`ShareTarget`] is the closed set of targets that have such a URL; [`intent_url`] writes
//! each format once. Every value is percent-encoded as RFC 3986 unreserved characters
//! only (`A-Z a-z 0-9 - . _ ~` stay, everything else becomes `%XX` of its UTF-8 bytes, a
//! space `%20`, never `+`, which `mailto:` would keep literally).
//!
//! Sources of the formats (checked December 2026):
//! - LinkedIn: `https://www.linkedin.com/feed/?shareActive=true&text=` — the feed's compose
//!   box opened with a text; the link goes inside it, after a space. (The documented
//!   `sharing/share-offsite/?url=` takes the URL only, so the suggested text was lost:
//!   issue 13 asks for both.) LinkedIn still builds the link's preview card from its Open
//!   Graph tags.
//! - X: `https://x.com/intent/post?text=&url=` — X's web intent (formerly
//!   `twitter.com/intent/tweet`, same parameters).
//! - Facebook: `https://www.facebook.com/sharer/sharer.php?u=` — the sharer without an
//!   app id; it takes the URL only.
//! - Threads: `https://www.threads.net/intent/post?text=` — Meta's "Threads Web Intents"
//!   developer page; the link goes inside the text.
//! - Bluesky: `https://bsky.app/intent/compose?text=` — docs.bsky.app "Action Intent
//!   Links"; one `text` parameter (300 graphemes), so the link goes inside it.
//! - XING: `https://www.xing.com/spi/shares/new?url=` — the XING share button's endpoint;
//!   URL only.
//! - WhatsApp: `https://wa.me/?text=` — WhatsApp's "click to chat" help page (no number:
//!   the person picks the chat); the link goes inside the text.
//! - E-mail: `mailto:?subject=&body=` — RFC 6068; line breaks in the body as `%0D%0A`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use thiserror::Error;

use super::network::Network;

/// Everything but RFC 3986's unreserved characters.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A place the feed can open a compose window for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShareTarget {
    Linkedin,
    X,
    Facebook,
    Threads,
    Bluesky,
    Xing,
    Whatsapp,
    Email,
}

/// A name that is not one of [`ShareTarget::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("no share intent for {0:?}")]
pub struct UnknownTarget(pub String);

/// A short link that is not an absolute `http`/`https` URL.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not an http(s) link")]
pub struct InvalidLink(pub String);

impl ShareTarget {
    /// Every target, in the order the feed shows its buttons.
    pub const ALL: [ShareTarget; 8] = [
        ShareTarget::Linkedin,
        ShareTarget::X,
        ShareTarget::Facebook,
        ShareTarget::Threads,
        ShareTarget::Bluesky,
        ShareTarget::Xing,
        ShareTarget::Whatsapp,
        ShareTarget::Email,
    ];

    /// The name in feed URLs (`/feed/{id}/share/{name}`).
    pub fn as_str(self) -> &'static str {
        match self {
            ShareTarget::Whatsapp => "whatsapp",
            other => other.network().as_str(),
        }
    }

    /// Parses a name of [`ShareTarget::as_str`], exactly (lowercase, nothing around it).
    ///
    /// # Errors
    /// [`UnknownTarget`] for anything else, networks without a compose URL included
    /// (`instagram`, `tiktok`, `youtube`, `other`).
    pub fn parse(s: &str) -> Result<ShareTarget, UnknownTarget> {
        ShareTarget::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownTarget(s.to_owned()))
    }

    /// The network the share is recorded under. WhatsApp is not a network of the API
    /// contract (it is a messenger, not a social network): its shares count as `other`.
    pub fn network(self) -> Network {
        match self {
            ShareTarget::Linkedin => Network::Linkedin,
            ShareTarget::X => Network::X,
            ShareTarget::Facebook => Network::Facebook,
            ShareTarget::Threads => Network::Threads,
            ShareTarget::Bluesky => Network::Bluesky,
            ShareTarget::Xing => Network::Xing,
            ShareTarget::Whatsapp => Network::Other,
            ShareTarget::Email => Network::Email,
        }
    }

    /// The brand's spelling, for buttons.
    pub fn display_name(self) -> &'static str {
        match self {
            ShareTarget::Whatsapp => "WhatsApp",
            other => other.network().display_name(),
        }
    }
}

/// What a compose window is filled with.
#[derive(Debug, Clone, Copy)]
pub struct IntentText<'a> {
    /// The short link (checked by [`intent_url`]).
    pub link: &'a str,
    /// The suggested text; may be empty.
    pub text: &'a str,
    /// The e-mail subject (the content's title); other targets ignore it.
    pub subject: &'a str,
}

/// The compose URL of `target` for `input`.
///
/// Targets that take a URL only (Facebook, XING) get the link alone; LinkedIn gets the text,
/// a space and the link; those with a single text (Threads, Bluesky, WhatsApp, the e-mail
/// body) get the text, a blank line and the link; X gets both parameters.
///
/// # Errors
/// [`InvalidLink`] when `input.link` is not an absolute `http`/`https` URL.
pub fn intent_url(target: ShareTarget, input: IntentText<'_>) -> Result<String, InvalidLink> {
    let link = check_link(input.link)?;
    let text = input.text.trim();
    let with_link = if text.is_empty() {
        link.to_owned()
    } else {
        format!("{text}\n\n{link}")
    };
    Ok(match target {
        ShareTarget::Linkedin => {
            let text = if text.is_empty() {
                link.to_owned()
            } else {
                format!("{text} {link}")
            };
            format!(
                "https://www.linkedin.com/feed/?shareActive=true&text={}",
                enc(&text)
            )
        }
        ShareTarget::X => {
            if text.is_empty() {
                format!("https://x.com/intent/post?url={}", enc(link))
            } else {
                format!(
                    "https://x.com/intent/post?text={}&url={}",
                    enc(text),
                    enc(link)
                )
            }
        }
        ShareTarget::Facebook => {
            format!("https://www.facebook.com/sharer/sharer.php?u={}", enc(link))
        }
        ShareTarget::Threads => format!(
            "https://www.threads.net/intent/post?text={}",
            enc(&with_link)
        ),
        ShareTarget::Bluesky => format!("https://bsky.app/intent/compose?text={}", enc(&with_link)),
        ShareTarget::Xing => format!("https://www.xing.com/spi/shares/new?url={}", enc(link)),
        ShareTarget::Whatsapp => format!("https://wa.me/?text={}", enc(&with_link)),
        ShareTarget::Email => format!(
            "mailto:?subject={}&body={}",
            enc(input.subject.trim()),
            enc(&crlf(&with_link))
        ),
    })
}

fn check_link(link: &str) -> Result<&str, InvalidLink> {
    let bad = || InvalidLink(link.to_owned());
    let parsed = url::Url::parse(link).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(bad());
    }
    Ok(link)
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// Line breaks as CRLF, as RFC 6068 wants them in a `mailto:` body.
fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://go.example.com/abc1234";
    const ENC_LINK: &str = "https%3A%2F%2Fgo.example.com%2Fabc1234";

    fn url(target: ShareTarget, text: &str) -> String {
        intent_url(
            target,
            IntentText {
                link: LINK,
                text,
                subject: "Q3 report",
            },
        )
        .unwrap()
    }

    #[test]
    fn each_format_as_documented() {
        let text = "Read this";
        let both = "Read%20this%0A%0Ahttps%3A%2F%2Fgo.example.com%2Fabc1234";
        assert_eq!(
            url(ShareTarget::Linkedin, text),
            format!(
                "https://www.linkedin.com/feed/?shareActive=true&text=Read%20this%20{ENC_LINK}"
            )
        );
        assert_eq!(
            url(ShareTarget::X, text),
            format!("https://x.com/intent/post?text=Read%20this&url={ENC_LINK}")
        );
        assert_eq!(
            url(ShareTarget::Facebook, text),
            format!("https://www.facebook.com/sharer/sharer.php?u={ENC_LINK}")
        );
        assert_eq!(
            url(ShareTarget::Threads, text),
            format!("https://www.threads.net/intent/post?text={both}")
        );
        assert_eq!(
            url(ShareTarget::Bluesky, text),
            format!("https://bsky.app/intent/compose?text={both}")
        );
        assert_eq!(
            url(ShareTarget::Xing, text),
            format!("https://www.xing.com/spi/shares/new?url={ENC_LINK}")
        );
        assert_eq!(
            url(ShareTarget::Whatsapp, text),
            format!("https://wa.me/?text={both}")
        );
        assert_eq!(
            url(ShareTarget::Email, text),
            format!("mailto:?subject=Q3%20report&body=Read%20this%0D%0A%0D%0A{ENC_LINK}")
        );
    }

    #[test]
    fn special_characters_are_percent_encoded() {
        let text = "Tips & tricks #rust 100% ok?=+/";
        let x = url(ShareTarget::X, text);
        assert_eq!(
            x,
            format!(
                "https://x.com/intent/post?text=Tips%20%26%20tricks%20%23rust%20100%25%20ok%3F%3D%2B%2F&url={ENC_LINK}"
            )
        );
        assert!(!x.contains(' ') && !x.contains('#') && x.matches('&').count() == 1);
        // The query survives a standard parser unchanged.
        let parsed = url::Url::parse(&x).unwrap();
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                ("text".to_string(), text.to_string()),
                ("url".to_string(), LINK.to_string())
            ]
        );
        assert_eq!(parsed.fragment(), None);
    }

    #[test]
    fn korean_and_emoji_are_utf8_percent_encoded() {
        let text = "새 소식 🎉";
        let wa = url(ShareTarget::Whatsapp, text);
        assert_eq!(
            wa,
            format!(
                "https://wa.me/?text=%EC%83%88%20%EC%86%8C%EC%8B%9D%20%F0%9F%8E%89%0A%0A{ENC_LINK}"
            )
        );
        assert!(wa.is_ascii());
        let parsed = url::Url::parse(&url(ShareTarget::Bluesky, text)).unwrap();
        let (_, value) = parsed.query_pairs().next().unwrap();
        assert_eq!(value, format!("{text}\n\n{LINK}"));
    }

    #[test]
    fn mailto_uses_crlf_and_never_plus_for_spaces() {
        let mail = intent_url(
            ShareTarget::Email,
            IntentText {
                link: LINK,
                text: "line one\nline two & more",
                subject: "분기 보고서 #3",
            },
        )
        .unwrap();
        assert_eq!(
            mail,
            format!(
                "mailto:?subject=%EB%B6%84%EA%B8%B0%20%EB%B3%B4%EA%B3%A0%EC%84%9C%20%233&body=line%20one%0D%0Aline%20two%20%26%20more%0D%0A%0D%0A{ENC_LINK}"
            )
        );
        assert!(!mail.contains('+'));
    }

    #[test]
    fn an_empty_text_leaves_the_link_alone() {
        assert_eq!(
            url(ShareTarget::Threads, "  "),
            format!("https://www.threads.net/intent/post?text={ENC_LINK}")
        );
        assert_eq!(
            url(ShareTarget::X, ""),
            format!("https://x.com/intent/post?url={ENC_LINK}")
        );
        assert_eq!(
            url(ShareTarget::Linkedin, ""),
            format!("https://www.linkedin.com/feed/?shareActive=true&text={ENC_LINK}")
        );
    }

    /// Issue 13: the LinkedIn compose window carries the short link and the suggested
    /// text (the offsite share dropped the text).
    #[test]
    fn linkedin_carries_the_text_and_the_link() {
        let text = "새 소식: Q3 & more";
        let parsed = url::Url::parse(&url(ShareTarget::Linkedin, text)).unwrap();
        assert_eq!(parsed.host_str(), Some("www.linkedin.com"));
        assert_eq!(parsed.path(), "/feed/");
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                ("shareActive".to_string(), "true".to_string()),
                ("text".to_string(), format!("{text} {LINK}")),
            ]
        );
    }

    #[test]
    fn only_http_links_are_accepted() {
        for bad in [
            "",
            "go.example.com/abc",
            "javascript:alert(1)",
            "mailto:a@example.com",
            "ftp://example.com/x",
            "/abc1234",
        ] {
            let r = intent_url(
                ShareTarget::Linkedin,
                IntentText {
                    link: bad,
                    text: "",
                    subject: "",
                },
            );
            assert_eq!(r, Err(InvalidLink(bad.to_string())), "{bad:?}");
        }
        assert!(intent_url(
            ShareTarget::Linkedin,
            IntentText {
                link: "http://localhost:8080/abc",
                text: "",
                subject: ""
            }
        )
        .is_ok());
    }

    #[test]
    fn targets_are_a_closed_set() {
        for t in ShareTarget::ALL {
            assert_eq!(ShareTarget::parse(t.as_str()), Ok(t));
        }
        for bad in [
            "instagram",
            "tiktok",
            "youtube",
            "other",
            "LinkedIn",
            " x",
            "twitter",
            "",
        ] {
            assert_eq!(
                ShareTarget::parse(bad),
                Err(UnknownTarget(bad.to_string())),
                "{bad:?}"
            );
        }
        assert_eq!(ShareTarget::Whatsapp.network(), Network::Other);
        assert_eq!(ShareTarget::Email.network(), Network::Email);
        assert_eq!(ShareTarget::Xing.display_name(), "XING");
    }
}
