-- Guests by link (docs/api/chat.md "Guests"): a group made public has a long random token,
-- and optionally a password (Argon2id, like link passwords). Guests are not accounts: each has
-- an id from the same generator as accounts (so the two never collide) and a session whose
-- SHA-256 is kept here; revoking the link deletes the guests, which ends their sessions.
ALTER TABLE chat_conversations ADD COLUMN link_token VARCHAR(64);
ALTER TABLE chat_conversations ADD COLUMN link_password VARCHAR(200);
CREATE UNIQUE INDEX chat_conversations_link ON chat_conversations (link_token);

CREATE TABLE chat_guests (
    id              BIGINT       PRIMARY KEY,
    conversation_id BIGINT       NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
    name            VARCHAR(400) NOT NULL,
    session_hash    VARCHAR(64)  NOT NULL UNIQUE,
    created_at      BIGINT       NOT NULL,
    expires_at      BIGINT       NOT NULL
);
CREATE INDEX chat_guests_conversation ON chat_guests (conversation_id);
