//! Content library rules: where an item comes from ([`Origin`]), who must be named as its
//! author, its suggested text (general and per network), its preview image and its topic
//! names.

use std::fmt;

use thiserror::Error;

use crate::domain::network::{Network, UnknownNetwork};
use crate::domain::person::{InvalidLabel, Label};
use crate::domain::utm::{DestinationError, DestinationUrl};

/// Where a content item comes from: `curated` by marketing, or an `employee`'s own post
/// (which counts for the `employees-posts` board and therefore needs an author).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    #[default]
    Curated,
    Employee,
}

/// A string that is not an [`Origin`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not an origin (use \"curated\" or \"employee\")")]
pub struct UnknownOrigin(pub String);

impl Origin {
    /// Parses the API name, exactly (`curated`, `employee`).
    ///
    /// # Errors
    /// [`UnknownOrigin`] for anything else.
    pub fn parse(value: &str) -> Result<Origin, UnknownOrigin> {
        match value {
            "curated" => Ok(Origin::Curated),
            "employee" => Ok(Origin::Employee),
            other => Err(UnknownOrigin(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Curated => "curated",
            Origin::Employee => "employee",
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An employee's own post without an author.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("content of origin \"employee\" needs author_employee_id")]
pub struct AuthorRequired;

/// Checks that an employee's own post names its author. Curated content may name one
/// too (credit for a guest article, say) or none.
///
/// # Errors
/// [`AuthorRequired`] for [`Origin::Employee`] without an author.
pub fn check_author(origin: Origin, author: Option<i64>) -> Result<(), AuthorRequired> {
    match (origin, author) {
        (Origin::Employee, None) => Err(AuthorRequired),
        _ => Ok(()),
    }
}

/// The longest suggested text accepted, in characters (LinkedIn allows 3,000 in a post;
/// the rest is room for several networks' variants).
pub const SUGGESTED_TEXT_MAX: usize = 5_000;

/// A suggested text that is too long.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("must be at most {SUGGESTED_TEXT_MAX} characters")]
pub struct SuggestedTextTooLong;

/// The suggested text as stored: trimmed, `None` when blank, line breaks kept.
///
/// # Errors
/// [`SuggestedTextTooLong`] past [`SUGGESTED_TEXT_MAX`] characters.
pub fn parse_suggested_text(value: Option<&str>) -> Result<Option<String>, SuggestedTextTooLong> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) if text.chars().count() > SUGGESTED_TEXT_MAX => Err(SuggestedTextTooLong),
        Some(text) => Ok(Some(text.to_owned())),
    }
}

/// A topic name that is not a valid label, with its position in the request.
#[derive(Debug, PartialEq, Eq, Error)]
#[error("topic {position} {reason}")]
pub struct InvalidTopic {
    /// 1-based, as people count.
    pub position: usize,
    pub reason: InvalidLabel,
}

/// Topic names as given (each a [`Label`]), duplicates removed ignoring case, first
/// spelling and order kept.
///
/// # Errors
/// [`InvalidTopic`] for the first name that is not a label (blank, too long, control
/// characters).
pub fn parse_topics(names: &[String]) -> Result<Vec<Label>, InvalidTopic> {
    let mut topics: Vec<Label> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let label = Label::parse(name).map_err(|reason| InvalidTopic {
            position: i + 1,
            reason,
        })?;
        let key = label.as_str().to_lowercase();
        if !topics.iter().any(|t| t.as_str().to_lowercase() == key) {
            topics.push(label);
        }
    }
    Ok(topics)
}

/// A suggested text for one network that cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidNetworkText {
    /// The key is not a network name.
    #[error(transparent)]
    UnknownNetwork(#[from] UnknownNetwork),
    /// The text of this network is too long.
    #[error("{network}: must be at most {SUGGESTED_TEXT_MAX} characters")]
    TooLong { network: Network },
}

/// Suggested texts per network as given (`(network name, text)`): each name parsed, each
/// text as [`parse_suggested_text`] keeps it, so a blank or absent text (`None`) means
/// "no text of its own: use the general one". Later entries for the same network win.
///
/// # Errors
/// [`InvalidNetworkText`] for the first unknown network name or over-long text.
pub fn parse_network_texts<'a>(
    entries: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> Result<Vec<(Network, Option<String>)>, InvalidNetworkText> {
    let mut out: Vec<(Network, Option<String>)> = Vec::new();
    for (name, text) in entries {
        let network = Network::parse(name.trim())?;
        let text =
            parse_suggested_text(text).map_err(|_| InvalidNetworkText::TooLong { network })?;
        out.retain(|(n, _)| *n != network);
        out.push((network, text));
    }
    Ok(out)
}

/// The text offered when sharing on `network`: the network's own text when there is one,
/// else the general suggested text.
pub fn text_for<'a>(
    network: Network,
    general: Option<&'a str>,
    per_network: &'a [(Network, String)],
) -> Option<&'a str> {
    per_network
        .iter()
        .find(|(n, _)| *n == network)
        .map(|(_, text)| text.as_str())
        .or(general)
}

/// Why a preview image URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidImageUrl {
    #[error("{0}")]
    Url(DestinationError),
    /// Pages load the image themselves: anything but `https` would be mixed content.
    #[error("must be an https:// URL")]
    NotHttps,
}

