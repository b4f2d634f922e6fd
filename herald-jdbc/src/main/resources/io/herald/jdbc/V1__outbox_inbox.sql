-- Herald outbox and inbox, schema version 1, for PostgreSQL 13 or newer.
--
-- Applied once by io.herald.jdbc.schema.HeraldSchema.migrate(dataSource), or by your own tool
-- (the file name follows Flyway's convention). Either way its last statement records version 1 in
-- herald_schema_version, which is how HeraldSchema knows not to apply it again. The tables are
-- created in the first schema of the search_path in force when this runs.

CREATE TABLE IF NOT EXISTS herald_schema_version (
    version    integer     PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- One row per event written by Outbox.publish in the application's transaction. xid is the
-- writing transaction; the relay reads rows in the order of herald_outbox_commit.seq, then id.
CREATE TABLE herald_outbox (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    topic      text        NOT NULL,
    event      bytea       NOT NULL,  -- io.herald.event.EventBinaryFormat
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX herald_outbox_by_xid ON herald_outbox (xid);

-- One row per committing transaction that wrote to the outbox, numbered in commit order.
-- seq is assigned by the trigger below while the transaction holds an advisory lock it keeps until
-- its commit is visible, so a transaction can only get a number after every lower-numbered one
-- has committed or rolled back: no reader ever sees seq n+1 while seq n may still appear.
-- CACHE 1 matters: a sequence cache hands each session its own block of numbers, out of order.
CREATE TABLE herald_outbox_commit (
    seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
    xid xid8   NOT NULL
);

-- Runs at commit (a deferred constraint trigger), once per transaction thanks to a
-- transaction-local setting. The lock makes outbox-writing commits take turns for the length of
-- the commit itself, not of the whole business transaction. The NOTIFY wakes relays when the
-- commit becomes visible. If a caller makes the constraint IMMEDIATE, the lock is taken at the
-- insert and held to the commit instead: slower for concurrent writers, still in commit order.
CREATE FUNCTION herald_outbox_committing() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
AS $$
BEGIN
    IF current_setting('herald.outbox_xid', true) IS DISTINCT FROM pg_current_xact_id()::text THEN
        PERFORM pg_advisory_xact_lock(1212502593, hashtext(TG_TABLE_SCHEMA));
        INSERT INTO herald_outbox_commit (xid) VALUES (pg_current_xact_id());
        PERFORM set_config('herald.outbox_xid', pg_current_xact_id()::text, true);
        PERFORM pg_notify('herald_outbox', TG_TABLE_SCHEMA);
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER herald_outbox_commit_order
    AFTER INSERT ON herald_outbox
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION herald_outbox_committing();

-- One row per event a subscription's handler has taken effect for, written in the handler's
-- transaction by Inbox.handle. Rows older than the inbox's retention are deleted by Inbox.deleteExpired.
CREATE TABLE herald_inbox (
    subscription text        NOT NULL,
    source       text        NOT NULL,
    event_id     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscription, source, event_id)
);
CREATE INDEX herald_inbox_by_processed_at ON herald_inbox (processed_at);

INSERT INTO herald_schema_version (version) VALUES (1);
