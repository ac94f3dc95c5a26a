-- Verified human clicks (and unique visitors, summed over shares as in click_rollups) per
-- local day and network: about a dozen rows a day. /kpis and the network breakdown without
-- a share filter read it instead of joining every (share, day) rollup row to its share
-- (at 10 M clicks, 562 000 rows and ~750 ms for 30 days; BENCHMARKS.md). The click writer
-- keeps it in the transaction that updates click_rollups, from the same deltas.
CREATE TABLE click_days (
    day DATE NOT NULL,
    network TEXT NOT NULL,
    human BIGINT NOT NULL,
    unique_visitors BIGINT NOT NULL,
    PRIMARY KEY (day, network)
) WITHOUT ROWID;

-- The history of an upgraded install.
INSERT INTO click_days (day, network, human, unique_visitors)
SELECT r.day, s.network, SUM(r.human), SUM(r.unique_visitors)
FROM click_rollups r JOIN shares s ON s.id = r.share_id
GROUP BY r.day, s.network;
