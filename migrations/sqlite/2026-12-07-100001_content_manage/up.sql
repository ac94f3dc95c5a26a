-- Content management (issue 12): a pinned item heads the employee feed, and an item may
-- carry its own suggested text per network (the general suggested_text stays the
-- fallback). Existing rows are unpinned and keep their one text.
ALTER TABLE content ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT 0;

-- The feed orders by (pinned, created_at) over items not archived.
CREATE INDEX content_feed_order ON content (pinned, created_at) WHERE archived_at IS NULL;

CREATE TABLE content_texts (
    content_id BIGINT NOT NULL REFERENCES content (id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (content_id, network)
);
