DROP FUNCTION IF EXISTS ${schema}."${name}_notify"(text, text);
DROP TABLE IF EXISTS ${schema}."${name}_waiters";
