-- The phone system's extensions, SIP devices and registrations (issue 6; docs/adr/0023-sip-device-secrets-and-throttle.md).
-- account_id is identity's account id; no foreign key across modules (each module owns its tables).

CREATE TABLE voip_extensions (
    account_id   BIGINT       PRIMARY KEY,
    number       VARCHAR(16)  NOT NULL UNIQUE,
    created_at   BIGINT       NOT NULL
);

-- One row per phone or softphone. The digest needs HA1 = H(username:realm:password), never the password;
-- both HA1s are sealed with the instance master key (AES-256-GCM, bound to the device id), base64 text.
CREATE TABLE voip_devices (
    id           BIGINT        PRIMARY KEY,
    account_id   BIGINT        NOT NULL REFERENCES voip_extensions (account_id) ON DELETE CASCADE,
    username     VARCHAR(64)   NOT NULL UNIQUE,
    label        VARCHAR(100)  NOT NULL,
    realm        VARCHAR(200)  NOT NULL,
    ha1_md5      VARCHAR(200)  NOT NULL,
    ha1_sha256   VARCHAR(200)  NOT NULL,
    created_at   BIGINT        NOT NULL
);
CREATE INDEX voip_devices_account ON voip_devices (account_id);

-- Bindings of a device's address of record to where it can be reached (RFC 3261 §10): the Contact as the phone
-- sent it (echoed byte for byte in the 200), and the transport and source address it came from (NAT, flows).
CREATE TABLE voip_registrations (
    id           BIGINT        PRIMARY KEY,
    device_id    BIGINT        NOT NULL REFERENCES voip_devices (id) ON DELETE CASCADE,
    contact      VARCHAR(1000) NOT NULL,
    contact_uri  VARCHAR(1000) NOT NULL,
    transport    VARCHAR(8)    NOT NULL,
    source       VARCHAR(64)   NOT NULL,
    user_agent   VARCHAR(200)  NOT NULL,
    call_id      VARCHAR(200)  NOT NULL,
    cseq         BIGINT        NOT NULL,
    expires_at   BIGINT        NOT NULL,
    updated_at   BIGINT        NOT NULL,
    UNIQUE (device_id, contact_uri)
);
CREATE INDEX voip_registrations_expiry ON voip_registrations (expires_at);
