-- Each person's own settings for a conversation (docs/api/chat.md "Mute, favourite, archive"):
-- muted: no mention badge (mentions reported as 0), unread still counted;
-- favourite: listed first; archived: cleared by the next message posted in the conversation.
ALTER TABLE chat_members ADD COLUMN muted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE chat_members ADD COLUMN favourite BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE chat_members ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;

-- Identity groups a conversation follows: people added to the group join it, people removed
-- from the group leave it (unless another linked group still holds them). Deleting the group
-- unlinks it; the members stay.
CREATE TABLE chat_group_links (
    conversation_id BIGINT NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
    group_id        BIGINT NOT NULL REFERENCES identity_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, group_id)
);
CREATE INDEX chat_group_links_group ON chat_group_links (group_id);
