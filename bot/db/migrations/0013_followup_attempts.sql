-- How many times a "Have you met yet?" prompt was given back because Discord did not answer
-- (a server error, a timeout). Each retry waits longer; after the last one the prompt is
-- recorded as 'unreachable' and the directors are told, once.
ALTER TABLE match_followups ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
