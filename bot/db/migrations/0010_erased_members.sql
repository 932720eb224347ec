-- Members who erased their data with `/privacy delete`. What directors count about them
-- (check-in statuses, session dates and lengths, matches) stays under an anonymous id,
-- numbered per server (-1, -2, …) in the order they left; this table hands those ids out.
-- Nothing else about the member is kept: no Discord id, no name, no words.
CREATE TABLE erased_members (
    guild_id      INTEGER NOT NULL,
    anonymous_id  INTEGER NOT NULL CHECK (anonymous_id < 0),
    erased_at     TEXT    NOT NULL,
    PRIMARY KEY (guild_id, anonymous_id)
);
