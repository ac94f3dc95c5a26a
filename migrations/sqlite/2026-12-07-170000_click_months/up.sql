-- Hierarchical click rollups: a report over local days [first, last] sums the whole
-- calendar months inside it from monthly rows and only the partial months at its edges
-- from daily rows (domain::period::MonthSplit). At 10 M clicks a year of (share, day)
-- rollups is 4.6 M rows and a year of (facet value, share, day) rows 21 M; the boards and
-- breakdowns summed them per request (up to 4 s; BENCHMARKS.md). Months and days are the
-- local days the daily rows are keyed by, so the sums are exactly the daily ones. The
-- click writer keeps every table here in the transaction that updates click_rollups, from
-- the same deltas.

-- Per (share, month): the top-shares board, and every click board under a filter.
CREATE TABLE click_share_months (
    month DATE NOT NULL,
    share_id BIGINT NOT NULL,
    human BIGINT NOT NULL,
    unique_visitors BIGINT NOT NULL,
    PRIMARY KEY (month, share_id)
) WITHOUT ROWID;

-- Per employee (owner 1) or content item (owner 2) of the shares, by local day (span 1)
-- and by month (span 2, start = the month's first day): the employees-clicks and
-- popular-content boards without a filter. A share's employee and content never change.
CREATE TABLE click_owner_spans (
    owner BIGINT NOT NULL,
    span BIGINT NOT NULL,
    start DATE NOT NULL,
    owner_id BIGINT NOT NULL,
    human BIGINT NOT NULL,
    unique_visitors BIGINT NOT NULL,
    PRIMARY KEY (owner, span, start, owner_id)
) WITHOUT ROWID;

-- Human clicks per facet value (dimensions as in click_breakdowns) and network of the
-- share, by local day (span 1) and month (span 2): the facet breakdowns without a share,
-- campaign or team filter (a network filter is a key column).
CREATE TABLE click_facet_spans (
    dimension BIGINT NOT NULL,
    span BIGINT NOT NULL,
    start DATE NOT NULL,
    network TEXT NOT NULL,
    value TEXT NOT NULL,
    human BIGINT NOT NULL,
    PRIMARY KEY (dimension, span, start, network, value)
) WITHOUT ROWID;

-- The history of an upgraded install, from the daily rows (as the writer, leaving out
-- share-days without a human click: bots and previews only).
INSERT INTO click_share_months (month, share_id, human, unique_visitors)
SELECT substr(r.day, 1, 8) || '01', r.share_id, SUM(r.human), SUM(r.unique_visitors)
FROM click_rollups r
WHERE r.human <> 0 OR r.unique_visitors <> 0
GROUP BY substr(r.day, 1, 8) || '01', r.share_id;

INSERT INTO click_owner_spans (owner, span, start, owner_id, human, unique_visitors)
SELECT 1, 1, r.day, s.employee_id, SUM(r.human), SUM(r.unique_visitors)
FROM click_rollups r JOIN shares s ON s.id = r.share_id
WHERE r.human <> 0 OR r.unique_visitors <> 0
GROUP BY r.day, s.employee_id;
INSERT INTO click_owner_spans (owner, span, start, owner_id, human, unique_visitors)
SELECT 2, 1, r.day, s.content_id, SUM(r.human), SUM(r.unique_visitors)
FROM click_rollups r JOIN shares s ON s.id = r.share_id
WHERE r.human <> 0 OR r.unique_visitors <> 0
GROUP BY r.day, s.content_id;
INSERT INTO click_owner_spans (owner, span, start, owner_id, human, unique_visitors)
SELECT owner, 2, substr(start, 1, 8) || '01', owner_id, SUM(human), SUM(unique_visitors)
FROM click_owner_spans WHERE span = 1
GROUP BY owner, substr(start, 1, 8) || '01', owner_id;

INSERT INTO click_facet_spans (dimension, span, start, network, value, human)
SELECT b.dimension, 1, b.day, s.network, b.value, SUM(b.human)
FROM click_breakdowns b JOIN shares s ON s.id = b.share_id
WHERE b.human <> 0
GROUP BY b.dimension, b.day, s.network, b.value;
INSERT INTO click_facet_spans (dimension, span, start, network, value, human)
SELECT dimension, 2, substr(start, 1, 8) || '01', network, value, SUM(human)
FROM click_facet_spans WHERE span = 1
GROUP BY dimension, substr(start, 1, 8) || '01', network, value;
