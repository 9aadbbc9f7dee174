-- German and French beside Dutch and English (issue 14.7): the e-mail tables take the four public
-- languages, and an owner's own wording of the widget's labels, per campaign and language
-- (campaign_labels; a label without a row is the catalogue's, shareback/widget_texts.py).
ALTER TABLE mail_settings DROP CONSTRAINT mail_settings_lang_check,
    ADD CONSTRAINT mail_settings_lang_check CHECK (lang IN ('nl', 'en', 'de', 'fr'));
ALTER TABLE mail_templates DROP CONSTRAINT mail_templates_lang_check,
    ADD CONSTRAINT mail_templates_lang_check CHECK (lang IN ('nl', 'en', 'de', 'fr'));
ALTER TABLE mail_contacts DROP CONSTRAINT mail_contacts_lang_check,
    ADD CONSTRAINT mail_contacts_lang_check CHECK (lang IN ('nl', 'en', 'de', 'fr'));

CREATE TABLE campaign_labels (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en', 'de', 'fr')),
    key TEXT NOT NULL,  -- a widget label (widget_texts.EDITABLE)
    text TEXT NOT NULL,  -- plain text, checked on save; the widget sets it as text, never HTML
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (campaign_id, lang, key)
);
