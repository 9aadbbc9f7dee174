-- German and French beside Dutch and English (issue 14.7): the e-mail tables take the four public
-- languages (SQLite cannot change a CHECK: each table is rebuilt, its rows copied), and an
-- owner's own wording of the widget's labels, per campaign and language (campaign_labels; a
-- label without a row is the catalogue's, shareback/widget_texts.py).
CREATE TABLE mail_settings_0032 (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id),
    sender TEXT,  -- 'Shop <hello@shop.example>'; NULL: SHAREBACK_EMAIL_FROM
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en', 'de', 'fr')),  -- when the shopper's is unknown
    journeys TEXT NOT NULL,  -- the journeys sent, space-separated
    reminder_days INTEGER NOT NULL CHECK (reminder_days BETWEEN 1 AND 365),
    updated_at TEXT NOT NULL
);
INSERT INTO mail_settings_0032 SELECT campaign_id, sender, lang, journeys, reminder_days, updated_at
FROM mail_settings;
DROP TABLE mail_settings;
ALTER TABLE mail_settings_0032 RENAME TO mail_settings;

CREATE TABLE mail_templates_0032 (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    journey TEXT NOT NULL,
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en', 'de', 'fr')),
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (campaign_id, journey, lang)
);
INSERT INTO mail_templates_0032 SELECT campaign_id, journey, lang, subject, text_body, html_body,
updated_at FROM mail_templates;
DROP TABLE mail_templates;
ALTER TABLE mail_templates_0032 RENAME TO mail_templates;

CREATE TABLE mail_contacts_0032 (
    email_key TEXT PRIMARY KEY,
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en', 'de', 'fr')),
    updated_at TEXT NOT NULL
);
INSERT INTO mail_contacts_0032 SELECT email_key, lang, updated_at FROM mail_contacts;
DROP TABLE mail_contacts;
ALTER TABLE mail_contacts_0032 RENAME TO mail_contacts;

CREATE TABLE campaign_labels (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en', 'de', 'fr')),
    key TEXT NOT NULL,  -- a widget label (widget_texts.EDITABLE)
    text TEXT NOT NULL,  -- plain text, checked on save; the widget sets it as text, never HTML
    updated_at TEXT NOT NULL,
    PRIMARY KEY (campaign_id, lang, key)
);
