DROP INDEX metrics_snapshots_period;
DROP INDEX mentions_brand_day;
