-- Apps' email providers (issue 16; Passage's console "Email Provider"): the settings as JSON.
-- An enabled provider of the emulator's type `smtp` delivers the app's email to its server.
CREATE TABLE email_providers (
    app_id TEXT PRIMARY KEY NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    provider TEXT NOT NULL              -- StoredEmailProvider as JSON
) STRICT;
