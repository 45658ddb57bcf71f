// Package store keeps pilotmap's persistent data in SQLite: the gazetteer
// (divisions and aliases), boundary layers as opaque blobs, imported notices
// with their raw text, the programs, batches and pilot units they list, the
// status history of every pilot unit, and province designations such as the
// full-promotion provinces.
//
// The rest of pilotmap depends on the Store interface only, and the admin
// routes on Admin (publishing with decisions, status changes, the audit
// log). *SQLite is one implementation, pgstore.Store (PostgreSQL) the
// other; both follow the rules written once in rules.go and pass the
// contract suite of internal/store/storetest. The SQLite store's rules:
//
//   - Every write is one transaction (BEGIN IMMEDIATE): all of it or none.
//   - Every write transaction that changes something increments the data
//     version (table meta), which callers use for cache keys and ETags.
//     Writes that change nothing (re-seeding the same gazetteer, importing the
//     same notice again) leave it alone.
//   - The schema is an ordered list of migrations applied by Open, each in
//     its own transaction and recorded in schema_migrations. A database with a
//     newer schema than the code knows is refused.
//   - Times are stored in UTC as fixed-width RFC 3339 text with microseconds
//     (2006-01-02T15:04:05.000000Z), so text order is time order.
//   - Values always travel as placeholders; the only SQL built at run time
//     comes from small pure functions (see UnitsQuery in rules.go).
//
// Schema (version 5):
//
//	schema_migrations (version PK, name, applied_at)
//	meta              (key PK, value)                      -- data_version
//	divisions         (code PK, name, level, parent_code → divisions, name_en)
//	aliases           (seq PK, written, province_code → divisions, old_code,
//	                   code → divisions, kind, year, source, note,
//	                   listed_until)                       -- v2: listed_until
//	boundary_layers   (layer PK, format, version, data BLOB, updated_at)
//	                                                       -- the layers in use
//	boundary_versions (version PK, source, license, attribution, filename,
//	                   sha256, report, format, created_at)  -- v5
//	boundary_version_layers (version → boundary_versions, layer, data BLOB,
//	                   PK(version, layer))                  -- v5
//	unit_statuses     (status PK)                          -- active, revoked
//	programs          (id PK, name UNIQUE, created_at)
//	imports           (id PK, sha256, raw BLOB, filename, program, batch_number,
//	                   units, imported_at)
//	batches           (id PK, program_id → programs, number, name, doc_number,
//	                   title, import_id → imports, UNIQUE(program_id, number))
//	pilot_units       (id PK, batch_id → batches, code → divisions, name, level,
//	                   province_code → divisions, comparable_code → divisions,
//	                   province_written, written, line, rule, confidence,
//	                   status → unit_statuses, status_since,
//	                   UNIQUE(batch_id, code))
//	unit_status_history (id PK, unit_id → pilot_units, status, reason, at,
//	                   import_id → imports, effective_date, actor) -- v3: the last two
//	import_decisions  (id PK, import_id → imports, line, written, province_code,
//	                   kind, code, note, decided_by)        -- v3: reviewer decisions
//	audit_log         (id PK, at, actor, client, action, target, detail,
//	                   before, after)                       -- v3: append-only (triggers)
//	designations      (id PK, program_id → programs, province_code → divisions,
//	                   written, kind, import_id → imports,
//	                   UNIQUE(program_id, province_code, kind))
package store
