-- Nextcloud Login Flow v2 (docs/api/identity.md): a client starts a flow, a person grants it
-- in a signed-in browser, the client collects an app password by polling. Kept in the
-- database so that a flow survives a restart and works across nodes.
-- Both tokens are stored only as their SHA-256. The app password waits here in clear only
-- between the grant and the client's collection (then it is set to NULL), and a grant
-- never collected is revoked when the flow expires.
CREATE TABLE identity_login_flows (
    id               BIGINT       PRIMARY KEY,
    poll_token_hash  VARCHAR(64)  NOT NULL UNIQUE,
    login_token_hash VARCHAR(64)  NOT NULL UNIQUE,
    -- the client's User-Agent, cleaned; also the name of the app password
    client_name      VARCHAR(200) NOT NULL,
    -- where the flow was started from, to limit the open flows of one address
    address          VARCHAR(64)  NOT NULL,
    -- PENDING, GRANTING, GRANTED, DELIVERED or CANCELLED (LoginFlow.State)
    state            VARCHAR(16)  NOT NULL,
    created_at       BIGINT       NOT NULL,
    expires_at       BIGINT       NOT NULL,
    account_id       BIGINT       REFERENCES identity_accounts (id) ON DELETE CASCADE,
    login_name       VARCHAR(64),
    app_password     VARCHAR(200),
    app_password_id  BIGINT
);
CREATE INDEX identity_login_flows_address ON identity_login_flows (address, expires_at);
CREATE INDEX identity_login_flows_expires ON identity_login_flows (expires_at);
