//! The social networks (and other channels) a share can be posted to.
//!
//! [`Network`] is the closed set named in the API contract (`linkedin`, `x`, `facebook`,
//! `instagram`, `threads`, `bluesky`, `xing`, `tiktok`, `youtube`, `email`, `other`). Its
//! API name ([`Network::as_str`]) is what the JSON API, forms and the database carry; its
//! [`Network::ga4_source`] is the `utm_source` value Google Analytics 4 recognises, which
//! is not always the same word (X is still `twitter` to GA4).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A network a share is posted to.
///
/// Serialises to and from the lowercase API name (`"linkedin"`, `"x"`, …), the same
/// string [`Network::as_str`] returns and [`Network::parse`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Linkedin,
    X,
    Facebook,
    Instagram,
    Threads,
    Bluesky,
    Xing,
    Tiktok,
    Youtube,
    Email,
    Other,
}

/// The error for a string that is not one of the API names of [`Network`].
///
/// Its message quotes the rejected input and lists every valid name, so it can be shown
/// to the user as it is.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown network {input:?}; expected one of: {valid}", valid = Network::valid_names())]
pub struct UnknownNetwork {
    /// The rejected input, as given.
    pub input: String,
}

impl Network {
    /// Every network, in the order the API lists them (and the UI should show them).
    pub const ALL: [Network; 11] = [
        Network::Linkedin,
        Network::X,
        Network::Facebook,
        Network::Instagram,
        Network::Threads,
        Network::Bluesky,
        Network::Xing,
        Network::Tiktok,
        Network::Youtube,
        Network::Email,
        Network::Other,
    ];

    /// Parses an API name. Matching is exact: lowercase, no surrounding whitespace, the
    /// same rule serde applies, so a name accepted here is accepted everywhere.
    ///
    /// # Errors
    /// [`UnknownNetwork`] for anything else, e.g. `"LinkedIn"`, `"twitter"` or `""`.
    pub fn parse(s: &str) -> Result<Network, UnknownNetwork> {
        Network::ALL
            .into_iter()
            .find(|network| network.as_str() == s)
            .ok_or_else(|| UnknownNetwork {
                input: s.to_owned(),
            })
    }

    /// The API name: `"linkedin"`, `"x"`, `"facebook"`, … (what [`Network::parse`] takes).
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Linkedin => "linkedin",
            Network::X => "x",
            Network::Facebook => "facebook",
            Network::Instagram => "instagram",
            Network::Threads => "threads",
            Network::Bluesky => "bluesky",
            Network::Xing => "xing",
            Network::Tiktok => "tiktok",
            Network::Youtube => "youtube",
            Network::Email => "email",
            Network::Other => "other",
        }
    }

    /// The brand's own spelling, for people: `"LinkedIn"`, `"X"`, `"TikTok"`, `"E-mail"`, …
    pub fn display_name(self) -> &'static str {
        match self {
            Network::Linkedin => "LinkedIn",
            Network::X => "X",
            Network::Facebook => "Facebook",
            Network::Instagram => "Instagram",
            Network::Threads => "Threads",
            Network::Bluesky => "Bluesky",
            Network::Xing => "XING",
            Network::Tiktok => "TikTok",
            Network::Youtube => "YouTube",
            Network::Email => "E-mail",
            Network::Other => "Other",
        }
    }

    /// The default `utm_source` for links shared on this network: the name under which
    /// Google Analytics 4 knows the network.
    ///
    /// Differs from [`Network::as_str`] only for X, which is `"twitter"`: GA4's list of
    /// social sources has `twitter` and `t.co` but no `x`.
    pub fn ga4_source(self) -> &'static str {
        match self {
            // GA4's social-source list predates the rename; `x` would not be recognised.
            Network::X => "twitter",
            other => other.as_str(),
        }
    }

    /// The API names, comma-separated in [`Network::ALL`] order, for error messages and
    /// help texts.
    pub fn valid_names() -> String {
        Network::ALL.map(Network::as_str).join(", ")
    }
}

impl fmt::Display for Network {
    /// Writes the API name (use [`Network::display_name`] for people).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Network {
    type Err = UnknownNetwork;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Network::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_through_parse() {
        for network in Network::ALL {
            assert_eq!(Network::parse(network.as_str()), Ok(network));
            assert_eq!(network.as_str().parse::<Network>(), Ok(network));
            assert_eq!(network.to_string(), network.as_str());
        }
    }

    #[test]
    fn api_names_are_exactly_the_contract_list() {
        let names: Vec<&str> = Network::ALL.iter().map(|n| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "linkedin",
                "x",
                "facebook",
                "instagram",
                "threads",
                "bluesky",
                "xing",
                "tiktok",
                "youtube",
                "email",
                "other"
            ]
        );
    }

    #[test]
    fn all_has_no_duplicates() {
        let set: std::collections::HashSet<Network> = Network::ALL.into_iter().collect();
        assert_eq!(set.len(), Network::ALL.len());
    }

    #[test]
    fn serde_uses_the_api_names() {
        for network in Network::ALL {
            let json = serde_json::to_string(&network).unwrap();
            assert_eq!(json, format!("\"{}\"", network.as_str()));
            let back: Network = serde_json::from_str(&json).unwrap();
            assert_eq!(back, network);
        }
        assert!(serde_json::from_str::<Network>("\"twitter\"").is_err());
    }

    #[test]
    fn x_is_twitter_for_ga4() {
        assert_eq!(Network::X.ga4_source(), "twitter");
        assert_eq!(Network::parse("x").unwrap().ga4_source(), "twitter");
    }

    #[test]
    fn ga4_source_equals_api_name_except_for_x() {
        for network in Network::ALL {
            if network != Network::X {
                assert_eq!(network.ga4_source(), network.as_str());
            }
        }
    }

    #[test]
    fn display_names() {
        assert_eq!(Network::Linkedin.display_name(), "LinkedIn");
        assert_eq!(Network::X.display_name(), "X");
        assert_eq!(Network::Tiktok.display_name(), "TikTok");
        assert_eq!(Network::Youtube.display_name(), "YouTube");
        for network in Network::ALL {
            assert!(!network.display_name().is_empty());
        }
    }

    #[test]
    fn parse_is_exact() {
        for bad in [
            "LinkedIn",
            "X",
            " x",
            "x ",
            "twitter",
            "",
            "e-mail",
            "linked in",
        ] {
            assert!(Network::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn unknown_network_message_quotes_input_and_lists_every_name() {
        let err = Network::parse("myspace").unwrap_err();
        assert_eq!(err.input, "myspace");
        let message = err.to_string();
        assert!(message.contains("\"myspace\""), "{message}");
        for network in Network::ALL {
            assert!(message.contains(network.as_str()), "{message}");
        }
        assert_eq!(
            message,
            "unknown network \"myspace\"; expected one of: linkedin, x, facebook, instagram, \
             threads, bluesky, xing, tiktok, youtube, email, other"
        );
    }
}
