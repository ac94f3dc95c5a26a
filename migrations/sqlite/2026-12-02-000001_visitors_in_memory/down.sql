CREATE TABLE click_visitors (
    share_id BIGINT NOT NULL,
    day DATE NOT NULL,
    visitor TEXT NOT NULL,
    human BIGINT NOT NULL,
    PRIMARY KEY (share_id, day, visitor)
) WITHOUT ROWID;
INSERT INTO click_visitors (share_id, day, visitor, human)
SELECT share_id, day, visitor, count(*) FROM clicks
WHERE kind = 'human'
GROUP BY share_id, day, visitor;
