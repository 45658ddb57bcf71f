-- Writes through the web (schema version 3 of the SQLite store too): the
-- reviewer's decisions of an import, the effective date and author of a
-- status change, and the audit log, which a trigger keeps append-only.
ALTER TABLE unit_status_history ADD COLUMN effective_date text NOT NULL DEFAULT '';
ALTER TABLE unit_status_history ADD COLUMN actor text NOT NULL DEFAULT '';

CREATE TABLE import_decisions (
	id            bigint PRIMARY KEY,
	import_id     bigint NOT NULL REFERENCES imports (id),
	line          integer NOT NULL,
	written       text NOT NULL,
	province_code text COLLATE "C" NOT NULL,
	kind          text NOT NULL CHECK (kind IN ('division', 'not_division')),
	code          text COLLATE "C" NOT NULL,
	note          text NOT NULL,
	decided_by    text NOT NULL,
	CHECK ((kind = 'division') = (code <> ''))
);
CREATE INDEX import_decisions_import ON import_decisions (import_id);

CREATE TABLE audit_log (
	id     bigint PRIMARY KEY,
	at     timestamptz NOT NULL,
	actor  text NOT NULL,
	client text NOT NULL,
	action text NOT NULL CHECK (action <> ''),
	target text NOT NULL,
	detail text NOT NULL,
	before text NOT NULL,
	after  text NOT NULL
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
