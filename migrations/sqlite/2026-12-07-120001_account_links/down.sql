DROP INDEX sessions_last_seen;
DROP INDEX sessions_expires;
DROP TABLE account_links;
