-- Order ids reported with a publishable key (public by design: it sits in the website's
-- pages) live apart from those reported by the backend, CRM imports and full keys: a
-- guessed order id sent from a browser must not occupy the real order's (kind, external_id)
-- and steal or void its attribution. A full key's report of the same id replaces the
-- publishable one (store::conversions::record_within).
ALTER TABLE conversions ADD COLUMN public_external_id TEXT;
CREATE UNIQUE INDEX conversions_public_external ON conversions (kind, public_external_id);
UPDATE conversions
SET public_external_id = external_id, external_id = NULL
WHERE external_id IS NOT NULL
  AND api_key_id IN (SELECT id FROM api_keys WHERE scope = 'publishable');
