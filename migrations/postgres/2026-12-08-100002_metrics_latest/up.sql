-- Each share's latest metrics snapshot (by observed_at, then id: the order in which the
-- reports pick "the latest"), once over every source and once leaving out self-reported
-- readings. The engagement boards over a period read it instead of every snapshot of the
-- period: a share whose latest snapshot falls inside the period has that one as its
-- latest in the period; only shares with a later snapshot still read their snapshots.
-- store::snapshots keeps it in the transaction that inserts a snapshot (a new snapshot
-- has the largest id, so it replaces the row when observed at or after it); a share's
-- removal takes its rows with it.
CREATE TABLE metrics_latest (
    share_id BIGINT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    with_self_reported BOOLEAN NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    likes BIGINT NOT NULL,
    comments BIGINT NOT NULL,
    reshares BIGINT NOT NULL,
    impressions BIGINT,
    PRIMARY KEY (share_id, with_self_reported)
);
CREATE INDEX metrics_latest_time ON metrics_latest (with_self_reported, observed_at);

INSERT INTO metrics_latest
    (share_id, with_self_reported, observed_at, likes, comments, reshares, impressions)
SELECT share_id, TRUE, observed_at, likes, comments, reshares, impressions
FROM (
    SELECT m.*, ROW_NUMBER() OVER (PARTITION BY share_id ORDER BY observed_at DESC, id DESC) AS n
    FROM metrics_snapshots m
) latest
WHERE n = 1;
INSERT INTO metrics_latest
    (share_id, with_self_reported, observed_at, likes, comments, reshares, impressions)
SELECT share_id, FALSE, observed_at, likes, comments, reshares, impressions
FROM (
    SELECT m.*, ROW_NUMBER() OVER (PARTITION BY share_id ORDER BY observed_at DESC, id DESC) AS n
    FROM metrics_snapshots m
    WHERE source <> 'self_reported'
) latest
WHERE n = 1;
