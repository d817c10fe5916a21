package dev.pq.tasks.internal;

import dev.pq.internal.Sql;

/**
 * The statements of stats over time (the per-minute and per-hour series and queue depths), built
 * like {@link TasksSql}'s with pq-core's {@link Sql#named}: written by every worker's heartbeat
 * and read by the dashboard and {@code Admin}; none is on a job's path.
 */
public final class SeriesSql {
    public final String addSeries;
    public final String pruneSeries;
    public final String sampleDepth;
    public final String series;
    public final String depth;

    public SeriesSql(Sql core) {
        // Stats over time: one statement per heartbeat adds a worker's buckets (histograms added
        // element by element); each worker prunes and samples the depth once a minute.
        String addHist = "(SELECT array_agg(COALESCE(x, 0) + COALESCE(y, 0) ORDER BY i) "
                + "FROM unnest(s.%1$s, excluded.%1$s) WITH ORDINALITY AS h(x, y, i))";
        addSeries = core.named("addSeries", """
                INSERT INTO {series} AS s (span_s, bucket, queue, task, processed, failed, cancelled, wait_hist, run_hist)
                SELECT sp, b, q, t, p, f, c, CAST(w AS bigint[]), CAST(r AS bigint[])
                FROM unnest(CAST(? AS integer[]), CAST(? AS timestamptz[]), CAST(? AS text[]), CAST(? AS text[]),
                            CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS text[]),
                            CAST(? AS text[])) AS u(sp, b, q, t, p, f, c, w, r)
                ON CONFLICT (span_s, bucket, queue, task) DO UPDATE SET
                  processed = s.processed + excluded.processed, failed = s.failed + excluded.failed,
                  cancelled = s.cancelled + excluded.cancelled,
                  wait_hist = """ + String.format(addHist, "wait_hist") + ", run_hist = " + String.format(addHist, "run_hist"));
        pruneSeries = core.named("pruneSeries", """
                WITH a AS (DELETE FROM {series} WHERE (span_s = 60 AND bucket < clock_timestamp() - CAST(? AS bigint) * interval '1 second')
                             OR (span_s = 3600 AND bucket < clock_timestamp() - CAST(? AS bigint) * interval '1 second') RETURNING 1),
                     b AS (DELETE FROM {depth} WHERE (span_s = 60 AND bucket < clock_timestamp() - CAST(? AS bigint) * interval '1 second')
                             OR (span_s = 3600 AND bucket < clock_timestamp() - CAST(? AS bigint) * interval '1 second') RETURNING 1)
                SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)""");
        // The first worker of each minute counts (the others find the minute sampled); on the hour
        // the same counts are the hour's sample too.
        sampleDepth = core.named("sampleDepth", """
                WITH m AS (SELECT date_trunc('minute', clock_timestamp()) AS at),
                spans AS (SELECT 60 AS span_s, at FROM m UNION ALL SELECT 3600, at FROM m WHERE at = date_trunc('hour', at))
                INSERT INTO {depth} (span_s, bucket, queue, ready, scheduled)
                SELECT spans.span_s, spans.at, d.queue, d.ready, d.scheduled
                FROM spans CROSS JOIN (
                  SELECT queue, count(*) FILTER (WHERE {due}) AS ready, count(*) FILTER (WHERE NOT {due}) AS scheduled
                  FROM {table} WHERE {pending} GROUP BY queue) AS d
                WHERE NOT EXISTS (SELECT 1 FROM {depth} AS x WHERE x.span_s = 60 AND x.bucket = (SELECT at FROM m))
                ON CONFLICT DO NOTHING""");
        series = core.named("series", """
                SELECT bucket, queue, task, processed, failed, cancelled, wait_hist, run_hist FROM {series}
                WHERE span_s = ? AND bucket >= ? AND bucket < ?
                  AND (CAST(? AS text) IS NULL OR queue = ?) AND (CAST(? AS text) IS NULL OR task = ?)
                ORDER BY bucket""");
        depth = core.named("depth", """
                SELECT bucket, queue, ready, scheduled FROM {depth}
                WHERE span_s = ? AND bucket >= ? AND bucket < ? AND (CAST(? AS text) IS NULL OR queue = ?)
                ORDER BY bucket, queue""");
    }
}
