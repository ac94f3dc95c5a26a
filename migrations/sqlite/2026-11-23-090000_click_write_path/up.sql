-- The click writer's transaction should touch as few random B-tree pages per click as
-- possible. Unique visitors move to a WITHOUT ROWID table (one B-tree instead of a rowid
-- table plus its primary-key index) that also counts each visitor's human clicks, so a
-- scanner-burst demotion knows whether the visitor is still a human visitor without an
-- index on clicks by share. That index (clicks_share_time) was written on every click at a
-- random place and is dropped; reports read rollups, attribution reads click ids.
CREATE TABLE click_visitors_counted (
    share_id BIGINT NOT NULL,
    day DATE NOT NULL,
    visitor TEXT NOT NULL,
    human BIGINT NOT NULL,
    PRIMARY KEY (share_id, day, visitor)
) WITHOUT ROWID;
INSERT INTO click_visitors_counted (share_id, day, visitor, human)
SELECT v.share_id, v.day, v.visitor,
       (SELECT count(*) FROM clicks c
        WHERE c.share_id = v.share_id AND c.day = v.day AND c.visitor = v.visitor
          AND c.kind = 'human')
FROM click_visitors v;
DROP TABLE click_visitors;
ALTER TABLE click_visitors_counted RENAME TO click_visitors;
DROP INDEX clicks_share_time;
