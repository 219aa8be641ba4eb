-- Chunked uploads in progress (Nextcloud's /remote.php/dav/uploads/{user}/{transferId}):
-- each chunk is a blob of its own until the final MOVE streams them into the file.
-- Uploads older than 24 hours are purged with their chunks' blobs.

CREATE TABLE files_uploads (
    id           BIGINT        PRIMARY KEY,
    owner_id     BIGINT        NOT NULL,
    transfer_id  VARCHAR(255)  NOT NULL,
    destination  VARCHAR(4096),
    total_length BIGINT,
    created_at   BIGINT        NOT NULL
);
CREATE UNIQUE INDEX files_uploads_transfer ON files_uploads (owner_id, transfer_id);
CREATE INDEX files_uploads_created ON files_uploads (created_at);

CREATE TABLE files_upload_chunks (
    upload_id BIGINT       NOT NULL REFERENCES files_uploads (id),
    name      VARCHAR(255) NOT NULL,
    blob_id   VARCHAR(64)  NOT NULL,
    size      BIGINT       NOT NULL,
    PRIMARY KEY (upload_id, name)
);
