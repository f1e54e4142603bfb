//! The emails and SMS Passage would have sent, rendered for the inbox.
//!
//! Emulator: Passage's own wording is not public; these texts say the same things (the code or
//! link, what it is for, how long it lasts) in the seven languages Passage offered.

use serde::{Deserialize, Serialize};

/// Where a code or link goes, and what a login through it verified: an email address, or a
/// phone number by SMS. The one type for both; its two spellings are below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    /// The inbox's word: `email` or `sms` (a message's `channel`, the `channel=` filter).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    /// Passage's word for the identifier it reaches: `email` or `phone` (the Management API's
    /// magic-link `channel`; stored with links and passcodes).
    pub fn identifier_kind(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "phone",
        }
    }

    /// The inbox's word back to a channel.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Email, Self::Sms]
            .into_iter()
            .find(|channel| channel.as_str() == text)
    }
}

/// How a stored link's or passcode's column (Passage's word, [`Channel::identifier_kind`])
/// becomes a channel.
impl TryFrom<String> for Channel {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        [Self::Email, Self::Sms]
            .into_iter()
            .find(|channel| channel.identifier_kind() == text)
            .ok_or_else(|| format!("`{text}` is not a channel"))
    }
}

/// Why a message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    LoginOtp,
    RegisterOtp,
    LoginMagicLink,
    RegisterMagicLink,
    /// A link proving the user owns an identifier (Management `type: verify_identifier`).
    VerifyIdentifier,
    /// A link to a new email address that makes it the user's once activated.
    ChangeEmail,
    /// The same for a new phone number.
    ChangePhone,
    /// `POST /apps/{app_id}/email-test` (the console's "Test Email").
    EmailTest,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginOtp => "login_otp",
            Self::RegisterOtp => "register_otp",
            Self::LoginMagicLink => "login_magic_link",
            Self::RegisterMagicLink => "register_magic_link",
            Self::VerifyIdentifier => "verify_identifier",
            Self::ChangeEmail => "change_email",
            Self::ChangePhone => "change_phone",
            Self::EmailTest => "email_test",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "login_otp" => Some(Self::LoginOtp),
            "register_otp" => Some(Self::RegisterOtp),
            "login_magic_link" => Some(Self::LoginMagicLink),
            "register_magic_link" => Some(Self::RegisterMagicLink),
            "verify_identifier" => Some(Self::VerifyIdentifier),
            "change_email" => Some(Self::ChangeEmail),
            "change_phone" => Some(Self::ChangePhone),
            "email_test" => Some(Self::EmailTest),
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

/// (subject with `{app}`, body with `{link}` and `{minutes}`) per language: sign-in links.
fn sign_in_link_wording(language: &str) -> (&'static str, &'static str) {
    match language {
        "de" => (
            "Ihr Anmeldelink für {app}",
            "Melden Sie sich mit diesem Link an: {link} Er ist {minutes} Minuten gültig.",
        ),
        "es" => (
            "Tu enlace de acceso a {app}",
            "Inicia sesión con este enlace: {link} Caduca en {minutes} minutos.",
        ),
        "it" => (
            "Il tuo link di accesso a {app}",
            "Accedi con questo link: {link} Scade tra {minutes} minuti.",
        ),
        "pl" => (
            "Twój link logowania do {app}",
            "Zaloguj się, używając tego linku: {link} Wygasa za {minutes} min.",
        ),
        "pt" => (
            "Seu link de acesso ao {app}",
            "Entre com este link: {link} Ele expira em {minutes} minutos.",
        ),
        "zh" => (
            "您的 {app} 登录链接",
            "请使用此链接登录：{link} {minutes} 分钟内有效。",
        ),
        _ => (
            "Your sign-in link for {app}",
            "Sign in with this link: {link} It expires in {minutes} minutes.",
        ),
    }
}

/// The same for links that verify an identifier.
fn verify_link_wording(language: &str) -> (&'static str, &'static str) {
    match language {
        "de" => (
            "Bestätigen Sie Ihre Adresse für {app}",
            "Bestätigen Sie sie mit diesem Link: {link} Er ist {minutes} Minuten gültig.",
        ),
        "es" => (
            "Verifica tu dirección para {app}",
            "Verifícala con este enlace: {link} Caduca en {minutes} minutos.",
        ),
        "it" => (
            "Verifica il tuo indirizzo per {app}",
            "Verificalo con questo link: {link} Scade tra {minutes} minuti.",
        ),
        "pl" => (
            "Potwierdź swój adres w {app}",
            "Potwierdź go, używając tego linku: {link} Wygasa za {minutes} min.",
        ),
        "pt" => (
            "Confirme seu endereço no {app}",
            "Confirme-o com este link: {link} Ele expira em {minutes} minutos.",
        ),
        "zh" => (
            "验证您在 {app} 的身份",
            "请使用此链接验证：{link} {minutes} 分钟内有效。",
        ),
        _ => (
            "Verify your address for {app}",
            "Verify it with this link: {link} It expires in {minutes} minutes.",
        ),
    }
}

