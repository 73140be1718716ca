-- API rate limits per program (issue 13): requests per minute for one token, and for one
-- user over all of their tokens.
ALTER TABLE programs ADD COLUMN api_token_per_minute INTEGER NOT NULL DEFAULT 600;
ALTER TABLE programs ADD COLUMN api_user_per_minute INTEGER NOT NULL DEFAULT 1200;
