DROP TABLE click_facet_spans;
DROP TABLE click_owner_spans;
DROP TABLE click_share_months;
