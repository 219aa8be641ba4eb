-- RFC 3327 Path of a binding: the proxies (Kamailio) a REGISTER came through, comma-joined as received; requests to
-- that contact are routed through them. Empty when the phone registered directly.
ALTER TABLE voip_registrations ADD COLUMN path VARCHAR(2000) NOT NULL DEFAULT '';
