-- Apps' email templates (issue 16; Passage's console "Email Templates"): one per type at most.
-- An enabled template is what the inbox message of that type is rendered from (subject and
-- HTML, Go template syntax with Passage's variables).
CREATE TABLE email_templates (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    type TEXT NOT NULL,                  -- magic_link | email_change | email_verify | otp
    enabled INTEGER NOT NULL,
    subject TEXT NOT NULL,
    html TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (app_id, type)
) STRICT;
