-- DAV SEARCH of the Nextcloud apps (docs/api/webdav.md): "recently modified" and photo
-- timelines narrow the owner's rows by modification time, photos and videos by content
-- type; favourites are found from their property rather than from every node.
CREATE INDEX files_nodes_mtime ON files_nodes (owner_id, mtime);
CREATE INDEX files_nodes_type ON files_nodes (owner_id, content_type);
CREATE INDEX files_props_name ON files_props (name, ns);
