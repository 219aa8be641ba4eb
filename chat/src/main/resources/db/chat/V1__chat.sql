-- Chat (docs/api/chat.md). Ids are made by the application and grow with time, so ordering by
-- id is ordering by creation, and a message id is also a cursor for history and catch-up.
CREATE TABLE chat_conversations (
    id              BIGINT       PRIMARY KEY,
    -- direct (one-to-one) or group
    kind            VARCHAR(10)  NOT NULL,
    -- empty for a one-to-one conversation
    name            VARCHAR(800) NOT NULL,
    -- "<smaller account id>:<larger account id>" for one-to-one: one conversation per pair
    direct_key      VARCHAR(50)  UNIQUE,
    -- only owners and moderators may post
    read_only       BOOLEAN      NOT NULL,
    created_by      BIGINT       NOT NULL,
    created_at      BIGINT       NOT NULL,
    -- 0 while empty
    last_message_id BIGINT       NOT NULL
);

CREATE TABLE chat_members (
    conversation_id BIGINT      NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
    account_id      BIGINT      NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    -- owner, moderator or member
    role            VARCHAR(10) NOT NULL,
    joined_at       BIGINT      NOT NULL,
    -- the newest message this member has read, 0 for none
    last_read_id    BIGINT      NOT NULL,
    PRIMARY KEY (conversation_id, account_id)
);
CREATE INDEX chat_members_account ON chat_members (account_id);

CREATE TABLE chat_messages (
    id              BIGINT   PRIMARY KEY,
    conversation_id BIGINT   NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
    -- no foreign key: a message stays when its author's account is deleted
    author_id       BIGINT   NOT NULL,
    -- emptied when the message is deleted
    body            TEXT     NOT NULL,
    reply_to        BIGINT,
    created_at      BIGINT   NOT NULL,
    edited_at       BIGINT,
    deleted_at      BIGINT,
    -- last edit, deletion or reaction: what a reconnecting client must hear about again
    changed_at      BIGINT   NOT NULL
);
CREATE INDEX chat_messages_conversation ON chat_messages (conversation_id, id);
CREATE INDEX chat_messages_changed ON chat_messages (conversation_id, changed_at);

-- Who a message mentions (@login, or every other member for @all), for mention counts.
CREATE TABLE chat_mentions (
    message_id      BIGINT NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
    account_id      BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    PRIMARY KEY (message_id, account_id)
);
CREATE INDEX chat_mentions_account ON chat_mentions (account_id, conversation_id, message_id);

CREATE TABLE chat_reactions (
    message_id BIGINT      NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
    account_id BIGINT      NOT NULL,
    emoji      VARCHAR(64) NOT NULL,
    created_at BIGINT      NOT NULL,
    PRIMARY KEY (message_id, account_id, emoji)
);
