-- Indexes for the KPI report (`/kpis`, twice per admin dashboard):
-- * the own-brand mention texts of a period (brand attribute recognition) by brand and
--   day: without it the brand's every mention (110 000 at the 10 M-click benchmark) was
--   read to keep a month's;
-- * the metrics snapshots of a period with every column the report reads, in the order
--   it reads them, so that no snapshot row is visited (174 000 a year).
CREATE INDEX mentions_brand_day ON mentions (brand_id, day);
CREATE INDEX metrics_snapshots_period ON metrics_snapshots (observed_at, id, share_id, likes, comments, reshares, impressions, source);
