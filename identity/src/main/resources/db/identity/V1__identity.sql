-- Accounts, groups, credentials, audit. Portable between SQLite and PostgreSQL:
-- ids are 64-bit numbers made by the application, times are UTC milliseconds.

CREATE TABLE identity_accounts (
    id                  BIGINT PRIMARY KEY,
    login               VARCHAR(64)  NOT NULL UNIQUE,
    display_name        VARCHAR(800) NOT NULL,
    email               VARCHAR(254),
    language            VARCHAR(8)   NOT NULL,
    quota_bytes         BIGINT,
    enabled             BOOLEAN      NOT NULL,
    admin               BOOLEAN      NOT NULL,
    password_hash       VARCHAR(300),
    totp_secret         VARCHAR(64),
    totp_pending_secret VARCHAR(64),
    totp_last_step      BIGINT       NOT NULL DEFAULT 0,
    created_at          BIGINT       NOT NULL,
    last_login_at       BIGINT,
    -- login, name and email lower-cased and stripped of accents by the application, so
    -- "elodie" finds "Élodie" the same way on SQLite (whose LOWER is ASCII-only) and PostgreSQL
    search_text         VARCHAR(1200) NOT NULL
);

CREATE TABLE identity_backup_codes (
    account_id BIGINT      NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    code_hash  VARCHAR(64) NOT NULL,
    PRIMARY KEY (account_id, code_hash)
);

CREATE TABLE identity_groups (
    id           BIGINT      PRIMARY KEY,
    name         VARCHAR(64) NOT NULL UNIQUE,
    require_totp BOOLEAN     NOT NULL,
    created_at   BIGINT      NOT NULL
);

CREATE TABLE identity_group_members (
    group_id   BIGINT NOT NULL REFERENCES identity_groups (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, account_id)
);
CREATE INDEX identity_group_members_account ON identity_group_members (account_id);

CREATE TABLE identity_group_admins (
    group_id   BIGINT NOT NULL REFERENCES identity_groups (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, account_id)
);
CREATE INDEX identity_group_admins_account ON identity_group_admins (account_id);

-- Browser sessions; the token itself is never stored, only its SHA-256.
CREATE TABLE identity_sessions (
    id           BIGINT      PRIMARY KEY,
    token_hash   VARCHAR(64) NOT NULL UNIQUE,
    account_id   BIGINT      NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    state        VARCHAR(32) NOT NULL,
    user_agent   VARCHAR(400),
    address      VARCHAR(64),
    created_at   BIGINT      NOT NULL,
    last_seen_at BIGINT      NOT NULL
);
CREATE INDEX identity_sessions_account ON identity_sessions (account_id);

CREATE TABLE identity_app_passwords (
    id           BIGINT       PRIMARY KEY,
    token_hash   VARCHAR(64)  NOT NULL UNIQUE,
    account_id   BIGINT       NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    name         VARCHAR(200) NOT NULL,
    created_at   BIGINT       NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX identity_app_passwords_account ON identity_app_passwords (account_id);

CREATE TABLE identity_login_failures (
    subject VARCHAR(200) NOT NULL,
    at      BIGINT       NOT NULL
);
CREATE INDEX identity_login_failures_subject ON identity_login_failures (subject, at);

CREATE TABLE identity_settings (
    name  VARCHAR(64)   PRIMARY KEY,
    value VARCHAR(2000) NOT NULL
);

CREATE TABLE identity_audit (
    id      BIGINT        PRIMARY KEY,
    at      BIGINT        NOT NULL,
    actor   VARCHAR(64),
    action  VARCHAR(64)   NOT NULL,
    target  VARCHAR(200),
    address VARCHAR(64),
    detail  VARCHAR(2000)
);
CREATE INDEX identity_audit_action ON identity_audit (action, id);
CREATE INDEX identity_audit_actor ON identity_audit (actor, id);
