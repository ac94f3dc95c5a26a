-- Each content item's Open Graph image, fetched once by the server and served from here:
-- the feed never makes employees' browsers load third-party images (tracking, mixed
-- content, a CDN's outage). A failed fetch is recorded too (bytes NULL, failure set) so it
-- is retried only later; a new image URL on the content makes the row stale.
CREATE TABLE content_images (
    content_id BIGINT PRIMARY KEY NOT NULL REFERENCES content (id) ON DELETE CASCADE,
    source_url TEXT NOT NULL,
    content_type TEXT,
    bytes BLOB,
    failure TEXT,
    fetched_at TIMESTAMP NOT NULL
);
