-- The call log (issue 6, docs/api/voip.md "Call log"): one row per call attempt, written by the B2BUA through
-- atrium.voip.CallLog. Ids grow with time, so ordering by id is ordering by start and an id is a page cursor.
-- Accounts and devices are identity's and this module's ids without foreign keys: a call stays in the log when
-- the account or the phone that made it is deleted.
CREATE TABLE voip_calls (
    id              BIGINT       PRIMARY KEY,
    -- the cluster node (cluster.node-id) whose B2BUA holds the call: at start a node closes only its own
    node            INTEGER      NOT NULL,
    sip_call_id     VARCHAR(300) NOT NULL,
    -- the caller: an account and device when one of ours called, else only the number and name it gave
    from_account    BIGINT,
    from_device     BIGINT,
    from_number     VARCHAR(64)  NOT NULL,
    from_name       VARCHAR(200) NOT NULL,
    -- the number dialled, and the account it reached when it is one of ours (with its display name then)
    to_number       VARCHAR(64)  NOT NULL,
    to_account      BIGINT,
    to_name         VARCHAR(200) NOT NULL,
    started_at      BIGINT       NOT NULL,
    ringing_at      BIGINT,
    answered_at     BIGINT,
    answered_device BIGINT,
    -- null while the call is in progress
    ended_at        BIGINT,
    -- answered, busy, no-answer, cancelled, declined, failed; null while in progress
    outcome         VARCHAR(16),
    -- the final SIP status of the call attempt (200, 486, 487, 603 …); null when none was given (a crash)
    sip_code        INTEGER
);
-- "my calls, newest first", both directions
CREATE INDEX voip_calls_from_account ON voip_calls (from_account, id);
CREATE INDEX voip_calls_to_account ON voip_calls (to_account, id);
-- the administrators' filters: by extension (either side) and by date range
CREATE INDEX voip_calls_from_number ON voip_calls (from_number, id);
CREATE INDEX voip_calls_to_number ON voip_calls (to_number, id);
CREATE INDEX voip_calls_started ON voip_calls (started_at);
-- calls in progress (live view, closing a crashed node's calls)
CREATE INDEX voip_calls_open ON voip_calls (node, id) WHERE ended_at IS NULL;

CREATE TABLE voip_call_transfers (
    id       BIGINT      PRIMARY KEY,
    call_id  BIGINT      NOT NULL REFERENCES voip_calls (id) ON DELETE CASCADE,
    at       BIGINT      NOT NULL,
    -- where the call was sent: a number or a SIP URI's user part
    target   VARCHAR(64) NOT NULL,
    -- blind or attended
    kind     VARCHAR(16) NOT NULL
);
CREATE INDEX voip_call_transfers_call ON voip_call_transfers (call_id);

-- When each person last looked at their call history: missed calls ended after it make the badge.
CREATE TABLE voip_calls_seen (
    account_id BIGINT PRIMARY KEY,
    seen_at    BIGINT NOT NULL
);
