package dev.pq.tasks.internal;

import dev.pq.internal.Sql;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The statements of concurrency and rate limits (issue 11), built like {@link TasksSql}'s with
 * pq-core's {@link Sql#named} (kept apart only so that TasksSql stays within its size). None of
 * them runs for a worker that configures no limit: its lock and release statements are TasksSql's,
 * unchanged.
 */
public final class LimitsSql {
    /**
     * The first key of the slot locks of concurrency limits: a class of its own per table, so a
     * slot lock can never be taken for a job lock (or the application's advisory locks).
     */
    public final int slotClass;
    public final String lockLimited;
    public final String unlockLimited;
    public final String relockSlots;
    public final String rateEnsure;
    public final String rateGrant;
    public final String rateReturn;
    public final String rateNext;
    public final String rateStamp;

    public LimitsSql(Sql core) {
        CRC32 crc = new CRC32();
        crc.update((core.display + " concurrency slots").getBytes(StandardCharsets.UTF_8));
        slotClass = (int) crc.getValue();

        // The limited lock. Candidates as in TasksSql.lock, each with what its queue's limits ask:
        // a slot of a concurrency limit (slots > 0, under the key skey: the limit's name, plus the
        // group key for per-group limits), whether it counts against the threads free now (lim),
        // and up to two budgets (b1: this process's maxRunning for the queue, b2: a rate's grants;
        // budget 1 is "none"). The walk takes the candidates one by one, in order, carrying what it
        // has taken; each step is one CASE, evaluated once (the OFFSET 0 fence), in this order:
        //   0 no free thread for a limited job / 5 budget spent: skipped, nothing locked;
        //   1 job lock taken by another session: skipped;
        //   2 job locked, no slot needed;
        //   3 job locked and slot r[2] taken (slots tried from a per-job offset, never one this
        //     session holds already: session locks are re-entrant, a second hold would not count);
        //   4 no slot free: the job's lock is released again in the same step.
        // The walk stops once `want` jobs are locked, so only handed-out jobs hold locks.
        lockLimited = core.named("lockLimited", """
                WITH RECURSIVE cand AS MATERIALIZED (
                  SELECT j.id, q.ord, j.priority, j.expected_at,
                         CASE WHEN q.slots > 0 AND (q.task IS NULL OR j.task = q.task) THEN q.slots ELSE 0 END AS slots,
                         q.lname || CASE WHEN q.per_group THEN E'\\n' || COALESCE(j.group_key, '') ELSE '' END AS skey,
                         q.lim OR (q.slots > 0 AND (q.task IS NULL OR j.task = q.task)) AS lim, q.b1, q.b2
                  FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS int[]), CAST(? AS text[]),
                              CAST(? AS boolean[]), CAST(? AS boolean[]), CAST(? AS int[]), CAST(? AS int[]))
                       WITH ORDINALITY AS q(name, task, slots, lname, per_group, lim, b1, b2, ord)
                  CROSS JOIN LATERAL (
                    (SELECT id, priority, expected_at, task, group_key FROM {table}
                     WHERE queue = q.name AND schedule_at IS NULL AND {pending}
                       AND priority <= ? AND id <> ALL(CAST(? AS bigint[]))
                     ORDER BY priority, expected_at, id LIMIT ?)
                    UNION ALL
                    (SELECT id, priority, expected_at, task, group_key FROM {table}
                     WHERE queue = q.name AND schedule_at <= statement_timestamp() AND {pending}
                       AND priority <= ? AND id <> ALL(CAST(? AS bigint[]))
                     ORDER BY priority, expected_at, id LIMIT ?)
                    ORDER BY priority, expected_at, id LIMIT ?) AS j),
                c AS (
                  SELECT array_agg(id ORDER BY ord, priority, expected_at, id) AS ids,
                         array_agg(slots ORDER BY ord, priority, expected_at, id) AS slots,
                         array_agg(skey ORDER BY ord, priority, expected_at, id) AS skeys,
                         array_agg(lim ORDER BY ord, priority, expected_at, id) AS lims,
                         array_agg(b1 ORDER BY ord, priority, expected_at, id) AS b1s,
                         array_agg(b2 ORDER BY ord, priority, expected_at, id) AS b2s,
                         count(*) AS n, CAST(? AS int[]) AS budget FROM cand),
                walk AS (
                  SELECT 0 AS i, CAST(NULL AS bigint) AS jid, CAST(NULL AS int[]) AS r, 0 AS got, 0 AS lim,
                         CAST(? AS int[]) AS used, CAST(? AS int[]) AS taken
                  UNION ALL
                  SELECT w.i + 1, x.id, x.r,
                         w.got + CASE WHEN x.r[1] IN (2, 3) THEN 1 ELSE 0 END,
                         w.lim + CASE WHEN x.r[1] IN (2, 3) AND x.lim THEN 1 ELSE 0 END,
                         CASE WHEN x.r[1] IN (2, 3) AND (x.b1 > 1 OR x.b2 > 1)
                              THEN (SELECT array_agg(CASE WHEN o IN (x.b1, x.b2) AND o > 1 THEN u + 1 ELSE u END ORDER BY o)
                                    FROM unnest(w.used) WITH ORDINALITY AS t(u, o))
                              ELSE w.used END,
                         CASE WHEN x.r[1] = 3 THEN w.taken || x.r[2] ELSE w.taken END
                  FROM walk AS w CROSS JOIN c
                  CROSS JOIN LATERAL (
                    SELECT p.id, p.lim, p.b1, p.b2, CASE
                      WHEN p.lim AND w.lim >= ? THEN ARRAY[0, 0]
                      WHEN (p.b1 > 1 AND w.used[p.b1] >= c.budget[p.b1]) OR (p.b2 > 1 AND w.used[p.b2] >= c.budget[p.b2])
                        THEN ARRAY[5, 0]
                      WHEN NOT pg_try_advisory_lock(?, {lock_key}) THEN ARRAY[1, 0]
                      WHEN p.slots = 0 THEN ARRAY[2, 0]
                      ELSE COALESCE(
                        (SELECT ARRAY[3, s.k] FROM generate_series(0, p.slots - 1) AS g(n)
                         CROSS JOIN LATERAL (SELECT hashtext(p.skey || E'\\n' || ((g.n + p.id) % p.slots)) AS k) AS s
                         WHERE CASE WHEN s.k = ANY(w.taken) THEN false ELSE pg_try_advisory_lock(?, s.k) END
                         LIMIT 1),
                        ARRAY[4, CASE WHEN pg_advisory_unlock(?, {lock_key}) THEN 0 ELSE -1 END])
                      END AS r
                    FROM (SELECT c.ids[w.i + 1] AS id, c.slots[w.i + 1] AS slots, c.skeys[w.i + 1] AS skey,
                                 c.lims[w.i + 1] AS lim, c.b1s[w.i + 1] AS b1, c.b2s[w.i + 1] AS b2) AS p
                    OFFSET 0) AS x
                  WHERE w.i < c.n AND w.got < ?)
                SELECT w.jid, w.r[1], w.r[2], c.n FROM c LEFT JOIN walk AS w ON w.i > 0 ORDER BY w.i""");

        // Releases finished (or given back) jobs with their slots, and tells the other workers of
        // their queues: one of them may be waiting for a slot these jobs held.
        unlockLimited = core.named("unlockLimited", """
                SELECT (SELECT count(*) FILTER (WHERE pg_advisory_unlock(?, {lock_key})) FROM unnest(CAST(? AS bigint[])) AS u(id)),
                       (SELECT count(*) FILTER (WHERE pg_advisory_unlock(?, k)) FROM unnest(CAST(? AS int[])) AS s(k)),
                       (SELECT count({notify}(?, q)) FROM unnest(CAST(? AS text[])) AS n(q))""");
        relockSlots = core.named("relockSlots", """
                SELECT k FROM unnest(CAST(? AS int[])) AS s(k) WHERE pg_try_advisory_lock(?, k)""");

        // Rate slots: a rate of N per period is N rows; a start takes a row last used at least a
        // period ago and sets it to now, so no window of one period ever holds more than N grants.
        rateEnsure = core.named("rateEnsure", """
                INSERT INTO {rate_slots} (name, slot) SELECT ?, s FROM generate_series(0, ? - 1) AS s
                ON CONFLICT DO NOTHING""");
        rateGrant = core.named("rateGrant", """
                UPDATE {rate_slots} AS r SET started_at = clock_timestamp()
                FROM (SELECT slot, started_at FROM {rate_slots}
                      WHERE name = ? AND slot < ?
                        AND started_at <= clock_timestamp() - CAST(? AS bigint) * interval '1 microsecond'
                      ORDER BY started_at, slot LIMIT ? FOR UPDATE SKIP LOCKED) AS o
                WHERE r.name = ? AND r.slot = o.slot
                RETURNING r.slot, CAST(o.started_at AS text), CAST(r.started_at AS text)""");
        // Grants not used (fewer jobs locked than granted) go back to their previous time, unless
        // the slot was granted again meanwhile (it cannot be, within a period).
        rateReturn = core.named("rateReturn", """
                UPDATE {rate_slots} AS r SET started_at = CAST(u.prev AS timestamptz)
                FROM unnest(CAST(? AS int[]), CAST(? AS text[]), CAST(? AS text[])) AS u(slot, prev, granted)
                WHERE r.name = ? AND r.slot = u.slot AND r.started_at = CAST(u.granted AS timestamptz)""");
        // A granted job starts: its slot's time moves from the grant to this moment, so the window
        // bounds starts, not only grants (a start comes a hand-off after its grant).
        rateStamp = core.named("rateStamp", """
                UPDATE {rate_slots} SET started_at = clock_timestamp()
                WHERE name = ? AND slot = ? AND started_at = CAST(? AS timestamptz)""");
        // Seconds until the next slot of a rate is free (0 or less: free now).
        rateNext = core.named("rateNext", """
                SELECT EXTRACT(EPOCH FROM min(started_at) + CAST(? AS bigint) * interval '1 microsecond' - clock_timestamp())
                FROM {rate_slots} WHERE name = ? AND slot < ?""");
    }
}
