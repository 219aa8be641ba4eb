-- The firm's logo, set by an administrator and shown on the public pages of links and on the
-- sign-in page (docs/adr/0016-branding-and-run-time-settings.md). One row (id 1). In the
-- database rather than the blob store or the data directory: replaced atomically in one
-- transaction, the same on every node, and small (re-encoded to at most 1024 pixels a side).
-- Base64 text, because the binary column types of SQLite and PostgreSQL differ.

CREATE TABLE files_branding_logo (
    id            INT           PRIMARY KEY,
    content_type  VARCHAR(32)   NOT NULL,
    etag          VARCHAR(64)   NOT NULL,
    data          TEXT          NOT NULL,
    updated_at    BIGINT        NOT NULL
);
