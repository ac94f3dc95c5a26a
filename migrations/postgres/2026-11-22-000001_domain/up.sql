-- The whole Chorus domain (DESIGN.md section 2). Written once per backend; the SQLite twin
-- differs only in the primary-key and binary column types.
-- Conventions: ids and counters BIGINT; timestamps are UTC without zone; `day` columns are
-- the local day (configured time zone) so reports group the same way on both engines;
-- enumerations are lowercase TEXT checked by the application.

CREATE TABLE teams (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- An employee is also a user: a login is optional (password_hash NULL = cannot log in).
CREATE TABLE employees (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    team_id BIGINT REFERENCES teams (id),
    role TEXT NOT NULL,
    password_hash TEXT,
    active BOOLEAN NOT NULL,
    leaderboard_opt_in BOOLEAN NOT NULL,
    locale TEXT,
    created_at TIMESTAMP NOT NULL,
    erased_at TIMESTAMP
);
CREATE INDEX employees_team ON employees (team_id);

-- Server-side session records: the cookie carries only an encrypted token, and logging out
-- deletes the row, so a copied cookie dies with the session.
CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    employee_id BIGINT NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_employee ON sessions (employee_id);

-- API keys are stored as SHA-256 of the secret; `prefix` identifies a key in listings.
-- scope: full | publishable (publishable keys may only create conversions).
CREATE TABLE api_keys (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    allowed_origins TEXT,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE social_profiles (
    id BIGSERIAL PRIMARY KEY,
    employee_id BIGINT NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    handle TEXT,
    profile_url TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (employee_id, network)
);

-- source: api | import | self_reported
CREATE TABLE follower_snapshots (
    id BIGSERIAL PRIMARY KEY,
    employee_id BIGINT NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    followers BIGINT NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX follower_snapshots_lookup ON follower_snapshots (employee_id, network, observed_at);

CREATE TABLE campaigns (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    utm_campaign TEXT NOT NULL UNIQUE,
    starts_on DATE,
    ends_on DATE,
    goal TEXT,
    utm_source TEXT,
    utm_medium TEXT,
    utm_overwrite BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    archived_at TIMESTAMP
);

-- origin: curated | employee. click_param = false for destinations (signed URLs) that an
-- extra query parameter would break.
CREATE TABLE content (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    suggested_text TEXT,
    campaign_id BIGINT REFERENCES campaigns (id),
    origin TEXT NOT NULL,
    author_employee_id BIGINT REFERENCES employees (id),
    click_param BOOLEAN NOT NULL,
    preview_title TEXT,
    preview_description TEXT,
    preview_image_url TEXT,
    created_at TIMESTAMP NOT NULL,
    archived_at TIMESTAMP
);
CREATE INDEX content_campaign ON content (campaign_id);
CREATE INDEX content_created ON content (created_at);

-- keywords: one per line, English and Korean alike.
CREATE TABLE topics (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    keywords TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE content_topics (
    content_id BIGINT NOT NULL REFERENCES content (id) ON DELETE CASCADE,
    topic_id BIGINT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    PRIMARY KEY (content_id, topic_id)
);

-- One employee sharing one content item to one network; owns exactly one short link.
-- token is the opaque utm_content value (no personal data in URLs).
CREATE TABLE shares (
    id BIGSERIAL PRIMARY KEY,
    employee_id BIGINT NOT NULL REFERENCES employees (id),
    content_id BIGINT NOT NULL REFERENCES content (id),
    network TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL UNIQUE,
    destination TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    disabled_at TIMESTAMP,
    UNIQUE (employee_id, content_id, network)
);
CREATE INDEX shares_content ON shares (content_id);
CREATE INDEX shares_created ON shares (created_at);

-- One request on a short link. No IP column, by design: `visitor` is a salted daily hash.
-- kind: human | bot | preview | flagged; flag_reason: self | burst | repeat | head | prefetch.
CREATE TABLE clicks (
    id BIGSERIAL PRIMARY KEY,
    click_id TEXT NOT NULL UNIQUE,
    share_id BIGINT NOT NULL REFERENCES shares (id),
    occurred_at TIMESTAMP NOT NULL,
    day DATE NOT NULL,
    visitor TEXT NOT NULL,
    kind TEXT NOT NULL,
    flag_reason TEXT,
    country TEXT,
    region TEXT,
    city TEXT,
    referrer_host TEXT,
    browser TEXT,
    os TEXT,
    device TEXT
);
CREATE INDEX clicks_share_time ON clicks (share_id, occurred_at);
CREATE INDEX clicks_time ON clicks (occurred_at);

-- Per share and local day, updated in the click writer's transaction, so boards never scan
-- raw clicks. human = verified human clicks; unique_visitors = distinct human visitors.
CREATE TABLE click_rollups (
    share_id BIGINT NOT NULL REFERENCES shares (id),
    day DATE NOT NULL,
    human BIGINT NOT NULL,
    unique_visitors BIGINT NOT NULL,
    flagged BIGINT NOT NULL,
    bot BIGINT NOT NULL,
    preview BIGINT NOT NULL,
    PRIMARY KEY (share_id, day)
);
CREATE INDEX click_rollups_day ON click_rollups (day);

-- Distinct human visitors per share and day (hashes only), for exact unique counts.
CREATE TABLE click_visitors (
    share_id BIGINT NOT NULL,
    day DATE NOT NULL,
    visitor TEXT NOT NULL,
    PRIMARY KEY (share_id, day, visitor)
);

-- source: api | import | self_reported
CREATE TABLE metrics_snapshots (
    id BIGSERIAL PRIMARY KEY,
    share_id BIGINT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    likes BIGINT NOT NULL,
    comments BIGINT NOT NULL,
    reshares BIGINT NOT NULL,
    impressions BIGINT,
    observed_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX metrics_snapshots_lookup ON metrics_snapshots (share_id, observed_at);

-- kind: lead | signup | sale | custom name. The attributed click (last click in the window)
-- is denormalised into share/employee/campaign so reports need no joins through clicks.
CREATE TABLE conversions (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    external_id TEXT,
    value_cents BIGINT,
    currency TEXT,
    customer_id TEXT,
    occurred_at TIMESTAMP NOT NULL,
    day DATE NOT NULL,
    click_ref TEXT,
    click_id BIGINT REFERENCES clicks (id),
    share_id BIGINT REFERENCES shares (id),
    employee_id BIGINT REFERENCES employees (id),
    campaign_id BIGINT REFERENCES campaigns (id),
    attributed BOOLEAN NOT NULL,
    api_key_id BIGINT REFERENCES api_keys (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, external_id)
);
CREATE INDEX conversions_time ON conversions (occurred_at);
CREATE INDEX conversions_share ON conversions (share_id);
CREATE INDEX conversions_employee ON conversions (employee_id);

-- Earlier click ids a conversion carried, oldest first (position 0), for first-click and
-- linear attribution and influenced revenue.
CREATE TABLE conversion_touchpoints (
    conversion_id BIGINT NOT NULL REFERENCES conversions (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    click_ref TEXT NOT NULL,
    click_id BIGINT REFERENCES clicks (id),
    share_id BIGINT REFERENCES shares (id),
    employee_id BIGINT REFERENCES employees (id),
    campaign_id BIGINT REFERENCES campaigns (id),
    occurred_at TIMESTAMP,
    PRIMARY KEY (conversion_id, position)
);

-- Landing engagement measured by chorus.js on the company website.
CREATE TABLE landings (
    id BIGSERIAL PRIMARY KEY,
    click_ref TEXT NOT NULL,
    share_id BIGINT REFERENCES shares (id),
    landed_at TIMESTAMP NOT NULL,
    day DATE NOT NULL,
    duration_ms BIGINT,
    pages BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX landings_time ON landings (landed_at);

CREATE TABLE brands (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    own BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- kind: keyword (finds mentions) | attribute (an intended attribute of the own brand)
CREATE TABLE brand_keywords (
    id BIGSERIAL PRIMARY KEY,
    brand_id BIGINT NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
    keyword TEXT NOT NULL,
    kind TEXT NOT NULL,
    UNIQUE (brand_id, kind, keyword)
);

-- kind: post | comment; sentiment: positive | neutral | negative;
-- sentiment_source: given | computed
CREATE TABLE mentions (
    id BIGSERIAL PRIMARY KEY,
    brand_id BIGINT NOT NULL REFERENCES brands (id),
    channel TEXT NOT NULL,
    author TEXT NOT NULL,
    author_reach BIGINT,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,
    sentiment TEXT NOT NULL,
    sentiment_source TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    day DATE NOT NULL,
    url TEXT,
    external_id TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX mentions_brand_time ON mentions (brand_id, occurred_at);
CREATE INDEX mentions_time ON mentions (occurred_at);

CREATE TABLE mention_topics (
    mention_id BIGINT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    topic_id BIGINT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    PRIMARY KEY (mention_id, topic_id)
);

-- Admin-editable sentiment lexicon; polarity is a signed weight.
CREATE TABLE sentiment_words (
    id BIGSERIAL PRIMARY KEY,
    language TEXT NOT NULL,
    word TEXT NOT NULL,
    polarity BIGINT NOT NULL,
    UNIQUE (language, word)
);

CREATE TABLE support_cases (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    first_response_at TIMESTAMP,
    resolved_at TIMESTAMP,
    external_id TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX support_cases_opened ON support_cases (opened_at);

-- Daily salts for visitor hashes; deleted when their day is over.
CREATE TABLE visitor_salts (
    day DATE PRIMARY KEY,
    salt BYTEA NOT NULL
);

-- Secrets every instance must share (cookie key), generated on first start.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY,
    value BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Admin-editable settings (UTM defaults, EMV rates, privacy mode), JSON text values.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
