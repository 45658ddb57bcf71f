-- Alias.ListedUntil (schema version 2 of the SQLite store too): for a
-- history row derived from the GB/T 2260 code tables, the year of the last
-- table that lists the old name; 0 for the other rows.
ALTER TABLE aliases ADD COLUMN listed_until integer NOT NULL DEFAULT 0;
