-- The usage ledger (SPEC §13): one row per story carried by a response with licensed text,
-- written before that response is sent. Quota counters live beside it, so a delivery and the
-- count it uses up are one transaction.

CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  licensee TEXT NOT NULL,
  -- 'token' (a license token's jti), 'feed-key' (a feed key's id) or 'session' (the session's token jti)
  credential_kind TEXT NOT NULL,
  credential TEXT NOT NULL,
  slug TEXT NOT NULL,
  version INTEGER NOT NULL,
  format TEXT NOT NULL,
  receipt TEXT NOT NULL,
  country TEXT
);
CREATE INDEX deliveries_at ON deliveries (at);
CREATE INDEX deliveries_licensee_at ON deliveries (licensee, at);
CREATE INDEX deliveries_story ON deliveries (slug, version, at);
CREATE INDEX deliveries_receipt ON deliveries (receipt);

-- Fixed-window counters per licensee: 'minute:<yyyy-mm-ddThh:mm>' (requests) and 'month:<yyyy-mm>' (stories).
-- `grant_id` names the last request a window admitted, so the rest of that request's batch can tell.
CREATE TABLE quota_usage (
  licensee TEXT NOT NULL,
  window TEXT NOT NULL,
  used INTEGER NOT NULL,
  grant_id TEXT,
  PRIMARY KEY (licensee, window)
);
