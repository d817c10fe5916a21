-- pq schema version 3: one name per state. A job whose retries are used up (or that its handler
-- failed) is "failed" everywhere: in the API, the CLI, the README, and now in its column, which
-- was named after Que's "expired".
ALTER TABLE ${table} RENAME COLUMN expired_at TO failed_at;
ALTER INDEX ${schema}.${name}_expired_idx RENAME TO ${name}_failed_idx;
