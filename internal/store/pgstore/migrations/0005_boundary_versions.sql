-- Boundary versions with their provenance (schema version 5 of the SQLite
-- store too): every imported boundary file and the embedded default;
-- boundary_layers stays the copy in use, its version column names the
-- active version.
CREATE TABLE boundary_versions (
	version     text PRIMARY KEY CHECK (version <> ''),
	source      text NOT NULL,
	license     text NOT NULL,
	attribution text NOT NULL,
	filename    text NOT NULL,
	sha256      text NOT NULL,
	report      text NOT NULL,
	format      text NOT NULL CHECK (format <> ''),
	created_at  timestamptz NOT NULL
);
CREATE TABLE boundary_version_layers (
	version text NOT NULL REFERENCES boundary_versions (version),
	layer   text NOT NULL CHECK (layer <> ''),
	data    bytea NOT NULL,
	PRIMARY KEY (version, layer)
);
