package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.pq.tasks.spi.AmbientTransaction;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An enqueue without Enqueue.in joins the ambient transaction when there is one, else uses pq's own. */
class AmbientTransactionTest extends TasksTestBase {
    @Task(queue = "mail")
    public static final class Mail implements JobHandler<String> {
        @Override
        public void run(String to, JobContext job) {
        }
    }

    /** An ambient transaction the test opens and ends itself; pq must leave commit and rollback to it. */
    static final class Ambient implements AmbientTransaction {
        Connection current;
        final List<Connection> released = new ArrayList<>();

        @Override
        public Connection current() {
            return current;
        }

        @Override
        public void release(Connection connection) {
            released.add(connection);
        }
    }

    @Test
    void enqueue_joinsTheAmbientTransaction_andCommitsOrRollsBackWithIt() throws Exception {
        Ambient ambient = new Ambient();
        Tasks tasks = Tasks.builder(pq).ambientTransaction(ambient).build();
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            ambient.current = c;
            long rolledBack = tasks.enqueue(Mail.class, "a@example.com");
            List<Enqueued> bulk = tasks.bulk().add(Mail.class, "b@example.com").add(Mail.class, "c@example.com").enqueue();
            assertNull(row(rolledBack), "not visible before the ambient transaction commits");
            assertEquals(List.of(c, c), ambient.released, "each enqueue released what it took");
            assertEquals(false, c.getAutoCommit(), "pq left auto-commit alone");
            c.rollback();
            assertNull(row(rolledBack));
            assertNull(row(bulk.get(0).id()));

            long committed = tasks.enqueue(Mail.class, "d@example.com");
            c.commit();
            assertNotNull(row(committed));
        }
        ambient.current = null;
        long own = tasks.enqueue(Mail.class, "e@example.com");
        assertNotNull(row(own), "without an ambient transaction the enqueue commits at once");
        assertEquals(3, ambient.released.size());
    }

    @Test
    void explicitConnection_winsOverTheAmbientTransaction() throws Exception {
        Ambient ambient = new Ambient();
        Tasks tasks = Tasks.builder(pq).ambientTransaction(ambient).build();
        try (Connection ambientTx = TestDatabase.connect(); Connection mine = TestDatabase.connect()) {
            ambientTx.setAutoCommit(false);
            ambient.current = ambientTx;
            long id = tasks.enqueue(Mail.class, "f@example.com", Enqueue.options().in(mine)); // mine: auto-commit
            assertNotNull(row(id));
            assertEquals(List.of(), ambient.released, "the ambient transaction was not asked");
            ambientTx.rollback();
            assertNotNull(row(id));
        }
        assertSame(AmbientTransaction.NONE.current(), null);
    }
}
