-- Search in messages (docs/api/chat.md "Search"): the body folded for matching (compatibility
-- decomposition, accents dropped, lower case; atrium.core.Fold), written by the application
-- because SQLite and PostgreSQL cannot fold Unicode the same way. Emptied with the body when
-- a message is deleted; NULL until the start-up backfill reaches a message written before.
ALTER TABLE chat_messages ADD COLUMN search_text TEXT;
