DROP INDEX conversions_public_external;
UPDATE conversions SET external_id = public_external_id WHERE external_id IS NULL;
ALTER TABLE conversions DROP COLUMN public_external_id;
