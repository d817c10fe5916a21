ALTER INDEX ${schema}.${name}_failed_idx RENAME TO ${name}_expired_idx;
ALTER TABLE ${table} RENAME COLUMN failed_at TO expired_at;
