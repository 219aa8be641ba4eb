-- Shares of every type (docs/adr/0011-sharing-model.md), in one table as Nextcloud's oc_share:
-- share_type 0 user, 1 group, 3 public link, 4 link sent by e-mail. The node is named by id,
-- so renames and moves keep the share; deleting it for good deletes its shares.
CREATE TABLE files_shares (
    id                BIGINT        PRIMARY KEY,
    share_type        INTEGER       NOT NULL,
    node_id           BIGINT        NOT NULL REFERENCES files_nodes (id) ON DELETE CASCADE,
    owner_id          BIGINT        NOT NULL,
    initiator_id      BIGINT        NOT NULL,
    recipient_account BIGINT,
    recipient_group   BIGINT,
    recipient_email   VARCHAR(320),
    permissions       INTEGER       NOT NULL,
    mount_name        VARCHAR(1024),
    token             VARCHAR(64),
    password_hash     VARCHAR(255),
    expire_date       VARCHAR(10),
    download_limit    INTEGER,
    download_count    INTEGER       NOT NULL,
    hide_download     BOOLEAN       NOT NULL,
    label             VARCHAR(255)  NOT NULL,
    note              TEXT          NOT NULL,
    created_at        BIGINT        NOT NULL
);
CREATE UNIQUE INDEX files_shares_token ON files_shares (token);
CREATE INDEX files_shares_node ON files_shares (node_id);
CREATE INDEX files_shares_account ON files_shares (recipient_account);
CREATE INDEX files_shares_group ON files_shares (recipient_group);
CREATE INDEX files_shares_initiator ON files_shares (initiator_id);
CREATE INDEX files_shares_owner ON files_shares (owner_id);

-- A group share as one member keeps it: their own mount name, or that they left it.
CREATE TABLE files_share_members (
    share_id   BIGINT        NOT NULL REFERENCES files_shares (id) ON DELETE CASCADE,
    account_id BIGINT        NOT NULL,
    mount_name VARCHAR(1024),
    left_at    BIGINT,
    PRIMARY KEY (share_id, account_id)
);
