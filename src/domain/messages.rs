//! The emails and SMS Passage would have sent, rendered for the inbox.
//!
//! Emulator: Passage's own wording is not public; these texts say the same things (the code or
//! link, what it is for, how long it lasts) in the seven languages Passage offered.

use serde::{Deserialize, Serialize};

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email" => Some(Self::Email),
            "sms" => Some(Self::Sms),
            _ => None,
        }
    }
}

/// Why a message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    LoginOtp,
    RegisterOtp,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginOtp => "login_otp",
            Self::RegisterOtp => "register_otp",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "login_otp" => Some(Self::LoginOtp),
            "register_otp" => Some(Self::RegisterOtp),
            _ => None,
        }
    }
}

/// Passage's languages (`MagicLinkLanguage`).
pub const LANGUAGES: [&str; 7] = ["de", "en", "es", "it", "pl", "pt", "zh"];

/// The language to write in: the requested one if Passage had it, else the app's default,
/// else English. Region suffixes are ignored (`pt-BR` is `pt`).
pub fn language(requested: Option<&str>, app_default: &str) -> &'static str {
    let base = |tag: &str| {
        tag.split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    [requested.unwrap_or(""), app_default]
        .into_iter()
        .find_map(|tag| LANGUAGES.iter().find(|known| **known == base(tag)).copied())
        .unwrap_or("en")
}

/// A rendered message, ready for the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub channel: Channel,
    pub recipient: String,
    pub kind: MessageKind,
    pub language: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub magic_link: Option<String>,
    pub otp: Option<String>,
}

/// (subject with `{app}`, body with `{code}` and `{minutes}`) per language.
fn otp_wording(language: &str) -> (&'static str, &'static str) {
    match language {
        "de" => (
            "Ihr Einmalcode für {app}",
            "Ihr Code lautet {code}. Er ist {minutes} Minuten gültig.",
        ),
        "es" => (
            "Tu código de un solo uso para {app}",
            "Tu código es {code}. Caduca en {minutes} minutos.",
        ),
        "it" => (
            "Il tuo codice monouso per {app}",
            "Il tuo codice è {code}. Scade tra {minutes} minuti.",
        ),
        "pl" => (
            "Twój jednorazowy kod do {app}",
            "Twój kod to {code}. Wygasa za {minutes} min.",
        ),
        "pt" => (
            "Seu código de uso único para {app}",
            "Seu código é {code}. Ele expira em {minutes} minutos.",
        ),
        "zh" => (
            "您的 {app} 一次性验证码",
            "您的验证码是 {code}，{minutes} 分钟内有效。",
        ),
        _ => (
            "Your one-time passcode for {app}",
            "Your code is {code}. It expires in {minutes} minutes.",
        ),
    }
}

/// A one-time passcode by email or SMS.
pub fn otp_message(
    app_name: &str,
    channel: Channel,
    recipient: &str,
    kind: MessageKind,
    language: &'static str,
    code: &str,
    ttl_seconds: i64,
) -> Message {
    let (subject, body) = otp_wording(language);
    let minutes = ((ttl_seconds + 59) / 60).max(1).to_string();
    let subject = subject.replace("{app}", app_name);
    let text = body.replace("{code}", code).replace("{minutes}", &minutes);
    let html = format!(
        "<!doctype html><html lang=\"{language}\"><body><h1>{}</h1><p>{}</p>\
         <p style=\"font-size:2em;letter-spacing:.3em\"><strong>{code}</strong></p></body></html>",
        escape_html(&subject),
        escape_html(&text),
    );
    let text = match channel {
        Channel::Email => format!("{subject}\n\n{text}\n"),
        Channel::Sms => format!("{app_name}: {text}"),
    };
    Message {
        channel,
        recipient: recipient.to_owned(),
        kind,
        language,
        subject,
        html: if channel == Channel::Email {
            html
        } else {
            String::new()
        },
        text,
        magic_link: None,
        otp: Some(code.to_owned()),
    }
}

fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_fall_back() {
        assert_eq!(language(Some("de"), "en"), "de");
        assert_eq!(language(Some("pt-BR"), "en"), "pt");
        assert_eq!(language(Some("fr"), "es"), "es");
        assert_eq!(language(None, "xx"), "en");
    }

    #[test]
    fn otp_messages_carry_the_code() {
        let message = otp_message(
            "Shop <&>",
            Channel::Email,
            "a@b.co",
            MessageKind::LoginOtp,
            "en",
            "012345",
            300,
        );
        assert_eq!(message.subject, "Your one-time passcode for Shop <&>");
        assert_eq!(
            message.text,
            "Your one-time passcode for Shop <&>\n\nYour code is 012345. It expires in 5 minutes.\n"
        );
        assert!(message.html.contains("Shop &lt;&amp;&gt;") && message.html.contains("012345"));
        assert_eq!(message.otp.as_deref(), Some("012345"));
        let sms = otp_message(
            "Shop",
            Channel::Sms,
            "+14155552671",
            MessageKind::RegisterOtp,
            "de",
            "999999",
            60,
        );
        assert_eq!(
            sms.text,
            "Shop: Ihr Code lautet 999999. Er ist 1 Minuten gültig."
        );
        assert_eq!(sms.html, "");
    }
}
