-- The file tree: one row per file or folder; content lives in the blob store.
-- A change gives the node and every ancestor a new etag in the same transaction,
-- and folders carry the recursive size of what they hold.

CREATE TABLE files_nodes (
    id           BIGINT        PRIMARY KEY,
    owner_id     BIGINT        NOT NULL,
    parent_id    BIGINT        REFERENCES files_nodes (id),
    name         VARCHAR(1024) NOT NULL,
    folder       BOOLEAN       NOT NULL,
    size         BIGINT        NOT NULL,
    mtime        BIGINT        NOT NULL,
    etag         VARCHAR(40)   NOT NULL,
    blob_id      VARCHAR(64),
    content_type VARCHAR(255),
    checksums    VARCHAR(400),
    created_at   BIGINT        NOT NULL
);
-- Names are compared byte for byte: the sync clients keep NFC and NFD names apart.
CREATE UNIQUE INDEX files_nodes_child ON files_nodes (parent_id, name);
CREATE UNIQUE INDEX files_nodes_root ON files_nodes (owner_id) WHERE parent_id IS NULL;
CREATE INDEX files_nodes_blob ON files_nodes (blob_id);

-- Dead WebDAV properties (PROPPATCH), kept as XML fragments.
CREATE TABLE files_props (
    node_id BIGINT       NOT NULL REFERENCES files_nodes (id) ON DELETE CASCADE,
    ns      VARCHAR(512) NOT NULL,
    name    VARCHAR(255) NOT NULL,
    value   TEXT         NOT NULL,
    PRIMARY KEY (node_id, ns, name)
);
