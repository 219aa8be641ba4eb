-- In-app notifications (docs/api/notifications.md): what happened, for whom, stored with the
-- values of its message, not its text, so that it is shown in the reader's language.
CREATE TABLE identity_notifications (
    id         BIGINT        PRIMARY KEY,
    account_id BIGINT        NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    -- NotificationKind, lower-case-dash: share-received, file-drop-upload, infected-upload
    kind       VARCHAR(40)   NOT NULL,
    -- the message's values as a JSON array of strings
    params     VARCHAR(4000) NOT NULL,
    -- where the notification leads (an absolute URL), empty for none
    link       VARCHAR(2000) NOT NULL,
    created_at BIGINT        NOT NULL,
    read_at    BIGINT
);
CREATE INDEX identity_notifications_account ON identity_notifications (account_id, id);
