DROP TABLE metrics_latest;
