DROP TABLE click_days;
