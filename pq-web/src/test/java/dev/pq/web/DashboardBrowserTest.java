package dev.pq.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Admin;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.JobInfo;
import dev.pq.tasks.PausedQueue;
import dev.pq.tasks.Tasks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium, as a user meets it: log in, click retry, delete, pause,
 * resume, cancel, and check the database after each click; live refresh; screenshots of every page.
 */
@Timeout(180)
class DashboardBrowserTest extends DashboardTestBase {
    private ChromeDriver driver;
    private WebDriverWait wait;
    private Tasks tasks;
    private Admin admin;
    private String root;

    @BeforeEach
    void open(@TempDir Path profile) {
        driver = Browser.start(profile);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        tasks = tasks();
        admin = tasks.admin();
        Dashboard dashboard = Dashboard.builder(tasks).token(TOKEN).refreshInterval(Duration.ofSeconds(1)).build();
        root = serve(dashboard, "/pq").uri().toString();
    }

    @AfterEach
    void quit() {
        if (driver != null) {
            driver.quit();
        }
    }

    private void logIn() {
        driver.get(root);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(TOKEN);
        driver.findElement(By.id("login")).click();
        try {
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("queues")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no overview after logging in, at " + driver.getCurrentUrl() + ":\n"
                    + driver.getPageSource(), e);
        }
    }

    private void go(String path) {
        driver.get(root + path.substring(1));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("live")));
    }

    /**
     * Clicks the button labelled {@code label} in the table row of {@code selector}, and waits for the new page it
     * leads to (the old document gone, not just a flash from the last click), retrying a row live refresh replaced.
     */
    private void click(String selector, String label) {
        markPage();
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            WebElement row = d.findElement(By.cssSelector(selector));
            row.findElements(By.tagName("button")).stream().filter(b -> b.getText().equals(label)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + label + " button in " + selector)).click();
            return true;
        });
        landed();
    }

    /** Marks the current document (a script variable: live refresh keeps it, only a new page loses it). */
    private void markPage() {
        driver.executeScript("window.pqOldPage = true;");
    }

    /**
     * Waits until the marked document was replaced by a new, loaded one with a flash message. Asked by script,
     * not through a handle on the old {@code <html>}: while the page changes, Chromium answers a question about
     * the old element with a plain error ("does not belong to the document"), not a stale-element one.
     */
    private void landed() {
        new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(WebDriverException.class).until(d -> Boolean.TRUE
                .equals(driver.executeScript("return window.pqOldPage === undefined && document.readyState === "
                        + "'complete' && document.getElementById('flash') !== null;")));
    }

    private String flash() {
        return wait.ignoring(StaleElementReferenceException.class).until(d -> d.findElement(By.id("flash")).getText());
    }

    @Test
    void login_thenRetryAndDeleteFailedJobs_checkingTheDatabaseAfterEachClick() throws Exception {
        long first = chargeIn(tasks, Enqueue.options().queue("invoices"), "acme", 5);
        long second = chargeIn(tasks, Enqueue.options().queue("invoices"), "globex", 6);
        fail(first, "card declined");
        fail(second, "card expired");
        logIn();
        go("/failed");
        click("tr[data-job='" + first + "']", "Retry");
        assertTrue(flash().contains("Retried job " + first), flash());
        assertEquals(JobInfo.State.READY, admin.job(first).orElseThrow().state(), "retried in the database");
        click("tr[data-job='" + second + "']", "Delete");
        assertTrue(flash().contains("Deleted job " + second), flash());
        assertTrue(admin.job(second).isEmpty(), "deleted from the database");
        assertTrue(driver.findElements(By.cssSelector("tr[data-job='" + second + "']")).isEmpty());
    }

    @Test
    void pauseAndResumeAQueue_fromTheOverview() throws Exception {
        chargeIn(tasks, Enqueue.options().queue("mail"), "newsletter", 1);
        logIn();
        click("tr[data-queue='mail']", "Pause");
        assertEquals(List.of("mail"), admin.paused().stream().map(PausedQueue::queue).toList());
        wait.ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(By.cssSelector("tr[data-queue='mail']")).getText().contains("paused"));
        click("tr[data-queue='mail']", "Resume");
        assertEquals(List.of(), admin.paused());
    }

    @Test
    void cancelARunningJob_fromTheWorkingPage_andTheWorkerKeepsWorking() throws Exception {
        long blocking = charge(tasks, "hooli", 0);
        worker(tasks, "billing");
        assertTrue(running.await(20, TimeUnit.SECONDS));
        await("the heartbeat lists the running job", () -> admin.jobStates().size() == 1);
        logIn();
        go("/working");
        click("tr[data-job='" + blocking + "']", "Cancel");
        assertTrue(flash().contains("its worker interrupts it"), flash());
        await("the job is cancelled in the database",
                () -> admin.job(blocking).orElseThrow().state() == JobInfo.State.CANCELLED);
        long next = charge(tasks, "next", 10);
        await("the worker runs the next job", () -> admin.job(next).isEmpty());
    }

    @Test
    void retryAll_asksForConfirmation_thenRetriesEveryFailedJobOfTheFilter() throws Exception {
        long a = chargeIn(tasks, Enqueue.options().queue("invoices"), "a", 1);
        long b = chargeIn(tasks, Enqueue.options().queue("invoices"), "b", 2);
        long other = chargeIn(tasks, Enqueue.options().queue("mail"), "c", 3);
        for (long id : new long[] {a, b, other}) {
            fail(id, "smtp down");
        }
        logIn();
        go("/failed?queue=invoices");
        markPage();
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElements(By.tagName("button")).stream().filter(x -> x.getText().equals("Retry all")).findFirst()
                    .orElseThrow().click();
            return true;
        });
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        landed();
        assertTrue(flash().contains("Retried 2 failed jobs"), flash());
        assertEquals(JobInfo.State.READY, admin.job(a).orElseThrow().state());
        assertEquals(JobInfo.State.READY, admin.job(b).orElseThrow().state());
        assertEquals(JobInfo.State.FAILED, admin.job(other).orElseThrow().state(), "outside the filter");
    }

    @Test
    void pagesRefreshLive_withoutReloading_andMarkupInPayloadsNeverRuns() throws Exception {
        long evil = chargeIn(tasks, Enqueue.options().queue("invoices"),
                "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">", 1);
        fail(evil, "<b onmouseover=\"window.pwned = 3\">bold</b>");
        logIn();
        go("/failed");
        driver.executeScript("window.notReloaded = 'yes';");
        long late = chargeIn(tasks, Enqueue.options().queue("invoices"), "late", 1);
        fail(late, "arrived after the page was loaded");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-job='" + late + "']")));
        assertEquals("yes", driver.executeScript("return window.notReloaded;"), "the page was reloaded");
        go("/jobs/" + evil);
        assertTrue(driver.findElement(By.id("payload")).getText().contains("<script>window.pwned = 1</script>"),
                "the payload is shown as text");
        assertNull(driver.executeScript("return window.pwned;"), "markup from the database ran");
    }

    @Test
    void screenshots_ofEveryPage() throws Exception {
        seedHistory();
        worker(tasks, "billing");
        long blocking = charge(tasks, "hooli", 0);
        assertTrue(running.await(20, TimeUnit.SECONDS));
        for (int i = 0; i < 12; i++) {
            chargeIn(tasks, Enqueue.options().queue("invoices").priority(50 + i), "customer-" + i, 100 * i + 99);
        }
        for (int i = 0; i < 4; i++) {
            chargeIn(tasks, Enqueue.options().queue("mail").scheduleAt(Duration.ofMinutes(15L * (i + 1))),
                    "digest-" + i, 1);
        }
        for (int i = 0; i < 3; i++) {
            long id = chargeIn(tasks, Enqueue.options().queue("invoices"), "customer-f" + i, -i);
            fail(id, "java.lang.IllegalStateException: card declined for customer-f" + i);
        }
        admin.pause("mail");
        await("the heartbeat lists the running job", () -> admin.jobStates().size() == 1);
        driver.get(root);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        Browser.screenshot(driver, "login");
        logIn();
        Browser.screenshot(driver, "overview");
        for (Map.Entry<String, String> page : Map.of("queue", "/queue?name=invoices", "scheduled", "/scheduled",
                "working", "/working", "workers", "/workers", "stats", "/stats", "job", "/jobs/" + blocking).entrySet()) {
            go(page.getValue());
            Browser.screenshot(driver, page.getKey());
        }
        go("/failed");
        driver.findElement(By.cssSelector("#failed details summary")).click();
        Browser.screenshot(driver, "failed");
    }

    /** An hour of stats as workers write them, so the charts have a history to draw. */
    private void seedHistory() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        for (int m = 60; m >= 1; m--) {
            Instant at = now.minus(m, ChronoUnit.MINUTES);
            for (String queue : List.of("billing", "invoices")) {
                int processed = (queue.equals("billing") ? 900 : 400) + (int) (300 * Math.sin(m / 6.0));
                int failed = m % 7 == 0 ? 12 : m % 3;
                exec("INSERT INTO " + schema + ".queue_stats_series (span_s, bucket, queue, task, processed, failed, "
                        + "cancelled, wait_hist, run_hist) VALUES (60, ?, ?, 'Billing.charge', ?, ?, 0, "
                        + "CAST(? AS bigint[]), CAST(? AS bigint[]))", java.sql.Timestamp.from(at), queue, processed,
                        failed, hist(processed, 20 + (m % 10 == 0 ? 6 : 0)), hist(processed, 26));
                exec("INSERT INTO " + schema + ".queue_stats_depth (span_s, bucket, queue, ready, scheduled) "
                        + "VALUES (60, ?, ?, ?, ?)", java.sql.Timestamp.from(at), queue,
                        (long) (200 + 150 * Math.cos(m / 8.0)), 40L);
            }
        }
    }

    private static String hist(int count, int peak) {
        long[] bins = new long[75];
        bins[peak - 1] = count / 4;
        bins[peak] = count / 2;
        bins[peak + 2] = count - count / 4 - count / 2 - count / 20;
        bins[peak + 5] = count / 20;
        return Arrays.stream(bins).mapToObj(Long::toString).collect(Collectors.joining(",", "{", "}"));
    }
}
