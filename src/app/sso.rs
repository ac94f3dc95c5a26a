//! Single sign-on with OpenID Connect: the authorization-code flow with PKCE, a nonce and a
//! state, against the issuer the admin configured (`CHORUS_OIDC_*`).
//!
//! [`Sso::start`] discovers the provider and answers the URL to send the browser to plus a
//! [`Pending`] login that the web layer keeps in an encrypted cookie; [`Sso::finish`] takes
//! the provider's answer back, exchanges the code, verifies the ID token (signature from the
//! provider's JWKS, issuer, audience, expiry, nonce) and answers who signed in. Which
//! employee that is, and whether they may sign in, is the caller's business.

use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::reqwest;
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};

use crate::config::ConfigError;
use crate::domain::email::Email;

/// How long discovered provider metadata (endpoints and signing keys) is reused. A key
/// rotation at the provider is picked up after at most this long, or at once when a token
/// fails to verify (the cache is dropped then).
const METADATA_TTL: Duration = Duration::from_secs(15 * 60);

/// The provider's answers must come quickly: a sign-in waits on them.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The configured identity provider.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoSettings {
    pub issuer: String,
    pub client_id: String,
    client_secret: Option<String>,
    /// Team of employees created at their first sign-in; `None`: only known employees.
    pub jit_team: Option<String>,
}

impl std::fmt::Debug for SsoSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("jit_team", &self.jit_team)
            .finish()
    }
}

impl SsoSettings {
    /// SSO is on when an issuer is set; it then needs a client id too.
    pub fn parse(
        issuer: Option<&str>,
        client_id: Option<&str>,
        client_secret: Option<&str>,
        jit_team: Option<&str>,
    ) -> Result<Option<SsoSettings>, ConfigError> {
        fn present(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let Some(issuer) = present(issuer) else {
            return Ok(None);
        };
        let invalid = |setting: &'static str, message: &str| ConfigError::Invalid {
            setting,
            message: message.to_string(),
        };
        let url =
            url::Url::parse(issuer).map_err(|_| invalid("CHORUS_OIDC_ISSUER", "is not a URL"))?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            return Err(invalid(
                "CHORUS_OIDC_ISSUER",
                "must be an https URL with a host (http only for a provider on this machine)",
            ));
        }
        let client_id = present(client_id).ok_or_else(|| {
            invalid(
                "CHORUS_OIDC_CLIENT_ID",
                "is required when CHORUS_OIDC_ISSUER is set",
            )
        })?;
        Ok(Some(SsoSettings {
            // Kept exactly: discovery checks that the provider names itself the same way.
            issuer: issuer.to_string(),
            client_id: client_id.to_string(),
            client_secret: present(client_secret).map(str::to_string),
            jit_team: present(jit_team).map(str::to_string),
        }))
    }
}

/// A sign-in under way: what the callback must see again. Kept by the browser in an
/// encrypted, short-lived cookie, so no server state and any instance can finish it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    state: String,
    nonce: String,
    pkce_verifier: String,
    /// Where to go after signing in (already checked to be a local path).
    pub next: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub email: Email,
    /// The `name` claim, when the provider sends one.
    pub name: Option<String>,
}

/// Why a sign-in did not complete.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("the identity provider could not be reached or answered badly: {0}")]
    Provider(String),
    #[error("the sign-in was refused at the identity provider: {0}")]
    Refused(String),
    #[error("the answer does not belong to a sign-in started here (state mismatch or expired)")]
    State,
    #[error("the ID token did not verify: {0}")]
    Token(String),
    #[error("the ID token carries no verified e-mail address")]
    NoEmail,
}

