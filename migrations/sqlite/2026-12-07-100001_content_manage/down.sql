DROP TABLE content_texts;
DROP INDEX content_feed_order;
ALTER TABLE content DROP COLUMN pinned;
