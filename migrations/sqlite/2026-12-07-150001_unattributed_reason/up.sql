-- Why a conversion is unattributed (domain::attribution::Unattributed::as_str), stored
-- when it is recorded so pages can say it. Rows recorded before this column existed keep
-- NULL, which reads as "reason unknown"; attributed rows keep NULL too.
ALTER TABLE conversions ADD COLUMN unattributed_reason TEXT;
