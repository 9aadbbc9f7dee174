-- The dashboard's language each admin user chose on their account page ('nl', 'en'); NULL: the
-- browser's Accept-Language decides, else the shop's SHAREBACK_LOCALE.
ALTER TABLE admin_users ADD COLUMN locale TEXT;
