-- Attachments (docs/api/chat.md "Attachments", ADR 0027): a message may carry one file of its
-- author's Files. The file stays the author's (in their quota, their versions, their trash);
-- the conversation only points at it, so members read it through chat while they are members.
-- Name, size and type are those of the moment it was attached: what the message showed then.
-- No foreign key to files_nodes: a file deleted in Files leaves the row, and reading it answers
-- "no longer available"; deleting the message drops the row.
CREATE TABLE chat_attachments (
    message_id      BIGINT        PRIMARY KEY REFERENCES chat_messages (id) ON DELETE CASCADE,
    conversation_id BIGINT        NOT NULL,
    file_id         BIGINT        NOT NULL,
    owner_id        BIGINT        NOT NULL,
    name            VARCHAR(1000) NOT NULL,
    size            BIGINT        NOT NULL,
    content_type    VARCHAR(255)  NOT NULL,
    -- a thumbnail can be made (an image or a PDF files' Previews supports)
    preview         BOOLEAN       NOT NULL
);
CREATE INDEX chat_attachments_file ON chat_attachments (file_id);
