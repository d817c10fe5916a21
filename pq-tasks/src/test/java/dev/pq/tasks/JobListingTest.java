package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.Serializers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin reads behind the dashboard: queue counts, ready and scheduled pages, one job by id, failures by task. */
@Timeout(60)
class JobListingTest extends TasksTestBase {
    public interface Shop {
        @Task(queue = "orders")
        void ship(int n) throws InterruptedException;

        @Task(queue = "orders")
        void bill(int n);
    }

    private final CountDownLatch shipping = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseJobs() {
        release.countDown();
    }

    private Tasks tasks() {
        Tasks tasks = Tasks.create(pq);
        tasks.register(Shop.class, new Shop() {
            @Override
            public void ship(int n) throws InterruptedException {
                shipping.countDown();
                release.await();
            }

            @Override
            public void bill(int n) {
                throw new IllegalStateException("card declined for order " + n);
            }
        });
        return tasks;
    }

    @Test
    void queues_countEachStateOfEachQueue_andListPausedQueuesWithoutJobs() throws Exception {
        Tasks tasks = tasks();
        Shop shop = tasks.client(Shop.class);
        for (int i = 0; i < 3; i++) {
            shop.ship(i);
        }
        tasks.client(Shop.class, Enqueue.options().scheduleAt(Duration.ofHours(1))).ship(9);
        shop.bill(1);
        long billed = tasks.lastId();
        exec("UPDATE " + table() + " SET failed_at = now(), error_count = 1 WHERE id = ?", billed);
        shop.bill(2);
        tasks.admin().cancel(tasks.lastId(), "test");
        tasks.admin().pause("idle");
        Worker w = start(Worker.builder(tasks).queues("orders").workerCount(1));
        assertTrue(shipping.await(20, TimeUnit.SECONDS));

        List<QueueSummary> queues = tasks.admin().queues();
        assertEquals(List.of("idle", "orders"), queues.stream().map(QueueSummary::queue).toList());
        QueueSummary idle = queues.get(0);
        assertTrue(idle.paused());
        assertEquals(0, idle.ready());
        QueueSummary orders = queues.get(1);
        assertFalse(orders.paused());
        assertEquals(3, orders.ready(), orders.toString());
        assertEquals(1, orders.scheduled(), orders.toString());
        assertTrue(orders.locked() >= 1, orders.toString());
        assertEquals(1, orders.failed(), orders.toString());
        assertEquals(1, orders.cancelled(), orders.toString());
        assertTrue(orders.oldestReadyAt() != null);

        tasks.admin().pause("*");
        assertTrue(tasks.admin().queues().stream().allMatch(QueueSummary::paused), "a pause of * pauses every queue");
        w.close();
    }

    @Test
    void readyAndScheduled_pageInDequeueOrder_withJsonAndBinaryPayloads() throws Exception {
        Tasks tasks = tasks();
        Shop shop = tasks.client(Shop.class);
        for (int i = 0; i < 5; i++) {
            tasks.client(Shop.class, Enqueue.options().priority(100 - i)).ship(i);
        }
        Instant later = Instant.now().plus(Duration.ofHours(2));
        tasks.client(Shop.class, Enqueue.options().scheduleAt(later)).ship(50);
        tasks.client(Shop.class, Enqueue.options().scheduleAt(later.minusSeconds(3600))).ship(51);
        pq.queue("orders", Serializers.bytes()).put(new byte[] {1, 2, 3});
        shop.bill(7);

        List<JobInfo> first = tasks.admin().ready("orders", 3, 0);
        assertEquals(List.of("[4]", "[3]", "[2]"), first.stream().map(j -> j.json().replace(" ", "")).toList());
        List<JobInfo> rest = tasks.admin().ready("orders", 10, 3);
        assertEquals(4, rest.size(), rest.toString());
        JobInfo binary = rest.stream().filter(j -> j.task() == null).findFirst().orElseThrow();
        assertEquals(null, binary.json());
        assertEquals(3, binary.binaryLength(), binary.toString());
        assertTrue(first.stream().allMatch(j -> j.state() == JobInfo.State.READY && !j.locked()));
        assertEquals(-1, first.get(0).binaryLength());

        List<JobInfo> scheduled = tasks.admin().scheduled(null, 10, 0);
        assertEquals(List.of("[51]", "[50]"), scheduled.stream().map(j -> j.json().replace(" ", "")).toList());
        assertTrue(scheduled.stream().allMatch(j -> j.state() == JobInfo.State.SCHEDULED));
        assertEquals(List.of(), tasks.admin().ready("elsewhere", 10, 0));
        assertThrows(IllegalArgumentException.class, () -> tasks.admin().ready("orders", -1, 0));
    }

    @Test
    void job_readsEveryState_andNothingForAnUnknownId() {
        Tasks tasks = tasks();
        Shop shop = tasks.client(Shop.class);
        shop.bill(1);
        long failed = tasks.lastId();
        exec("UPDATE " + table() + " SET failed_at = now(), error_count = 3, last_error_message = 'boom' WHERE id = ?",
                failed);
        shop.bill(2);
        long cancelled = tasks.lastId();
        tasks.admin().cancel(cancelled, "not wanted");
        shop.bill(3);
        long finished = tasks.lastId();
        exec("UPDATE " + table() + " SET finished_at = now() WHERE id = ?", finished);
        shop.bill(4);
        long ready = tasks.lastId();

        JobInfo f = tasks.admin().job(failed).orElseThrow();
        assertEquals(JobInfo.State.FAILED, f.state());
        assertEquals("boom", f.lastErrorMessage());
        assertEquals(3, f.errorCount());
        assertTrue(f.endedAt() != null);
        assertEquals("Shop.bill", f.task());
        assertEquals(JobInfo.State.CANCELLED, tasks.admin().job(cancelled).orElseThrow().state());
        assertEquals("cancelled: not wanted", tasks.admin().job(cancelled).orElseThrow().lastErrorMessage());
        assertEquals(JobInfo.State.FINISHED, tasks.admin().job(finished).orElseThrow().state());
        assertEquals(JobInfo.State.READY, tasks.admin().job(ready).orElseThrow().state());
        assertTrue(tasks.admin().job(ready + 1000).isEmpty());
    }

    @Test
    void failed_filtersByTask_andRetryAllAndDeleteAllKeepToTheFilter() throws Exception {
        Tasks tasks = tasks();
        Shop shop = tasks.client(Shop.class);
        shop.bill(1);
        long bill1 = tasks.lastId();
        shop.bill(2);
        long bill2 = tasks.lastId();
        shop.ship(1);
        long ship = tasks.lastId();
        exec("UPDATE " + table() + " SET failed_at = now(), error_count = 1");

        assertEquals(List.of(bill1, bill2),
                tasks.admin().failed("orders", "Shop.bill", 10, 0).stream().map(FailedJob::id).toList());
        assertEquals(List.of(ship), tasks.admin().failed(null, "Shop.ship", 10, 0).stream().map(FailedJob::id).toList());
        assertEquals(3, tasks.admin().failed(null, null, 10, 0).size());

        assertEquals(1, tasks.admin().retryAllFailed("orders", "Shop.ship"));
        assertEquals(JobInfo.State.READY, tasks.admin().job(ship).orElseThrow().state());
        assertEquals(0, tasks.admin().deleteAllFailed("other", "Shop.bill"));
        assertEquals(2, tasks.admin().deleteAllFailed(null, "Shop.bill"));
        assertEquals(1, rowCount());
    }
}
