-- Languages (English or Simplified Chinese): each member's own choice, made at sign-up or
-- with `/profile edit` (NULL until they choose: their Discord client's language is used),
-- and the server's language for directors' screens and the director log (`/setup`).
ALTER TABLE members ADD COLUMN language TEXT CHECK (language IN ('en', 'zh-CN'));
ALTER TABLE guild_settings ADD COLUMN language TEXT CHECK (language IN ('en', 'zh-CN'));
-- A DM has no server: the member's latest choice in any server answers it.
CREATE INDEX members_language_by_user ON members (user_id, updated_at) WHERE language IS NOT NULL;
