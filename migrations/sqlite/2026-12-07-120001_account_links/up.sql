-- One-time account links (issue 13): invitations ("invite") and password resets ("reset").
-- The link's token is never stored: token_hash is its SHA-256 (the lookup), and the token is
-- derived from the instance secret and `nonce`, so an admin can show a pending link again
-- while the database alone does not reveal it. One live link per employee and purpose: a
-- new one replaces the old. created_by is the admin who made it (NULL: asked for by e-mail).
CREATE TABLE account_links (
    id INTEGER PRIMARY KEY,
    employee_id BIGINT NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    nonce TEXT NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_links_employee ON account_links (employee_id, purpose);

-- Sessions past their end or idle too long are deleted by range.
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
