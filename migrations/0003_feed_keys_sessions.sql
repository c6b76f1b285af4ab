-- Feed keys (SPEC §11) and desk sessions (SPEC §12). Neither is part of a snapshot: both are read
-- per request by their hash, so issuing, revoking or signing out takes effect at once everywhere.

-- A feed key is a capability URL: the store keeps the SHA-256 of the key, never the key itself.
CREATE TABLE feed_keys (
  id TEXT PRIMARY KEY,
  licensee TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL DEFAULT '',
  -- JSON array of feed ids ("*": every feed the licensee holds).
  feeds TEXT NOT NULL,
  created TEXT NOT NULL,
  expires TEXT,
  revoked TEXT,
  last_used TEXT,
  -- Sharing (SPEC §11): the last UTC day the key went past the licensee's threshold, with its count;
  -- `shared` is set when the licensee's action is "suspend" (the key answers 410 from then on).
  flagged_day TEXT,
  flagged_networks INTEGER,
  shared TEXT
);
CREATE INDEX feed_keys_licensee ON feed_keys (licensee, created);

-- Who used a key on one UTC day: network prefixes (IPv4 /24, IPv6 /48, or "cloud:<reader>"), never
-- raw addresses, and User-Agents. Rows of earlier days are deleted as a key is used.
CREATE TABLE feed_key_clients (
  key_id TEXT NOT NULL,
  day TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  subscribers INTEGER,
  PRIMARY KEY (key_id, day, kind, value)
);

-- Desk sessions: the SHA-256 of the opaque cookie value, and what the license token said when it
-- signed in (enough to judge every later request without keeping the token).
CREATE TABLE desk_sessions (
  hash TEXT PRIMARY KEY,
  licensee TEXT NOT NULL,
  iss TEXT NOT NULL,
  sub TEXT NOT NULL,
  jti TEXT NOT NULL,
  feeds TEXT NOT NULL,
  iat INTEGER NOT NULL,
  -- Seconds since the epoch: the session's end (never later than the token's exp, at most 12 h).
  exp INTEGER NOT NULL,
  token_exp INTEGER NOT NULL,
  created TEXT NOT NULL
);
CREATE INDEX desk_sessions_exp ON desk_sessions (exp);
