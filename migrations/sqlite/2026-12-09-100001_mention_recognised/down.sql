DROP INDEX mentions_day_facts;
CREATE INDEX mentions_day_facts ON mentions (day, channel, author, brand_id, sentiment);
DROP TABLE recognition_pending;
ALTER TABLE mentions DROP COLUMN recognised;
