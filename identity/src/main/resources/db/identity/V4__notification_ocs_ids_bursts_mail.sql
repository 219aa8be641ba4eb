-- Nextcloud's notifications API (docs/api/notifications.md, ADR 0018): its clients keep
-- notification ids as 32-bit ints, ours are 64-bit. Each notification also gets a number (ocs_id),
-- counted per account from 1 and never reused, which is its id in that API.
ALTER TABLE identity_notifications ADD COLUMN ocs_id BIGINT NOT NULL DEFAULT 0;
UPDATE identity_notifications SET ocs_id = (SELECT COUNT(*) FROM identity_notifications older
    WHERE older.account_id = identity_notifications.account_id AND older.id <= identity_notifications.id);
CREATE UNIQUE INDEX identity_notifications_ocs_id ON identity_notifications (account_id, ocs_id);
-- The last number given to each account: deleting its newest notification must not free its number.
CREATE TABLE identity_notification_ocs_ids (
    account_id  BIGINT PRIMARY KEY REFERENCES identity_accounts (id) ON DELETE CASCADE,
    last_ocs_id BIGINT NOT NULL
);
INSERT INTO identity_notification_ocs_ids (account_id, last_ocs_id)
    SELECT account_id, MAX(ocs_id) FROM identity_notifications GROUP BY account_id;

-- Bursts: several events of one source (uploads through one file-drop link) close together make
-- one notification, whose e-mail goes once the source has been quiet for a while.
-- how many events the notification stands for
ALTER TABLE identity_notifications ADD COLUMN item_count INTEGER NOT NULL DEFAULT 1;
-- the message values of each event (the first ones only), a JSON array of arrays of strings
ALTER TABLE identity_notifications ADD COLUMN details TEXT NOT NULL DEFAULT '[]';
-- what coalesces (e.g. "link:123"); empty for a notification that stands alone
ALTER TABLE identity_notifications ADD COLUMN burst_key VARCHAR(200) NOT NULL DEFAULT '';
-- until when another event of the same source joins this notification
ALTER TABLE identity_notifications ADD COLUMN burst_until BIGINT;
-- when its e-mail is due; null once sent, or when none is to be sent
ALTER TABLE identity_notifications ADD COLUMN mail_at BIGINT;
CREATE INDEX identity_notifications_burst ON identity_notifications (account_id, burst_key);
CREATE INDEX identity_notifications_mail ON identity_notifications (mail_at);

-- Each person's choice, per kind, of e-mail besides the in-app notification; no row = the
-- server's default (notify.mail).
CREATE TABLE identity_notification_mail (
    account_id BIGINT      NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    kind       VARCHAR(40) NOT NULL,
    mail       BOOLEAN     NOT NULL,
    PRIMARY KEY (account_id, kind)
);
