-- Unique visitors also count each visitor's human clicks, so a scanner-burst demotion
-- knows whether the visitor is still a human visitor without an index on clicks by share;
-- that index (clicks_share_time) was written on every click at a random place and is
-- dropped. Reports read rollups, attribution reads click ids.
ALTER TABLE click_visitors ADD COLUMN human BIGINT NOT NULL DEFAULT 1;
UPDATE click_visitors v SET human = (
    SELECT count(*) FROM clicks c
    WHERE c.share_id = v.share_id AND c.day = v.day AND c.visitor = v.visitor
      AND c.kind = 'human');
ALTER TABLE click_visitors ALTER COLUMN human DROP DEFAULT;
DROP INDEX clicks_share_time;
