//! Channels: where a mention was seen or a support case raised. Free, not the closed list
//! of share networks (`domain::network`): mentions and cases come from news sites, blogs,
//! forums, app stores and direct messages too.

use std::fmt;

/// The longest channel name.
pub const MAX_CHANNEL_LEN: usize = 32;

/// A lowercase token `[a-z0-9_-]{1,32}` (`linkedin`, `x`, `news`, `facebook_dm`,
/// `app-store`). Input is trimmed and lowercased first, so `Twitter` and `twitter` are one
/// channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Channel(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be 1 to {MAX_CHANNEL_LEN} characters a-z, 0-9, '_' or '-', such as linkedin, x or news (got {0:?})")]
pub struct InvalidChannel(pub String);

impl Channel {
    /// # Errors
    /// [`InvalidChannel`] for an empty or too long name, or one with other characters
    /// (spaces, dots, accents).
    pub fn parse(value: &str) -> Result<Channel, InvalidChannel> {
        let folded = value.trim().to_ascii_lowercase();
        let ok = !folded.is_empty()
            && folded.len() <= MAX_CHANNEL_LEN
            && folded
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if ok {
            Ok(Channel(folded))
        } else {
            Err(InvalidChannel(value.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
