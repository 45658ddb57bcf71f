-- Division.NameEN (schema version 4 of the SQLite store too): the English
-- name the geodata generator derives (divisions.csv's name_en); '' until the
-- next seed fills it.
ALTER TABLE divisions ADD COLUMN name_en text NOT NULL DEFAULT '';