/// Who gets a message, in which language, and why.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    pub app_name: &'a str,
    pub channel: Channel,
    pub recipient: &'a str,
    pub kind: MessageKind,
    pub language: &'static str,
    pub ttl_seconds: i64,
}

/// A one-time passcode by email or SMS.
pub fn otp_message(envelope: Envelope<'_>, code: &str) -> Message {
    let (subject, body) = otp_wording(envelope.language);
    let body = body.replace("{code}", code);
    let highlight =
        format!("<p style=\"font-size:2em;letter-spacing:.3em\"><strong>{code}</strong></p>");
    Message {
        otp: Some(code.to_owned()),
        ..render(envelope, subject, &body, &highlight)
    }
}

/// A magic link by email or SMS.
pub fn magic_link_message(envelope: Envelope<'_>, link: &str) -> Message {
    let (subject, body) = match envelope.kind {
        MessageKind::VerifyIdentifier | MessageKind::ChangeEmail | MessageKind::ChangePhone => {
            verify_link_wording(envelope.language)
        }
        _ => sign_in_link_wording(envelope.language),
    };
    let body = body.replace("{link}", link);
    let escaped = escape_html(link);
    let highlight = format!("<p><a href=\"{escaped}\">{escaped}</a></p>");
    Message {
        magic_link: Some(link.to_owned()),
        ..render(envelope, subject, &body, &highlight)
    }
}

fn render(envelope: Envelope<'_>, subject: &str, body: &str, highlight: &str) -> Message {
    let minutes = ((envelope.ttl_seconds + 59) / 60).max(1).to_string();
    let subject = subject.replace("{app}", envelope.app_name);
    let body = body.replace("{minutes}", &minutes);
    let (text, html) = match envelope.channel {
        Channel::Email => (
            format!("{subject}\n\n{body}\n"),
            format!(
                "<!doctype html><html lang=\"{}\"><body><h1>{}</h1><p>{}</p>{highlight}</body></html>",
                envelope.language,
                escape_html(&subject),
                escape_html(&body),
            ),
        ),
        Channel::Sms => (format!("{}: {body}", envelope.app_name), String::new()),
    };
    Message {
        channel: envelope.channel,
        recipient: envelope.recipient.to_owned(),
        kind: envelope.kind,
        language: envelope.language,
        subject,
        text,
        html,
        magic_link: None,
        otp: None,
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

    /// Each spelling is read where it is written: the inbox says `sms`, stored links and
    /// passcodes say `phone`; neither place takes the other's word.
    #[test]
    fn each_spelling_in_its_place() {
        assert_eq!(Channel::parse("sms"), Some(Channel::Sms));
        assert_eq!(Channel::parse("phone"), None);
        assert_eq!(Channel::try_from("phone".to_owned()), Ok(Channel::Sms));
        assert!(Channel::try_from("sms".to_owned()).is_err());
        assert_eq!(Channel::try_from("email".to_owned()), Ok(Channel::Email));
    }

    #[test]
    fn languages_fall_back() {
        assert_eq!(language(Some("de"), "en"), "de");
        assert_eq!(language(Some("pt-BR"), "en"), "pt");
        assert_eq!(language(Some("fr"), "es"), "es");
        assert_eq!(language(None, "xx"), "en");
    }

    #[test]
    fn messages_carry_the_code_or_the_link() {
        let envelope = Envelope {
            app_name: "Shop <&>",
            channel: Channel::Email,
            recipient: "a@b.co",
            kind: MessageKind::LoginOtp,
            language: "en",
            ttl_seconds: 300,
        };
        let message = otp_message(envelope, "012345");
        assert_eq!(message.subject, "Your one-time passcode for Shop <&>");
        assert_eq!(
            message.text,
            "Your one-time passcode for Shop <&>\n\nYour code is 012345. It expires in 5 minutes.\n"
        );
        assert!(message.html.contains("Shop &lt;&amp;&gt;") && message.html.contains("012345"));
        assert_eq!(message.otp.as_deref(), Some("012345"));

        let sms = otp_message(
            Envelope {
                app_name: "Shop",
                channel: Channel::Sms,
                recipient: "+14155552671",
                kind: MessageKind::RegisterOtp,
                language: "de",
                ttl_seconds: 60,
            },
            "999999",
        );
        assert_eq!(
            sms.text,
            "Shop: Ihr Code lautet 999999. Er ist 1 Minuten gültig."
        );
        assert_eq!(sms.html, "");

        let url = "http://localhost:3000/?psg_magic_link=abc&x=<1>";
        let link = magic_link_message(
            Envelope {
                kind: MessageKind::LoginMagicLink,
                ..envelope
            },
            url,
        );
        assert_eq!(link.magic_link.as_deref(), Some(url));
        assert_eq!(link.subject, "Your sign-in link for Shop <&>");
        assert!(
            link.html
                .contains("href=\"http://localhost:3000/?psg_magic_link=abc&amp;x=&lt;1&gt;\"")
        );
    }
}
