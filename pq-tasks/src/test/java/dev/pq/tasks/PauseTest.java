package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Resque's pause: queues paused in the database for every worker, and one worker paused on its own. */
@Timeout(60)
class PauseTest extends TasksTestBase {
    public interface Shop {
        @Task(queue = "billing")
        void bill(int n);

        @Task(queue = "mail")
        void mail(int n);

        @Task(queue = "slow")
        void hold() throws InterruptedException;
    }

    private final Queue<String> ran = new ConcurrentLinkedQueue<>();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private Tasks tasks;
    private Shop shop;
    private Admin admin;

    @BeforeEach
    void setUp() {
        tasks = Tasks.create(pq).register(Shop.class, new Shop() {
            @Override
            public void bill(int n) {
                ran.add("bill" + n);
            }

            @Override
            public void mail(int n) {
                ran.add("mail" + n);
            }

            @Override
            public void hold() throws InterruptedException {
                holding.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
        });
        shop = tasks.client(Shop.class);
        admin = tasks.admin();
    }

    private Worker worker(int threads) {
        return start(Worker.builder(tasks).queues("*").workerCount(threads).pollInterval(Duration.ofSeconds(30)));
    }

    private long ranOf(String prefix) {
        return ran.stream().filter(s -> s.startsWith(prefix)).count();
    }

    @Test
    void aPausedQueue_keepsItsJobs_stillTakesNewOnes_andOtherQueuesRun() throws InterruptedException {
        assertEquals(1, admin.pause("billing"));
        Worker w = worker(2);
        for (int i = 0; i < 5; i++) {
            shop.bill(i);
            shop.mail(i);
        }
        await("the mail ran", () -> ranOf("mail") == 5);
        // the worker looked at every queue after the mail was enqueued; billing's jobs are all still there
        w.awaitIdle();
        assertEquals(0, ranOf("bill"), "a paused queue's job ran: " + ran);
        assertEquals(5, pq.queue("billing").size(), "the paused queue's jobs stay put");
        assertEquals(List.of("billing"), admin.paused().stream().map(PausedQueue::queue).toList());
    }

    @Test
    void resume_runsThePausedJobsAtOnce_withoutWaitingForThePoll() {
        admin.pause("billing");
        worker(2);
        for (int i = 0; i < 5; i++) {
            shop.bill(i);
        }
        shop.mail(0);
        await("the mail ran", () -> ranOf("mail") == 1);
        assertEquals(0, ranOf("bill"));
        long t0 = System.nanoTime();
        assertEquals(1, admin.resume("billing"));
        await("the billing ran after the resume", Duration.ofSeconds(5), () -> ranOf("bill") == 5);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 5_000, "resume took " + ms + " ms with a 30 s poll interval");
        assertTrue(admin.paused().isEmpty());
    }

    @Test
    void pausingEveryQueue_stopsEveryQueue_andResumingEveryQueue_removesEachPause() {
        admin.pause("mail");
        assertEquals(1, admin.pause(PausedQueue.ALL));
        worker(2);
        shop.bill(1);
        shop.mail(1);
        assertEquals(0, admin.resume("billing"), "billing had no pause of its own; every queue stays paused");
        assertEquals(2, admin.paused().size());
        assertEquals(2, admin.resume("*"));
        await("both ran", () -> ran.size() == 2);
    }

    @Test
    void aPause_outlivesTheWorkers_aNewWorkerObeysIt() throws InterruptedException {
        admin.pause("billing");
        Worker first = worker(1);
        shop.bill(1);
        first.close();
        Worker second = worker(1);
        shop.mail(1);
        await("the new worker ran the mail", () -> ranOf("mail") == 1);
        second.awaitIdle();
        assertEquals(0, ranOf("bill"));
        admin.resume("billing");
        await("billing ran", () -> ranOf("bill") == 1);
    }

    @Test
    void aPauseWrittenWithoutNotification_isSeenAtTheNextPoll() {
        Worker w = start(Worker.builder(tasks).queues("*").workerCount(1).pollInterval(Duration.ofMillis(200)));
        exec("INSERT INTO " + schema + ".queue_paused (queue) VALUES ('billing')"); // no NOTIFY: as if it were missed
        await("the worker read the pause at a poll", Duration.ofSeconds(5), () -> w.obeysPause("billing"));
        shop.bill(1);
        shop.mail(1);
        await("the mail ran", () -> ranOf("mail") == 1);
        assertEquals(0, ranOf("bill"), "a paused queue's job ran");
        exec("DELETE FROM " + schema + ".queue_paused"); // and a resume without notification, likewise
        await("billing ran after a poll", Duration.ofSeconds(5), () -> ranOf("bill") == 1);
    }

    @Test
    void jobsWaitingInTheBuffer_areReleasedWhenTheirQueueIsPaused() throws Exception {
        Worker w = start(Worker.builder(tasks).queues("slow", "billing").workerCount(1).maximumBufferSize(8)
                .pollInterval(Duration.ofSeconds(30)));
        shop.hold();
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 4; i++) {
            shop.bill(i);
        }
        await("the billing jobs wait in the buffer", () -> w.buffered() == 4);
        admin.pause("billing");
        await("released", () -> w.buffered() == 0);
        assertEquals(0, count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 "
                + "AND objid IN (SELECT id FROM " + table() + " WHERE queue = 'billing')"), "their locks are released");
        release.countDown();
        w.awaitIdle();
        assertEquals(0, ranOf("bill"));
        admin.resume("billing");
        await("billing ran", () -> ranOf("bill") == 4);
    }

    @Test
    void oneWorkerPaused_startsNothing_whileAnotherWorkerRunsTheJobs_andResumes() throws Exception {
        Worker paused = worker(1);
        paused.pause();
        assertTrue(paused.paused());
        shop.mail(1);
        Worker other = worker(1);
        await("the other worker ran it", () -> other.processed() == 1);
        assertEquals(0, paused.processed());
        other.close();
        paused.resume();
        assertFalse(paused.paused());
        shop.mail(2);
        await("the resumed worker ran it", () -> paused.processed() == 1);
    }

    @Test
    void badPauses_areRejected_sayingWhatToGive() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> admin.pause());
        assertTrue(none.getMessage().contains("give the queues to pause, or * for every queue"), none.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> admin.resume(""));
        assertTrue(empty.getMessage().contains("queue name must not be empty"), empty.getMessage());
        assertThrows(NullPointerException.class, () -> admin.pause((String) null));
        assertTrue(admin.paused().isEmpty(), "nothing was paused by a rejected call");
    }
}
