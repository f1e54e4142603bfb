//! Apps' email templates (Passage's console "Email Templates"): subject and HTML in Go template
//! syntax (Passage's backend was Go), rendered by gotmpl, whose HTML templates escape values
//! for their context as Go's html/template does. Passage's documented variables:
//! `{{.app.id}}`, `{{.app.name}}`, `{{.app.auth_origin}}`, `{{.app.login_url}}`,
//! `{{.magic_link.url}}`, `{{.magic_link.ttl}}`, `{{.magic_link.locale}}`, `{{.user.id}}`,
//! `{{.user.email}}`, `{{.user.phone}}`, `{{.user.status}}`, `{{.user.email_verified}}`,
//! `{{.user.user_metadata.<field>}}`; the emulator adds `{{.otp.code}}`, `{{.otp.ttl}}` and
//! `{{.otp.locale}}` for passcode emails (Passage's name for them is not documented).

use gotmpl::MissingKey;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::app::App;
use super::messages::MessageKind;
use super::timestamp::Timestamp;
use super::user::User;

/// Passage: `EmailTemplateType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmailTemplateType {
    MagicLink,
    EmailChange,
    EmailVerify,
    Otp,
}

impl EmailTemplateType {
    pub const ALL: [Self; 4] = [
        Self::MagicLink,
        Self::EmailChange,
        Self::EmailVerify,
        Self::Otp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MagicLink => "magic_link",
            Self::EmailChange => "email_change",
            Self::EmailVerify => "email_verify",
            Self::Otp => "otp",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The template an email of this kind is rendered from (a test email has its own).
    pub fn for_message(kind: MessageKind) -> Option<Self> {
        match kind {
            MessageKind::LoginOtp | MessageKind::RegisterOtp => Some(Self::Otp),
            MessageKind::LoginMagicLink | MessageKind::RegisterMagicLink => Some(Self::MagicLink),
            MessageKind::VerifyIdentifier | MessageKind::ChangePhone => Some(Self::EmailVerify),
            MessageKind::ChangeEmail => Some(Self::EmailChange),
            MessageKind::EmailTest => None,
        }
    }

    /// What the list shows for a type the app has no template of (Passage: `id` `""`).
    // Emulator: Passage's default HTML is not published; these say what the emulator's own
    // messages say, in English (the emulator's built-in messages come in seven languages).
    pub fn default_template(self) -> (&'static str, &'static str) {
        match self {
            Self::MagicLink => (
                "Sign in to {{.app.name}}",
                "<div>Tap this link to sign in to {{.app.name}}: <a href=\"{{.magic_link.url}}\">{{.magic_link.url}}</a></div>",
            ),
            Self::EmailChange => (
                "Confirm your new email for {{.app.name}}",
                "<div>Tap this link to make this your email at {{.app.name}}: <a href=\"{{.magic_link.url}}\">{{.magic_link.url}}</a></div>",
            ),
            Self::EmailVerify => (
                "Verify your email for {{.app.name}}",
                "<div>Tap this link to verify your email at {{.app.name}}: <a href=\"{{.magic_link.url}}\">{{.magic_link.url}}</a></div>",
            ),
            Self::Otp => (
                "Your {{.app.name}} code",
                "<div>Your {{.app.name}} code is <strong>{{.otp.code}}</strong></div>",
            ),
        }
    }
}

/// Passage: `EmailTemplate` (`id` is `""` for a default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EmailTemplate {
    pub id: String,
    pub enabled: bool,
    #[serde(rename = "type")]
    pub template_type: EmailTemplateType,
    pub html: String,
    pub subject: String,
}

/// Subjects and HTML kept at most this long.
pub const SUBJECT_LIMIT: usize = 1024;
pub const HTML_LIMIT: usize = 100 * 1024;

/// What a template is rendered with.
pub struct Variables<'a> {
    pub app: &'a App,
    pub user: &'a User,
    pub magic_link: Option<&'a str>,
    pub otp: Option<&'a str>,
    pub ttl_seconds: i64,
    pub language: &'a str,
}

impl Variables<'_> {
    /// The template's data: every variable present (`""` where this email has none), so a
    /// template names a variable that does not exist only by a typo.
    fn data(&self) -> Value {
        let settings = &self.app.settings;
        let mut metadata: Map<String, Value> = self
            .app
            .user_metadata_schema
            .iter()
            .map(|field| (field.field_name.clone(), json!("")))
            .collect();
        if let Some(values) = &self.user.user_metadata {
            metadata.extend(values.clone());
        }
        json!({
            "app": {"id": self.app.id, "name": settings.name, "auth_origin": settings.auth_origin,
                    "login_url": settings.login_url},
            "magic_link": {"url": self.magic_link.unwrap_or(""), "ttl": self.ttl_seconds,
                           "locale": self.language},
            "otp": {"code": self.otp.unwrap_or(""), "ttl": self.ttl_seconds,
                    "locale": self.language},
            "user": {"id": self.user.id, "email": self.user.email, "phone": self.user.phone,
                     "status": self.user.status.as_str(),
                     "email_verified": self.user.email_verified, "user_metadata": metadata},
        })
    }
}

/// Renders a subject (text) and HTML (escaped for its context); an unknown variable or a
/// syntax error is an error naming it.
pub fn render(
    subject: &str,
    html: &str,
    variables: &Variables<'_>,
) -> Result<(String, String), String> {
    render_with(subject, html, &variables.data())
}

/// [`render`] with any data: the test email renders the variables its request gives.
pub fn render_with(subject: &str, html: &str, data: &Value) -> Result<(String, String), String> {
    let data = gotmpl::to_value(data).map_err(|error| error.to_string())?;
    let subject = gotmpl::Template::new("subject")
        .missing_key(MissingKey::Error)
        .max_range_iters(1000)
        .parse(subject)
        .and_then(|template| template.execute_to_string(&data))
        .map_err(|error| format!("subject: {error}"))?;
    let html = gotmpl::html::Template::new("html")
        .missing_key(MissingKey::Error)
        .max_range_iters(1000)
        .parse(html)
        .and_then(|template| template.execute_to_string(&data))
        .map_err(|error| format!("html: {error}"))?;
    Ok((subject, html))
}

/// Checks a template before it is stored: sizes, syntax and variables, by rendering it for a
/// sample user of the app.
pub fn check(app: &App, subject: &str, html: &str) -> Result<(), String> {
    if subject.len() > SUBJECT_LIMIT {
        return Err(format!("subject: {SUBJECT_LIMIT} bytes at most"));
    }
    if html.len() > HTML_LIMIT {
        return Err(format!("html: {HTML_LIMIT} bytes at most"));
    }
    let sample = User {
        id: "sampleuser00000000000001".into(),
        app_id: app.id.clone(),
        email: "sample@example.com".into(),
        phone: String::new(),
        external_id: String::new(),
        status: super::user::UserStatus::Active,
        email_verified: true,
        phone_verified: false,
        user_metadata: None,
        login_count: 0,
        last_login_at: Timestamp::NEVER,
        created_at: Timestamp::NEVER,
        updated_at: Timestamp::NEVER,
    };
    let variables = Variables {
        app,
        user: &sample,
        magic_link: Some("https://example.com/magic?psg_magic_link=sample"),
        otp: Some("123456"),
        ttl_seconds: 300,
        language: "en",
    };
    render(subject, html, &variables).map(|_| ())
}
