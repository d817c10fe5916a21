package dev.pq.tasks;

import dev.pq.PQ;
import dev.pq.tasks.LimitChild.Ledgered;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import org.junit.jupiter.api.BeforeEach;

/** Base of the limit tests: the ledger table, enqueueing ledger jobs, and reading the ledger. */
abstract class LimitTestBase extends ChildProcessTestBase {
    @Override
    protected PQ.Builder builder() {
        return super.builder().poolSize(12); // leave connections to the children
    }

    @BeforeEach
    void createLedger() {
        TestDatabase.execute(LimitChild.Ledger.ddl(schema));
    }

    /** Enqueues jobs {@code from} to {@code from + count - 1} on {@code queue}, in one transaction. */
    protected void enqueue(String queue, int from, int count, long sleepMillis) throws Exception {
        Tasks producer = Tasks.create(pq);
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            Ledgered client = producer.client(Ledgered.class, Enqueue.options().queue(queue).in(c));
            for (int n = from; n < from + count; n++) {
                client.run(n, sleepMillis, null);
            }
            c.commit();
        }
    }

    /** The most jobs (of {@code where}, a condition on the ledger) whose [start, finish] overlapped, per partition. */
    protected long maxOverlap(String where, String partition) {
        String by = partition == null ? "" : "PARTITION BY " + partition + " ";
        return count("SELECT COALESCE(max(running), 0) FROM (SELECT sum(d) OVER (" + by + "ORDER BY at, d) AS running "
                + "FROM (SELECT started_at AS at, 1 AS d" + (partition == null ? "" : ", " + partition)
                + " FROM " + schema + ".ledger WHERE " + where
                + " UNION ALL SELECT finished_at, -1" + (partition == null ? "" : ", " + partition)
                + " FROM " + schema + ".ledger WHERE finished_at IS NOT NULL AND " + where + ") AS e) AS x");
    }

    /** Jobs in the ledger that finished (their transactions committed). */
    protected long finished(String where) {
        return count("SELECT count(*) FROM " + schema + ".ledger WHERE finished_at IS NOT NULL AND " + where);
    }

    /** The most starts (by {@code column}) in any window of {@code millis} (windows beginning at a start). */
    protected long maxStartsIn(String column, long millis) {
        return count("SELECT COALESCE(max(n), 0) FROM (SELECT (SELECT count(*) FROM " + schema + ".ledger AS b "
                + "WHERE b." + column + " >= a." + column + " AND b." + column + " < a." + column
                + " + ? * interval '1 millisecond') AS n FROM " + schema + ".ledger AS a) AS w", millis);
    }

    /** Slot locks of concurrency limits held now (any session). */
    protected long slotLocks() {
        int cls = new dev.pq.tasks.internal.LimitsSql(dev.pq.internal.Internals.engine(pq).sql()).slotClass;
        return count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND classid = "
                + "CAST(CAST(? AS bigint) AS oid)", Integer.toUnsignedLong(cls));
    }
}
