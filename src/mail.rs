//! Outgoing e-mail: invitations and password-reset links, when `CHORUS_SMTP_URL` is set.
//!
//! `CHORUS_SMTP_URL` is lettre's connection URL: `smtp://host:port` (plain, e.g. a local
//! relay), `smtp://host:587?tls=required` (STARTTLS), `smtps://host:465` (TLS from the
//! start); `user:password@` in it logs in. `CHORUS_MAIL_FROM` is the sender
//! (`Chorus <chorus@example.com>`). Without SMTP, Chorus shows every link to the admin to
//! hand over instead; nothing else depends on mail.
//!
//! Messages are plain text, written by the caller through the i18n layer.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::ConfigError;

/// How long one delivery may take (connect, dialogue, data) before it counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);

/// The validated mail settings; `Debug` hides the URL (it may hold a password).
#[derive(Clone)]
pub struct MailSettings {
    url: String,
    from: Mailbox,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("url", &"<redacted>")
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl MailSettings {
    /// Both unset (or blank): no mail. A URL needs a sender; a sender alone is refused too,
    /// since it would do nothing.
    pub fn parse(
        url: Option<&str>,
        from: Option<&str>,
        _base: &url::Url,
    ) -> Result<Option<MailSettings>, ConfigError> {
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        let from = from.map(str::trim).filter(|f| !f.is_empty());
        let (url, from) = match (url, from) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err(ConfigError::Invalid {
                    setting: "CHORUS_MAIL_FROM",
                    message:
                        "set the sender of invitations, e.g. \"Chorus <chorus@example.com>\", \
                              when CHORUS_SMTP_URL is set"
                            .into(),
                })
            }
            (None, Some(_)) => {
                return Err(ConfigError::Invalid {
                    setting: "CHORUS_SMTP_URL",
                    message: "CHORUS_MAIL_FROM is set but no SMTP server to send through \
                              (e.g. smtp://mail.example.com:587?tls=required)"
                        .into(),
                })
            }
            (Some(url), Some(from)) => (url, from),
        };
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| ConfigError::Invalid {
            setting: "CHORUS_SMTP_URL",
            message: format!(
                "not a usable SMTP URL ({e}); use smtp://host:port, \
                 smtp://host:587?tls=required or smtps://host:465"
            ),
        })?;
        let from: Mailbox = from.parse().map_err(|e| ConfigError::Invalid {
            setting: "CHORUS_MAIL_FROM",
            message: format!("{from:?} is not an address such as Chorus <chorus@example.com>: {e}"),
        })?;
        Ok(Some(MailSettings {
            url: url.to_string(),
            from,
        }))
    }
}

/// One message to one person.
pub struct Mail {
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the SMTP server did not take the message: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

/// Sends `mail` through the configured server. A transport is built per message: mail is
/// rare here (invitations, resets), and no idle connection is kept open.
pub async fn send(settings: &MailSettings, mail: Mail) -> Result<(), MailError> {
    let to_address = mail
        .to_email
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
    let message = Message::builder()
        .from(settings.from.clone())
        .to(Mailbox::new(Some(mail.to_name), to_address))
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body)
        .map_err(|e| MailError::Build(e.to_string()))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url)?
        .timeout(Some(SEND_TIMEOUT))
        .build();
    transport.send(message).await?;
    Ok(())
}

/// Sends in the background and logs the outcome: for answers that must not depend on
/// whether (or how fast) a message went out, such as "forgot password".
pub fn send_later(settings: MailSettings, mail: Mail) {
    actix_web::rt::spawn(async move {
        if let Err(err) = send(&settings, mail).await {
            tracing::warn!(error = %err, "e-mail not sent");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> url::Url {
        url::Url::parse("https://go.example.com").unwrap()
    }

    #[test]
    fn mail_is_optional_but_needs_both_settings() {
        assert!(MailSettings::parse(None, None, &base()).unwrap().is_none());
        assert!(MailSettings::parse(Some(" "), Some(""), &base())
            .unwrap()
            .is_none());
        let err = MailSettings::parse(Some("smtp://localhost:25"), None, &base()).unwrap_err();
        assert!(err.to_string().starts_with("CHORUS_MAIL_FROM"), "{err}");
        let err = MailSettings::parse(None, Some("a@example.com"), &base()).unwrap_err();
        assert!(err.to_string().starts_with("CHORUS_SMTP_URL"), "{err}");
        let err =
            MailSettings::parse(Some("http://x"), Some("a@example.com"), &base()).unwrap_err();
        assert!(err.to_string().starts_with("CHORUS_SMTP_URL"), "{err}");
        let err = MailSettings::parse(Some("smtp://localhost"), Some("not an address"), &base())
            .unwrap_err();
        assert!(err.to_string().starts_with("CHORUS_MAIL_FROM"), "{err}");
        for url in [
            "smtp://localhost:2525",
            "smtp://user:secret@mail.example.com:587?tls=required",
            "smtps://mail.example.com",
        ] {
            let ok = MailSettings::parse(Some(url), Some("Chorus <chorus@example.com>"), &base())
                .unwrap()
                .unwrap();
            assert!(
                !format!("{ok:?}").contains("secret"),
                "the URL is not printed"
            );
        }
    }
}
