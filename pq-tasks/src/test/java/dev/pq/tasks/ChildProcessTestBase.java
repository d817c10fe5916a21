package dev.pq.tasks;

import dev.pq.tasks.ChildWorker.Recorder;
import dev.pq.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of tests that start worker JVMs as child processes: each test gets the table the children
 * record finished jobs in (its primary key makes "exactly once" a database check), and every child
 * still running afterwards is killed.
 */
abstract class ChildProcessTestBase extends TasksTestBase {
    protected final Children children = new Children();

    @BeforeEach
    void createDoneTable() {
        TestDatabase.execute(Recorder.ddl(schema));
    }

    @AfterEach
    void killChildren() {
        children.close();
    }

    /** Jobs the children (or the test's own workers) recorded as done. */
    protected long done() {
        return count("SELECT count(*) FROM " + schema + ".done");
    }
}
