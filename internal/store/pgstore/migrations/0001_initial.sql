-- The schema of internal/store (SQLite, version 1) in PostgreSQL. Text that
-- is sorted or matched is in the "C" collation: byte order, as SQLite's,
-- and ILIKE folds ASCII letters only, as SQLite's LIKE does. Ids are given
-- by the store (the next after the largest, under the writers' lock), so
-- the same writes give the same ids as in SQLite, refused writes included.

CREATE TABLE meta (
	key   text PRIMARY KEY,
	value bigint NOT NULL
);
INSERT INTO meta (key, value) VALUES ('data_version', 0);

CREATE TABLE divisions (
	code        text COLLATE "C" PRIMARY KEY CHECK (length(code) = 6),
	name        text COLLATE "C" NOT NULL CHECK (name <> ''),
	level       text NOT NULL CHECK (level IN ('province', 'prefecture', 'county')),
	parent_code text COLLATE "C" REFERENCES divisions (code) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX divisions_parent ON divisions (parent_code);

CREATE TABLE aliases (
	seq           integer PRIMARY KEY,
	written       text NOT NULL,
	province_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
	old_code      text NOT NULL,
	code          text COLLATE "C" NOT NULL REFERENCES divisions (code),
	kind          text NOT NULL,
	year          integer NOT NULL,
	source        text NOT NULL,
	note          text NOT NULL
);
CREATE INDEX aliases_code ON aliases (code);

-- data is a layer in its compact encoding (internal/boundary), as in SQLite.
CREATE TABLE boundary_layers (
	layer      text PRIMARY KEY,
	format     text NOT NULL,
	version    text NOT NULL,
	data       bytea NOT NULL,
	updated_at timestamptz NOT NULL
);

CREATE TABLE unit_statuses (
	status text PRIMARY KEY
);
INSERT INTO unit_statuses (status) VALUES ('active'), ('revoked');

CREATE TABLE programs (
	id         bigint PRIMARY KEY,
	name       text NOT NULL UNIQUE CHECK (name <> ''),
	created_at timestamptz NOT NULL
);

CREATE TABLE imports (
	id           bigint PRIMARY KEY,
	sha256       text NOT NULL CHECK (length(sha256) = 64),
	raw          bytea NOT NULL,
	filename     text NOT NULL,
	program      text NOT NULL,
	batch_number integer NOT NULL,
	units        integer NOT NULL,
	imported_at  timestamptz NOT NULL
);
CREATE INDEX imports_sha256 ON imports (sha256);

CREATE TABLE batches (
	id         bigint PRIMARY KEY,
	program_id bigint NOT NULL REFERENCES programs (id),
	number     integer NOT NULL CHECK (number >= 1),
	name       text NOT NULL,
	doc_number text NOT NULL,
	title      text NOT NULL,
	import_id  bigint NOT NULL REFERENCES imports (id),
	UNIQUE (program_id, number)
);
CREATE INDEX batches_import ON batches (import_id);

CREATE TABLE pilot_units (
	id               bigint PRIMARY KEY,
	batch_id         bigint NOT NULL REFERENCES batches (id),
	code             text COLLATE "C" NOT NULL REFERENCES divisions (code),
	name             text COLLATE "C" NOT NULL,
	level            text NOT NULL,
	province_code    text COLLATE "C" NOT NULL REFERENCES divisions (code),
	comparable_code  text COLLATE "C" REFERENCES divisions (code),
	province_written text NOT NULL,
	written          text COLLATE "C" NOT NULL,
	line             integer NOT NULL,
	rule             text NOT NULL,
	confidence       double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
	status           text NOT NULL REFERENCES unit_statuses (status),
	status_since     timestamptz NOT NULL,
	UNIQUE (batch_id, code)
);
CREATE INDEX pilot_units_code ON pilot_units (code);
CREATE INDEX pilot_units_province ON pilot_units (province_code);
CREATE INDEX pilot_units_comparable ON pilot_units (comparable_code);

CREATE TABLE unit_status_history (
	id        bigint PRIMARY KEY,
	unit_id   bigint NOT NULL REFERENCES pilot_units (id),
	status    text NOT NULL REFERENCES unit_statuses (status),
	reason    text NOT NULL,
	at        timestamptz NOT NULL,
	import_id bigint REFERENCES imports (id)
);
CREATE INDEX unit_status_history_unit ON unit_status_history (unit_id, at);

CREATE TABLE designations (
	id            bigint PRIMARY KEY,
	program_id    bigint NOT NULL REFERENCES programs (id),
	province_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
	written       text NOT NULL,
	kind          text COLLATE "C" NOT NULL CHECK (kind <> ''),
	import_id     bigint NOT NULL REFERENCES imports (id),
	UNIQUE (program_id, province_code, kind)
);
CREATE INDEX designations_province ON designations (province_code);
