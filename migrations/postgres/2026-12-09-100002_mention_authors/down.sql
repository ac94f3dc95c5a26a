DROP INDEX mentions_day_facts;
CREATE INDEX mentions_day_facts ON mentions (day, channel, author, brand_id, sentiment, recognised);
ALTER TABLE mentions DROP COLUMN author_id;
DROP TABLE mention_authors;
