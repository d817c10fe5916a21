DROP TABLE IF EXISTS ${schema}."${name}_paused";
