-- What happened through a public link (view, download, upload, wrong password), for the
-- share's owner to read (docs/api/sharing.md). Gone with the share.

CREATE TABLE files_share_activity (
    id          BIGINT         PRIMARY KEY,
    share_id    BIGINT         NOT NULL REFERENCES files_shares (id) ON DELETE CASCADE,
    kind        VARCHAR(32)    NOT NULL,
    address     VARCHAR(255)   NOT NULL,
    detail      VARCHAR(4096)  NOT NULL,
    created_at  BIGINT         NOT NULL
);
CREATE INDEX files_share_activity_share ON files_share_activity (share_id, created_at);