/// The OpenID Connect client of this instance.
pub struct Sso {
    settings: SsoSettings,
    http: reqwest::Client,
    metadata: tokio::sync::Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl Sso {
    pub fn new(settings: SsoSettings) -> Sso {
        // No redirects: discovery and token requests go where the metadata says, never
        // where a compromised endpoint points (SSRF). Timeouts bound a slow provider.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .connect_timeout(HTTP_TIMEOUT)
            .build()
            .expect("an HTTP client with default TLS roots");
        Sso {
            settings,
            http,
            metadata: tokio::sync::Mutex::new(None),
        }
    }

    pub fn settings(&self) -> &SsoSettings {
        &self.settings
    }

    async fn provider(&self) -> Result<CoreProviderMetadata, SsoError> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, metadata)) = cached.as_ref() {
            if at.elapsed() < METADATA_TTL {
                return Ok(metadata.clone());
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| SsoError::Provider(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| SsoError::Provider(error_chain(&e)))?;
        *cached = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    async fn forget_provider(&self) {
        *self.metadata.lock().await = None;
    }

    fn client(
        &self,
        metadata: CoreProviderMetadata,
        redirect: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        SsoError,
    > {
        let redirect = RedirectUrl::new(redirect.to_string())
            .map_err(|e| SsoError::Provider(format!("redirect URL: {e}")))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// Where to send the browser, and the sign-in to remember until it comes back.
    /// `redirect` is this instance's callback URL, exactly as registered at the provider.
    pub async fn start(
        &self,
        redirect: &str,
        next: String,
    ) -> Result<(url::Url, Pending), SsoError> {
        let client = self.client(self.provider().await?, redirect)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok((
            url,
            Pending {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next,
            },
        ))
    }

    /// The provider's answer: the code exchanged, the ID token verified, the person named.
    pub async fn finish(
        &self,
        redirect: &str,
        pending: Pending,
        code: &str,
        state: &str,
    ) -> Result<Identity, SsoError> {
        if !crate::web::auth::same_secret(state, &pending.state) {
            return Err(SsoError::State);
        }
        let client = self.client(self.provider().await?, redirect)?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| SsoError::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| SsoError::Refused(error_chain(&e)))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| SsoError::Token("the token response has no id_token".into()))?;
        let verifier = client.id_token_verifier();
        let nonce = Nonce::new(pending.nonce);
        let claims = match id_token.claims(&verifier, &nonce) {
            Ok(claims) => claims,
            Err(e) => {
                // Perhaps the provider rotated its keys: look them up again next time.
                self.forget_provider().await;
                return Err(SsoError::Token(e.to_string()));
            }
        };
        // An address the provider has not verified could be anyone's: refuse it, since it
        // is what names the employee here.
        if claims.email_verified() == Some(false) {
            return Err(SsoError::NoEmail);
        }
        let email = claims
            .email()
            .and_then(|e| Email::parse(e.as_str()).ok())
            .ok_or(SsoError::NoEmail)?;
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().trim().to_string())
            .filter(|n| !n.is_empty());
        Ok(Identity { email, name })
    }
}

/// An error and its causes on one line (reqwest's own message is often just "error
/// sending request").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sso_is_off_without_an_issuer_and_needs_a_client_id_with_one() {
        assert_eq!(
            SsoSettings::parse(None, Some("x"), None, None).unwrap(),
            None
        );
        assert_eq!(
            SsoSettings::parse(Some("  "), None, None, None).unwrap(),
            None
        );
        let err = SsoSettings::parse(Some("https://id.example.com"), None, None, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("CHORUS_OIDC_CLIENT_ID"), "{err}");
        for bad in ["not a url", "ftp://id.example.com", "https://"] {
            assert!(
                SsoSettings::parse(Some(bad), Some("chorus"), None, None).is_err(),
                "{bad}"
            );
        }
        let ok = SsoSettings::parse(
            Some("https://id.example.com/realms/acme/"),
            Some("chorus"),
            Some("s3cret"),
            Some(" Sales "),
        )
        .unwrap()
        .unwrap();
        assert_eq!(ok.issuer, "https://id.example.com/realms/acme/");
        assert_eq!(ok.jit_team.as_deref(), Some("Sales"));
        assert!(
            !format!("{ok:?}").contains("s3cret"),
            "the secret is not printed"
        );
    }
}
