//! `--smtp-relay smtp://host:port`: every email the inbox captures is also delivered to a real
//! SMTP server (Mailpit, MailHog, a test sink), so people can read it in the tools they use.
//! Delivery happens in the background: a slow or absent relay never slows an API call, and
//! failures are logged, not returned.

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::domain::messages::{Channel, Message};

/// The sender of relayed mail.
const FROM_ADDRESS: &str = "no-reply@passage-emulator.local";

#[derive(Clone)]
pub struct SmtpRelay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    url: String,
}

impl std::fmt::Debug for SmtpRelay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpRelay").field("url", &self.url).finish()
    }
}

/// `--smtp-relay` is not a URL the relay can use.
#[derive(Debug, thiserror::Error)]
#[error("--smtp-relay {url}: {why} (expected smtp://host:port)")]
pub struct RelayUrlError {
    url: String,
    why: String,
}

impl SmtpRelay {
    /// `smtp://host[:port]` (port 25 by default). Plain SMTP without authentication, as local
    /// catchers such as Mailpit speak it.
    pub fn from_url(url: &str) -> Result<Self, RelayUrlError> {
        let invalid = |why: &str| RelayUrlError {
            url: url.to_owned(),
            why: why.to_owned(),
        };
        let parsed = url::Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
        if parsed.scheme() != "smtp" {
            return Err(invalid("only plain smtp:// is supported"));
        }
        let host = parsed.host_str().ok_or_else(|| invalid("no host"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(parsed.port().unwrap_or(25))
            .build();
        Ok(Self {
            transport,
            url: url.to_owned(),
        })
    }

    /// Sends a copy of an email in the background, from `from` (default the emulator's
    /// no-reply address); SMS are not relayed.
    pub fn forward(&self, app_name: &str, from: Option<&str>, message: &Message) {
        if message.channel != Channel::Email {
            return;
        }
        let email = match build(app_name, from.unwrap_or(FROM_ADDRESS), message) {
            Ok(email) => email,
            Err(error) => {
                tracing::warn!(%error, to = %message.recipient, "cannot relay this email");
                return;
            }
        };
        let transport = self.transport.clone();
        let url = self.url.clone();
        tokio::spawn(async move {
            match transport.send(email).await {
                Ok(_) => tracing::debug!(relay = %url, "email relayed"),
                Err(error) => tracing::warn!(%error, relay = %url, "SMTP relay failed"),
            }
        });
    }
}

fn build(app_name: &str, from: &str, message: &Message) -> Result<lettre::Message, String> {
    let from = Mailbox::new(
        Some(app_name.to_owned()),
        from.parse().map_err(|error| format!("from: {error}"))?,
    );
    let to: Mailbox = message
        .recipient
        .parse()
        .map_err(|error| format!("recipient: {error}"))?;
    lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(message.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            message.text.clone(),
            message.html.clone(),
        ))
        .map_err(|error| error.to_string())
}
