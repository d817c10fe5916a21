package dev.pq.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Every SQL statement of pq-core, built once per table, and the fragments pq-tasks shares. Each
 * statement is a text block with a name, sent as a leading comment ({@code /* pq:dequeue *\/}) so it
 * can be found in {@code pg_stat_activity} and server logs; placeholders such as {@code {table}}
 * and {@code {pending}} are filled in by {@link #named}. Only the validated, quoted table and
 * schema names are interpolated; every value is a bound parameter.
 */
public final class Sql {
    /** The condition of a job that is still to be done: not finished, not failed. */
    public static final String PENDING = "finished_at IS NULL AND failed_at IS NULL";

    /** The condition of a pending job that may run now. */
    public static final String DUE = "(schedule_at IS NULL OR schedule_at <= statement_timestamp())";

    /**
     * A time as pq binds it, two parameters: an absolute {@code timestamptz}, else the database's
     * clock plus a number of microseconds (relative times are resolved by the database's clock).
     */
    public static final String WHEN =
            "COALESCE(CAST(? AS timestamptz), clock_timestamp() + CAST(? AS bigint) * interval '1 microsecond')";

    /** The second key of a job's two-int advisory lock, as SQL over the column {@code id}. */
    public static final String LOCK_KEY = "CAST((id % 4294967296) - 2147483648 AS integer)";

    /** The same key as {@code pg_locks.objid} shows it (an oid), over {@code t.id}. */
    public static final String LOCK_OBJID = "CAST(((t.id % 4294967296) + 2147483648) % 4294967296 AS oid)";

    /** How many ready jobs one dequeue considers before asking for more. */
    public static final int DEFAULT_CANDIDATES = 8;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+(?:\\.[a-z]+)?)}");

    public final String schema;
    public final String table;
    /** The quoted, schema-qualified table name. */
    public final String qualified;
    /** The quoted, schema-qualified name of the workers registry table (schema version 2). */
    public final String workers;
    /** The quoted, schema-qualified name of the processed/failed counters table (schema version 2). */
    public final String stats;
    /** The quoted, schema-qualified name of the paused queues table (schema version 5). */
    public final String paused;
    /** The quoted, schema-qualified names of the stats-over-time tables (schema version 5). */
    public final String series;
    public final String depth;
    /** The quoted, schema-qualified names of the unique-period claims and rate-limit slots (schema version 6). */
    public final String uniqueClaims;
    public final String rateSlots;
    /**
     * The quoted, schema-qualified names of the waiters registry and of the function that notifies
     * a queue's channel only when somebody waits on it (schema version 7).
     */
    public final String waiters;
    public final String notifyFunction;
    /** Human-readable qualified name for messages. */
    public final String display;
    /** The NOTIFY channel of this table; the payload is the queue name. */
    public final String channel;
    /** The NOTIFY channel of the table's workers' control messages (pause and resume). */
    public final String control;
    /** The first key of the two-int advisory locks on this table's jobs. */
    public final int lockClass;

    public final String put;
    public final String putAllJson;
    public final String putAllBinary;
    private final String[] dequeue = new String[11];
    private final String[] dequeueKeep = new String[11];
    /** Marks a kept job pending again (a kept get whose payload could not be decoded). */
    public final String unkeep;
    /** Replaces the payload of a kept job (its history shows the new data). */
    public final String updateKept;
    public final String restore;
    /** Notifies a queue's channel if somebody waits on it (the job channel only; control messages always go). */
    public final String notify;
    public final String register;
    public final String unregister;
    public final String cleanWaiters;
    public final String listen;
    /** The live LISTEN backends per queue of the waiters registry, then {@link #listen} again ({@link Stagger}). */
    public final String waiterView;
    public final String queues;
    public final String size;
    public final String clear;
    public final String delete;

    public Sql(String schema, String table) {
        this.schema = schema;
        this.table = table;
        String qs = Identifiers.quote("schema", schema);
        String qt = Identifiers.quote("table", table);
        this.qualified = qs + "." + qt;
        this.display = schema + "." + table;
        this.workers = qs + ".\"" + table + "_workers\"";
        this.stats = qs + ".\"" + table + "_stats\"";
        this.paused = qs + ".\"" + table + "_paused\"";
        this.series = qs + ".\"" + table + "_stats_series\"";
        this.depth = qs + ".\"" + table + "_stats_depth\"";
        this.uniqueClaims = qs + ".\"" + table + "_unique\"";
        this.rateSlots = qs + ".\"" + table + "_rate_slots\"";
        this.waiters = qs + ".\"" + table + "_waiters\"";
        this.notifyFunction = qs + ".\"" + table + "_notify\"";
        CRC32 crc = new CRC32();
        crc.update(display.getBytes(StandardCharsets.UTF_8));
        this.lockClass = (int) crc.getValue();
        this.channel = "pq_" + table + "_" + String.format("%08x", crc.getValue());
        this.control = "pqctl_" + String.format("%08x", crc.getValue());

        // The two hot puts test the waiters inline ({notify_waited}, parameters queue, channel,
        // queue) rather than calling {notify}: the same test without a PL/pgSQL call per statement.
        // The inline test reads the statement's snapshot, the function a fresh one: a waiter
        // registered in between is missed either way and found by its poll (README, "Notify only
        // when somebody waits").
        put = named("put", """
                WITH job AS (
                  INSERT INTO {table} (queue, data, bytes, schedule_at, expected_at)
                  VALUES (?, CAST(? AS jsonb), ?, {when}, {when})
                  RETURNING id)
                SELECT id, {notify_waited} FROM job""");

        // putAll: the schedule values once per statement (w), then one row per array element in
        // the array's order (a function scan reads unnest's rows in order, and an INSERT never runs
        // in parallel), so the ids ascend with the items: no sort of the input (2026-12-07, 1,000
        // rows: 78% -> 83-86% of a raw COPY; PutTest checks the order, alone and under concurrent batches).
        String putAll = """
                WITH w AS MATERIALIZED (SELECT {when} AS s, {when} AS e),
                job AS (
                  INSERT INTO {table} (queue, data, bytes, schedule_at, expected_at)
                  SELECT ?, %s, w.s, w.e FROM w, unnest(CAST(? AS %s)) AS u(p)
                  RETURNING id)
                SELECT (SELECT array_agg(id ORDER BY id) FROM job), {notify_waited}""";
        putAllJson = named("putAllJson", String.format(putAll, "CAST(p AS jsonb), NULL", "text[]"));
        putAllBinary = named("putAllBinary", String.format(putAll, "NULL, p", "bytea[]"));

        // Candidates: ready jobs in order (expectedAt first, nulls last, then FIFO), from the two
        // partial indexes: never-scheduled jobs, and scheduled jobs now due. The CTE is materialized
        // so the lock below is tried on candidates one by one, in order, and only until one is
        // taken: exactly the job handed out is locked. The DELETE re-checks the row: a job another
        // session removed after this statement's snapshot is skipped (EvalPlanQual), not returned.
        // The limit {K} is literal, not a parameter, so PostgreSQL caches one plan per text.
        String dequeueTemplate = """
                WITH cand AS MATERIALIZED (
                  (SELECT id, priority, expected_at FROM {table}
                   WHERE queue = ? AND schedule_at IS NULL AND {pending}
                   ORDER BY priority, expected_at, id LIMIT {K})
                  UNION ALL
                  (SELECT id, priority, expected_at FROM {table}
                   WHERE queue = ? AND schedule_at <= statement_timestamp() AND {pending}
                   ORDER BY priority, expected_at, id LIMIT {K})
                  ORDER BY priority, expected_at, id LIMIT {K}),
                pick AS (SELECT id FROM cand WHERE pg_try_advisory_xact_lock(?, {lock_key}) LIMIT 1),
                job AS (
                  {remove} WHERE id = (SELECT id FROM pick) AND {pending}
                  RETURNING id, enqueued_at, schedule_at, expected_at, CAST(data AS text) AS data, bytes,
                            priority, task, error_count, last_error_message, last_error_backtrace)
                SELECT job.id, job.enqueued_at, job.schedule_at, job.expected_at, job.data, job.bytes,
                       (SELECT count(*) FROM cand) AS seen, (SELECT id FROM pick) AS picked,
                       CASE WHEN job.id IS NULL THEN
                         (SELECT EXTRACT(EPOCH FROM min(schedule_at) - clock_timestamp()) FROM {table}
                          WHERE queue = ? AND schedule_at > statement_timestamp() AND {pending}) END AS next_in,
                       job.priority, job.task, job.error_count, job.last_error_message, job.last_error_backtrace
                FROM (VALUES (1)) AS one LEFT JOIN job ON true""";
        // The kept-history get runs the same statement with an UPDATE in place of the DELETE: the
        // row leaves the pending indexes at once (finished_at is set) and stays as history. The
        // UPDATE re-checks the row exactly as the DELETE does.
        String remove = "DELETE FROM {table}";
        String keep = "UPDATE {table} SET dequeued_at = statement_timestamp(), finished_at = statement_timestamp()";
        for (int i = 0; i < dequeue.length; i++) {
            String k = dequeueTemplate.replace("{K}", Integer.toString(DEFAULT_CANDIDATES << i));
            dequeue[i] = named("dequeue", k.replace("{remove}", remove));
            dequeueKeep[i] = named("dequeueKeep", k.replace("{remove}", keep));
        }
        unkeep = named("unkeep", """
                UPDATE {table} SET dequeued_at = NULL, finished_at = NULL
                WHERE id = ? AND queue = ? AND dequeued_at IS NOT NULL""");
        updateKept = named("updateKept", """
                UPDATE {table} SET data = CAST(? AS jsonb), bytes = ?
                WHERE id = ? AND queue = ? AND dequeued_at IS NOT NULL
                RETURNING COALESCE(octet_length(CAST(data AS text)), octet_length(bytes))""");

        restore = named("restore", """
                INSERT INTO {table} (id, queue, enqueued_at, schedule_at, expected_at, data, bytes,
                                     priority, task, error_count, last_error_message, last_error_backtrace)
                VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, ?)""");
        notify = named("notify", "SELECT {notify}(?, ?)");
        // The waiters registry: rows of the LISTEN backend (pid), one per queue it waits on.
        register = named("register", """
                INSERT INTO {waiters} (queue, pid) SELECT q, ? FROM unnest(CAST(? AS text[])) AS u(q)
                ON CONFLICT (queue, pid) DO UPDATE SET since = now()""");
        unregister = named("unregister", "DELETE FROM {waiters} WHERE pid = ? AND queue = ANY (CAST(? AS text[]))");
        // Rows of backends that are gone (a killed process) and of this listener's previous backend.
        cleanWaiters = named("cleanWaiters", """
                DELETE FROM {waiters} WHERE pid = ? OR pid NOT IN (SELECT pid FROM pg_stat_activity)""");
        // the control channel first: the table's own channel is the statement pg_stat_activity shows
        listen = "LISTEN \"" + control + "\";LISTEN \"" + channel + "\"";
        waiterView = named("waiterView", """
                SELECT queue, array_agg(pid ORDER BY pid) FROM {waiters}
                WHERE pid IN (SELECT pid FROM pg_stat_activity) GROUP BY queue""") + ";" + listen;
        queues = named("queues", """
                SELECT queue,
                       count(*) FILTER (WHERE schedule_at IS NULL OR schedule_at <= statement_timestamp()),
                       count(*) FILTER (WHERE schedule_at > statement_timestamp())
                FROM {table} WHERE {pending} GROUP BY queue ORDER BY queue""");
        size = named("size", "SELECT count(*) FROM {table} WHERE queue = ? AND {pending} AND {due}");
        clear = named("clear", "DELETE FROM {table} WHERE queue = ?");
        delete = named("delete", "DELETE FROM {table} WHERE id = ? AND queue = ?");
    }

    /**
     * The dequeue statement for {@code candidates} (a power of two from {@link #DEFAULT_CANDIDATES}
     * to 8192).
     */
    public String dequeue(int candidates) {
        return dequeue(candidates, false);
    }

    /**
     * The dequeue statement for {@code candidates}; with {@code keep}, the kept-history form that
     * marks the row dequeued and finished instead of deleting it.
     */
    public String dequeue(int candidates, boolean keep) {
        int i = Integer.numberOfTrailingZeros(candidates / DEFAULT_CANDIDATES);
        if (candidates < DEFAULT_CANDIDATES || Integer.bitCount(candidates) != 1 || i >= dequeue.length) {
            throw new IllegalArgumentException("candidates must be a power of two from 8 to 8192: " + candidates);
        }
        return keep ? dequeueKeep[i] : dequeue[i];
    }

    /**
     * A named statement of this table: {@code /* pq:name *\/} and {@code text} with its placeholders
     * filled in: {@code {table}}, {@code {workers}}, {@code {stats}}, {@code {paused}}, {@code {series}}, {@code {depth}}, {@code {unique}},
     * {@code {rate_slots}}, {@code {waiters}}, {@code {notify}} (the function: {@code {notify}(channel, queue)}),
     * {@code {notify_waited}} (the function's test inline, parameters queue, channel, queue), {@code {when}},
     * {@code {lock_key}}, {@code {lock_objid}}, and {@code {pending}} / {@code {due}} (with
     * {@code .t} for the columns of alias {@code t}, e.g. {@code {pending.t}}).
     */
    public String named(String name, String text) {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("table", qualified);
        parts.put("workers", workers);
        parts.put("stats", stats);
        parts.put("paused", paused);
        parts.put("series", series);
        parts.put("depth", depth);
        parts.put("unique", uniqueClaims);
        parts.put("rate_slots", rateSlots);
        parts.put("waiters", waiters);
        parts.put("notify", notifyFunction);
        parts.put("notify_waited", "CASE WHEN EXISTS (SELECT 1 FROM " + waiters
                + " w WHERE w.queue = ? OR w.queue = '*') THEN pg_notify(?, ?) END");
        parts.put("when", WHEN);
        parts.put("lock_key", LOCK_KEY);
        parts.put("lock_objid", LOCK_OBJID);
        parts.put("pending", PENDING);
        parts.put("pending.t", qualify(PENDING, "t"));
        parts.put("due", DUE);
        parts.put("due.t", qualify(DUE, "t"));
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder("/* pq:").append(name).append(" */ ");
        while (m.find()) {
            String part = parts.get(m.group(1));
            if (part == null) {
                throw new IllegalArgumentException("statement " + name + ": unknown placeholder " + m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(part));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code condition} with its job columns prefixed by {@code alias}. */
    private static String qualify(String condition, String alias) {
        return condition.replaceAll("\\b(finished_at|failed_at|schedule_at)\\b", alias + ".$1");
    }
}
