DROP TRIGGER IF EXISTS ${name}_keep_scheduler ON ${table};
DROP FUNCTION IF EXISTS ${schema}.${name}_keep_scheduler();
DROP INDEX IF EXISTS ${schema}.${name}_one_scheduler_idx;
DROP TABLE IF EXISTS ${schema}."${name}_scheduler_enqueued";
DROP TABLE IF EXISTS ${schema}."${name}_scheduler_runs";
DROP TABLE IF EXISTS ${schema}."${name}_scheduler";
