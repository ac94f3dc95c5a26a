-- Mentions per local day, channel, topic and brand: share of voice by topic (`/kpis`
-- by_topic) sums these instead of joining a year of topic tags (180 000 at the 10 M-click
-- benchmark) to their mentions. Mentions and their tags are only ever inserted
-- (store::mentions::insert_rows, which adds to these rows in the same transaction); a
-- topic's removal takes its rows with it.
CREATE TABLE mention_topic_days (
    day DATE NOT NULL,
    channel TEXT NOT NULL,
    topic_id BIGINT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    brand_id BIGINT NOT NULL,
    mentions BIGINT NOT NULL,
    PRIMARY KEY (day, channel, topic_id, brand_id)
);

INSERT INTO mention_topic_days (day, channel, topic_id, brand_id, mentions)
SELECT m.day, m.channel, t.topic_id, m.brand_id, COUNT(*)
FROM mention_topics t JOIN mentions m ON m.id = t.mention_id
GROUP BY m.day, m.channel, t.topic_id, m.brand_id;
