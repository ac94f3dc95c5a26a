CREATE INDEX clicks_share_time ON clicks (share_id, occurred_at);
CREATE TABLE click_visitors_plain (
    share_id BIGINT NOT NULL,
    day DATE NOT NULL,
    visitor TEXT NOT NULL,
    PRIMARY KEY (share_id, day, visitor)
);
INSERT INTO click_visitors_plain (share_id, day, visitor)
SELECT share_id, day, visitor FROM click_visitors;
DROP TABLE click_visitors;
ALTER TABLE click_visitors_plain RENAME TO click_visitors;
