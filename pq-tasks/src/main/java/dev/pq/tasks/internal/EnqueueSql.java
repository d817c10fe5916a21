package dev.pq.tasks.internal;

import dev.pq.internal.Sql;

/**
 * The statements of unique keys, groups and bulk enqueue (schema version 6), built like
 * {@link TasksSql}'s with pq-core's {@link Sql#named}. A job without a key or group is written by
 * {@link TasksSql#enqueue}, unchanged.
 */
public final class EnqueueSql {
    public final String enqueueKeyed;
    public final String enqueuePeriod;
    public final String enqueueBulk;
    public final String enqueueBulkPlain;
    public final String enqueueBulkSame;
    public final String uniqueHolder;
    public final String uniqueHolders;
    public final String periodHolder;
    public final String replace;
    public final String startUnique;

    public EnqueueSql(Sql core) {
        // Unique keys (schema version 6). Scopes 1 and 2 are the unique partial index's: a key held
        // by a pending row makes the insert do nothing (after waiting for a concurrent inserter of
        // the same key to commit or roll back), and the holder is then read by a new statement,
        // whose snapshot sees it. Rows with only a group key use the same statement.
        String keyedConflict = "ON CONFLICT (unique_key) WHERE unique_scope IN (1, 2) AND finished_at IS NULL AND failed_at IS NULL DO NOTHING";
        enqueueKeyed = core.named("enqueueKeyed", """
                WITH job AS (
                  INSERT INTO {table} (queue, priority, task, data, schedule_at, expected_at, group_key, unique_key, unique_scope)
                  VALUES (?, ?, ?, CAST(? AS jsonb), {when}, {when}, ?, ?, CAST(? AS smallint))
                  """ + keyedConflict + """
                  RETURNING id)
                SELECT id, {notify}(?, ?) FROM job""");
        uniqueHolder = core.named("uniqueHolder", """
                SELECT id FROM {table} WHERE unique_key = ? AND unique_scope IN (1, 2) AND {pending}""");
        uniqueHolders = core.named("uniqueHolders", """
                SELECT unique_key, id FROM {table} WHERE unique_key = ANY(CAST(? AS text[])) AND unique_scope IN (1, 2) AND {pending}""");
        // A period (scope 3): the key's claim row, taken over only once expired, under that row's
        // lock (ON CONFLICT locks it and sees its latest version); the job is inserted only with it.
        enqueuePeriod = core.named("enqueuePeriod", """
                WITH n AS (SELECT nextval(pg_get_serial_sequence(?, 'id')) AS id),
                claim AS (
                  INSERT INTO {unique} AS u (key, job_id, expires_at)
                  SELECT ?, n.id, clock_timestamp() + CAST(? AS bigint) * interval '1 millisecond' FROM n
                  ON CONFLICT (key) DO UPDATE SET job_id = excluded.job_id, expires_at = excluded.expires_at
                    WHERE u.expires_at <= clock_timestamp()
                  RETURNING job_id),
                job AS (
                  INSERT INTO {table} (id, queue, priority, task, data, schedule_at, expected_at, group_key, unique_key, unique_scope)
                  SELECT claim.job_id, ?, ?, ?, CAST(? AS jsonb), {when}, {when}, ?, ?, 3 FROM claim
                  RETURNING id)
                SELECT id, {notify}(?, ?) FROM job""");
        periodHolder = core.named("periodHolder", """
                SELECT job_id FROM {unique} WHERE key = ? AND expires_at > clock_timestamp()""");
        // Replace mode: the holder's arguments, priority and times, if it is pending and no worker
        // holds it; the transaction-scoped lock on it keeps workers off until this enqueue commits.
        replace = core.named("replace", """
                WITH r AS (
                  UPDATE {table} AS t SET data = CAST(? AS jsonb), priority = ?, schedule_at = {when}, expected_at = {when},
                         group_key = ?
                  WHERE t.id = ? AND {pending.t} AND pg_try_advisory_xact_lock(?, {lock_key})
                  RETURNING t.id, t.queue)
                SELECT id, {notify}(?, queue) FROM r""");
        // Many jobs in one statement; duplicates (inside the batch or with existing rows) are
        // skipped and told apart by their keys (ids follow the rows' order: they are drawn in it).
        // Each queue is notified once.
        String bulkInsert = """
                  INSERT INTO {table} (queue, priority, task, data, schedule_at, expected_at, group_key, unique_key, unique_scope)
                  SELECT q, p, t, CAST(d AS jsonb),
                         COALESCE(CAST(sa AS timestamptz), clock_timestamp() + si * interval '1 microsecond'),
                         COALESCE(CAST(ea AS timestamptz), clock_timestamp() + ei * interval '1 microsecond'), g, k, s
                  FROM unnest(CAST(? AS text[]), CAST(? AS smallint[]), CAST(? AS text[]), CAST(? AS text[]),
                              CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS bigint[]),
                              CAST(? AS text[]), CAST(? AS text[]), CAST(? AS smallint[]))
                       WITH ORDINALITY AS u(q, p, t, d, sa, si, ea, ei, g, k, s, n)
                  ORDER BY n
                """;
        enqueueBulk = core.named("enqueueBulk", "WITH job AS (" + bulkInsert + keyedConflict + """
                  RETURNING id, unique_key, queue),
                nq AS (SELECT DISTINCT queue FROM job)
                SELECT array_agg(id ORDER BY id), array_agg(unique_key ORDER BY id),
                       (SELECT count({notify}(?, queue)) FROM nq) FROM job""");
        // A batch without unique keys: no arbiter index to check, the ids in one array.
        enqueueBulkPlain = core.named("enqueueBulkPlain", "WITH job AS (" + bulkInsert + """
                  RETURNING id, queue),
                nq AS (SELECT DISTINCT queue FROM job)
                SELECT array_agg(id ORDER BY id), NULL, (SELECT count({notify}(?, queue)) FROM nq) FROM job""");
        // Many calls of one task with the same options and no key or group (Que's bulk_enqueue):
        // pq-core's putAll shape (the schedule values once, the rows in the array's order without a
        // sort), the arguments the only array.
        enqueueBulkSame = core.named("enqueueBulkSame", """
                WITH w AS MATERIALIZED (SELECT {when} AS s, {when} AS e),
                job AS (
                  INSERT INTO {table} (queue, priority, task, data, schedule_at, expected_at)
                  SELECT ?, ?, ?, CAST(d AS jsonb), w.s, w.e FROM w, unnest(CAST(? AS text[])) AS u(d)
                  RETURNING id)
                SELECT (SELECT array_agg(id ORDER BY id) FROM job), {notify}(?, ?)""");
        // A job unique while it waits leaves the key when its run starts; the run then requires the
        // row version this writes.
        startUnique = core.named("startUnique", """
                UPDATE {table} AS t SET unique_scope = 0 WHERE t.id = ? AND t.xmin = CAST(CAST(? AS text) AS xid) AND {pending.t}
                RETURNING CAST(CAST(t.xmin AS text) AS bigint)""");

    }
}
