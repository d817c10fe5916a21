DROP TABLE IF EXISTS ${schema}."${name}_stats_depth";
DROP TABLE IF EXISTS ${schema}."${name}_stats_series";
ALTER TABLE ${table} DROP COLUMN IF EXISTS cancelled_at;
DROP TABLE IF EXISTS ${schema}."${name}_paused";
