-- Verified human clicks per facet value, share and local day: the rollup behind
-- /api/v1/breakdowns/{country,device,browser,referrer}, so those reports never scan raw
-- clicks. The click writer keeps it in the transaction that updates click_rollups: for
-- every facet, the values of a (share, day) sum to that rollup's `human`.
--
-- dimension: 1 country, 2 device class, 3 browser, 4 referrer host (codes are never
-- reused). value: the click's value of that facet, '' when unknown (a key column cannot
-- be NULL). The key starts with (dimension, day): a report reads one contiguous range, and
-- the writer's rows of today sit together at the end of each dimension's range, so the
-- writer touches few B-tree pages per batch.
CREATE TABLE click_breakdowns (
    dimension BIGINT NOT NULL,
    day DATE NOT NULL,
    share_id BIGINT NOT NULL REFERENCES shares (id),
    value TEXT NOT NULL,
    human BIGINT NOT NULL,
    PRIMARY KEY (dimension, day, share_id, value)
);

-- The history of an upgraded install: every click stored as human so far.
INSERT INTO click_breakdowns (dimension, day, share_id, value, human)
SELECT 1, day, share_id, COALESCE(country, ''), count(*) FROM clicks
WHERE kind = 'human' GROUP BY day, share_id, COALESCE(country, '');
INSERT INTO click_breakdowns (dimension, day, share_id, value, human)
SELECT 2, day, share_id, COALESCE(device, ''), count(*) FROM clicks
WHERE kind = 'human' GROUP BY day, share_id, COALESCE(device, '');
INSERT INTO click_breakdowns (dimension, day, share_id, value, human)
SELECT 3, day, share_id, COALESCE(browser, ''), count(*) FROM clicks
WHERE kind = 'human' GROUP BY day, share_id, COALESCE(browser, '');
INSERT INTO click_breakdowns (dimension, day, share_id, value, human)
SELECT 4, day, share_id, COALESCE(referrer_host, ''), count(*) FROM clicks
WHERE kind = 'human' GROUP BY day, share_id, COALESCE(referrer_host, '');