impl InvalidImageUrl {
    /// The API error code.
    pub fn code(&self) -> &'static str {
        "invalid_preview_image_url"
    }
}

/// The Open Graph image URL of a content item as stored: trimmed, `None` when blank,
/// otherwise an absolute `https` URL (canonical, as [`DestinationUrl`] stores URLs).
///
/// # Errors
/// [`InvalidImageUrl::NotHttps`] for `http` (or any scheme but `https`),
/// [`InvalidImageUrl::Url`] for what is not a URL at all.
pub fn parse_image_url(value: Option<&str>) -> Result<Option<String>, InvalidImageUrl> {
    let value = match value.map(str::trim) {
        None | Some("") => return Ok(None),
        Some(v) => v,
    };
    let url = DestinationUrl::parse(value).map_err(|e| match e {
        DestinationError::SchemeNotAllowed(_) => InvalidImageUrl::NotHttps,
        other => InvalidImageUrl::Url(other),
    })?;
    if !url.as_str().starts_with("https://") {
        return Err(InvalidImageUrl::NotHttps);
    }
    Ok(Some(url.into_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(Origin::parse("curated"), Ok(Origin::Curated));
        assert_eq!(Origin::parse("employee"), Ok(Origin::Employee));
        assert_eq!(Origin::default(), Origin::Curated);
        for bad in ["Curated", "staff", ""] {
            assert!(Origin::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Origin::Employee.to_string(), "employee");
        assert_eq!(
            serde_json::to_string(&Origin::Employee).unwrap(),
            "\"employee\""
        );
    }

    #[test]
    fn employee_posts_need_an_author() {
        assert_eq!(check_author(Origin::Employee, None), Err(AuthorRequired));
        assert!(check_author(Origin::Employee, Some(3)).is_ok());
        assert!(check_author(Origin::Curated, None).is_ok());
        assert!(check_author(Origin::Curated, Some(3)).is_ok());
    }

    #[test]
    fn suggested_text() {
        assert_eq!(parse_suggested_text(None), Ok(None));
        assert_eq!(parse_suggested_text(Some("  \n ")), Ok(None));
        assert_eq!(
            parse_suggested_text(Some(" Read this!\nReally. ")),
            Ok(Some("Read this!\nReally.".into()))
        );
        assert!(parse_suggested_text(Some(&"가".repeat(SUGGESTED_TEXT_MAX))).is_ok());
        assert_eq!(
            parse_suggested_text(Some(&"a".repeat(SUGGESTED_TEXT_MAX + 1))),
            Err(SuggestedTextTooLong)
        );
    }

    #[test]
    fn topics_are_deduplicated_ignoring_case() {
        let names: Vec<String> = ["AI", " Cloud ", "ai", "클라우드", "cloud", "클라우드"]
            .map(String::from)
            .into();
        let topics: Vec<String> = parse_topics(&names)
            .unwrap()
            .into_iter()
            .map(Label::into_string)
            .collect();
        assert_eq!(topics, ["AI", "Cloud", "클라우드"]);
        assert!(parse_topics(&[]).unwrap().is_empty());
    }

    #[test]
    fn bad_topic_names_report_their_position() {
        let names: Vec<String> = ["ok", "  "].map(String::from).into();
        let err = parse_topics(&names).unwrap_err();
        assert_eq!(err.position, 2);
        assert_eq!(err.to_string(), "topic 2 must not be empty");
    }
    #[test]
    fn network_texts_are_parsed_and_the_last_one_wins() {
        let texts = parse_network_texts([
            ("linkedin", Some(" For LinkedIn ")),
            ("x", Some("  ")),
            ("facebook", None),
            ("linkedin", Some("Again")),
        ])
        .unwrap();
        assert_eq!(
            texts,
            vec![
                (Network::X, None),
                (Network::Facebook, None),
                (Network::Linkedin, Some("Again".into())),
            ]
        );
        assert!(matches!(
            parse_network_texts([("myspace", Some("hi"))]),
            Err(InvalidNetworkText::UnknownNetwork(_))
        ));
        let long = "a".repeat(SUGGESTED_TEXT_MAX + 1);
        assert_eq!(
            parse_network_texts([("x", Some(long.as_str()))]),
            Err(InvalidNetworkText::TooLong {
                network: Network::X
            })
        );
    }

    #[test]
    fn a_network_text_replaces_the_general_one() {
        let own = vec![(Network::X, "Short for X".to_string())];
        assert_eq!(
            text_for(Network::X, Some("General"), &own),
            Some("Short for X")
        );
        assert_eq!(
            text_for(Network::Linkedin, Some("General"), &own),
            Some("General")
        );
        assert_eq!(text_for(Network::Linkedin, None, &own), None);
    }

    #[test]
    fn preview_images_are_https_only() {
        assert_eq!(parse_image_url(None), Ok(None));
        assert_eq!(parse_image_url(Some("  ")), Ok(None));
        assert_eq!(
            parse_image_url(Some(" https://cdn.example.com/og.png ")),
            Ok(Some("https://cdn.example.com/og.png".into()))
        );
        for bad in [
            "http://cdn.example.com/og.png",
            "data:image/png;base64,AA",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                parse_image_url(Some(bad)),
                Err(InvalidImageUrl::NotHttps),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_image_url(Some("/static/og.png")),
            Err(InvalidImageUrl::Url(_))
        ));
    }
}
