ALTER TABLE ${table} RESET (vacuum_index_cleanup);
