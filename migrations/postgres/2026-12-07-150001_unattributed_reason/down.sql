ALTER TABLE conversions DROP COLUMN unattributed_reason;
