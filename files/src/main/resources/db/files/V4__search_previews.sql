-- Search by name: the name folded for matching (compatibility decomposition, accents
-- dropped, lower case), written by the application because SQLite and PostgreSQL cannot
-- fold Unicode the same way. NULL until the start-up backfill reaches an older row.
ALTER TABLE files_nodes ADD COLUMN search_name VARCHAR(1024);
CREATE INDEX files_nodes_search ON files_nodes (owner_id, search_name);

-- Thumbnails: one blob per file content (etag) and size, in a blob store of their own
-- (<data>/previews), so that the storage check of the files' blobs never sees them.
CREATE TABLE files_previews (
    node_id      BIGINT       NOT NULL,
    etag         VARCHAR(40)  NOT NULL,
    size         INTEGER      NOT NULL,
    blob_id      VARCHAR(64)  NOT NULL,
    content_type VARCHAR(40)  NOT NULL,
    created_at   BIGINT       NOT NULL,
    PRIMARY KEY (node_id, etag, size)
);
