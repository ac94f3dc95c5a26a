CREATE INDEX clicks_share_time ON clicks (share_id, occurred_at);
ALTER TABLE click_visitors DROP COLUMN human;
