-- Uploads the virus scanner found infected, kept for the administrators when
-- antivirus.infected = quarantine (never part of anyone's file tree). The blob stays in the
-- files' blob store, so the storage check counts this table among the blobs' references.
-- (V4 is taken by the console's search and previews.)

CREATE TABLE files_quarantine (
    id          BIGINT         PRIMARY KEY,
    owner_id    BIGINT         NOT NULL,
    path        VARCHAR(4096)  NOT NULL,
    signature   VARCHAR(255)   NOT NULL,
    blob_id     VARCHAR(64)    NOT NULL,
    size        BIGINT         NOT NULL,
    sender      VARCHAR(255)   NOT NULL,
    address     VARCHAR(255)   NOT NULL,
    created_at  BIGINT         NOT NULL
);
CREATE INDEX files_quarantine_created ON files_quarantine (created_at);
