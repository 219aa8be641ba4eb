-- Trash and versions.
-- A deleted node is detached from the tree: its parent_id becomes NULL and trashed_at is
-- set, its subtree's rows stay below it untouched. files_trash names it for its owner.
-- Trashed content and old versions still count against the owner's quota.

ALTER TABLE files_nodes ADD COLUMN trashed_at BIGINT;
DROP INDEX files_nodes_root;
CREATE UNIQUE INDEX files_nodes_root ON files_nodes (owner_id) WHERE parent_id IS NULL AND trashed_at IS NULL;

CREATE TABLE files_trash (
    node_id       BIGINT        PRIMARY KEY REFERENCES files_nodes (id),
    owner_id      BIGINT        NOT NULL,
    item_name     VARCHAR(1100) NOT NULL,
    original_path VARCHAR(4096) NOT NULL,
    deleted_at    BIGINT        NOT NULL
);
CREATE UNIQUE INDEX files_trash_item ON files_trash (owner_id, item_name);
CREATE INDEX files_trash_deleted ON files_trash (deleted_at);

-- The previous contents of a file, one row per overwrite; the blob stays in use.
CREATE TABLE files_versions (
    id           BIGINT       PRIMARY KEY,
    owner_id     BIGINT       NOT NULL,
    node_id      BIGINT       NOT NULL REFERENCES files_nodes (id),
    blob_id      VARCHAR(64)  NOT NULL,
    size         BIGINT       NOT NULL,
    mtime        BIGINT       NOT NULL,
    etag         VARCHAR(40)  NOT NULL,
    content_type VARCHAR(255),
    checksums    VARCHAR(400),
    created_at   BIGINT       NOT NULL
);
CREATE INDEX files_versions_node ON files_versions (node_id);
CREATE INDEX files_versions_blob ON files_versions (blob_id);
CREATE INDEX files_versions_owner ON files_versions (owner_id);
