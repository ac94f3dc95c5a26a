DROP TABLE click_breakdowns;
