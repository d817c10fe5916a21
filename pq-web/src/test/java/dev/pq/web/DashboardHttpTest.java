package dev.pq.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Admin;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.JobInfo;
import dev.pq.tasks.PausedQueue;
import dev.pq.tasks.Tasks;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every page and action over HTTP against real PostgreSQL: status codes, auth, CSRF, escaping, read-only mode. */
@Timeout(120)
class DashboardHttpTest extends DashboardTestBase {
    private static final List<String> PAGES = List.of("/", "/queue?name=billing", "/queue?name=billing&state=scheduled",
            "/scheduled", "/working", "/failed", "/failed?kind=cancelled", "/failed?queue=billing&task=Billing.charge",
            "/workers", "/stats", "/stats?range=day", "/stats?range=week", "/stats?queue=billing");

    private Tasks tasks;
    private Admin admin;

    private Http start(Dashboard.Builder b) {
        return new Http(serve(b.build()).uri());
    }

    private Http bearer() {
        tasks = tasks();
        admin = tasks.admin();
        return start(Dashboard.builder(tasks).token(TOKEN)).bearer(TOKEN);
    }

    private static void assertStatus(int expected, HttpResponse<String> r) {
        assertEquals(expected, r.statusCode(), () -> r.request().method() + " " + r.request().uri() + " => "
                + r.statusCode() + "\n" + r.body());
    }

    @Test
    void everyPage_renders_withTheQueuesJobsAndWorkersInTheDatabase() throws Exception {
        Http http = bearer();
        long ready = chargeIn(tasks, Enqueue.options().queue("invoices"), "acme", 100);
        long later = chargeIn(tasks, Enqueue.options().scheduleAt(Duration.ofHours(3)), "globex", 250);
        long failed = charge(tasks, "initech", 5);
        fail(failed, "card declined");
        long blocking = charge(tasks, "hooli", 0);
        worker(tasks, "billing");
        assertTrue(running.await(20, TimeUnit.SECONDS));
        await("the worker's heartbeat lists the running job", () -> admin.jobStates().size() == 1);

        for (String page : PAGES) {
            HttpResponse<String> r = http.html().get(page);
            assertStatus(200, r);
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page);
            assertTrue(r.body().contains("<main id=\"live\">"), page);
        }
        String overview = http.html().get("/").body();
        assertTrue(overview.contains("data-queue=\"billing\""), overview);
        assertTrue(overview.contains("<svg class=\"chart\""), "charts are inline SVG");
        String queue = http.get("/queue?name=invoices").body();
        assertTrue(queue.contains("data-job=\"" + ready + "\""), queue);
        assertTrue(queue.contains("&quot;acme&quot;"), "payload shown as JSON: " + queue);
        assertTrue(http.get("/scheduled").body().contains("data-job=\"" + later + "\""));
        String working = http.get("/working").body();
        assertTrue(working.contains("data-job=\"" + blocking + "\""), working);
        assertTrue(working.contains("pq-worker"), "the worker thread's name: " + working);
        String failedPage = http.get("/failed").body();
        assertTrue(failedPage.contains("card declined"), failedPage);
        assertTrue(failedPage.contains("Billing.java:42"), "the stack trace: " + failedPage);
        assertTrue(http.get("/workers").body().contains(String.valueOf(ProcessHandle.current().pid())));
        String job = http.get("/jobs/" + failed).body();
        assertTrue(job.contains("card declined") && job.contains("initech"), job);
    }

    @Test
    void aBinaryPayload_isShownAsItsSize() {
        Http http = bearer();
        pq.queue("files", dev.pq.Serializers.bytes()).put(new byte[1234]);
        String page = http.get("/queue?name=files").body();
        assertTrue(page.contains("binary, 1234 bytes"), page);
    }

    @Test
    void withoutCredentials_browsersAreSentToLogin_andScriptsGet401() {
        tasks = tasks();
        Http http = start(Dashboard.builder(tasks).token(TOKEN));
        HttpResponse<String> browser = http.html().get("/failed?queue=billing");
        assertStatus(303, browser);
        assertEquals("/login?next=%2Ffailed%3Fqueue%3Dbilling", browser.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> script = http.get("/");
        assertStatus(401, script);
        assertTrue(script.headers().allValues("WWW-Authenticate").contains("Bearer realm=\"pq\""));
        assertStatus(401, http.bearer("wrong-token-0123456789").get("/"));
        assertStatus(401, http.header("Authorization", "Token " + TOKEN).get("/"));
        assertStatus(401, http.post("/pause-all", Map.of()));
        assertEquals(List.of(), tasks.admin().paused(), "nothing was paused");
        assertStatus(200, http.get("/static/pq.css"));
        assertStatus(200, http.html().get("/login"));
    }

    @Test
    void loginForm_setsAnHttpOnlySameSiteCookie_andLogoutEndsTheSession() {
        tasks = tasks();
        Http http = start(Dashboard.builder(tasks).token(TOKEN));
        HttpResponse<String> wrong = http.html().post("/login", Map.of("token", "nope", "next", "/"));
        assertStatus(401, wrong);
        assertTrue(wrong.body().contains("That token is not right."));
        assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());

        HttpResponse<String> ok = http.html().post("/login", Map.of("token", TOKEN, "next", "/workers"));
        assertStatus(303, ok);
        assertEquals("/workers", ok.headers().firstValue("Location").orElseThrow());
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        Http session = http.html().cookie(cookie);
        HttpResponse<String> page = session.get("/workers");
        assertStatus(200, page);
        assertStatus(303, session.post("/logout", Map.of("csrf", Http.csrf(page.body()))));
        assertStatus(303, session.get("/workers"));

        HttpResponse<String> offsite = http.html().post("/login", Map.of("token", TOKEN, "next", "//evil.example/x"));
        assertEquals("/", offsite.headers().firstValue("Location").orElseThrow(), "next stays on the dashboard");
    }

    private Http loggedIn(Http http) {
        HttpResponse<String> ok = http.html().post("/login", Map.of("token", TOKEN, "next", "/"));
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        return http.html().cookie(setCookie.substring(0, setCookie.indexOf(';')));
    }

    @Test
    void actionsFromABrowserSession_needTheCsrfToken_andChangeNothingWithoutIt() throws Exception {
        tasks = tasks();
        admin = tasks.admin();
        Http session = loggedIn(start(Dashboard.builder(tasks).token(TOKEN)));
        long id = charge(tasks, "acme", 100);
        fail(id, "boom");
        String csrf = Http.csrf(session.get("/failed").body());

        assertStatus(403, session.post("/jobs/" + id + "/retry", Map.of()));
        assertStatus(403, session.post("/jobs/" + id + "/retry", Map.of("csrf", "forged")));
        assertStatus(403, session.header("Origin", "http://evil.example").post("/jobs/" + id + "/retry",
                Map.of("csrf", csrf)));
        assertEquals(JobInfo.State.FAILED, admin.job(id).orElseThrow().state(), "refused actions change nothing");

        HttpResponse<String> retried = session.post("/jobs/" + id + "/retry", Map.of("csrf", csrf, "back", "/failed"));
        assertStatus(303, retried);
        assertEquals(JobInfo.State.READY, admin.job(id).orElseThrow().state());
        String location = retried.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("/failed?done="), location);
        assertTrue(session.get(location).body().contains("Retried job " + id), "the signed flash is shown");
        assertFalse(session.get("/failed?done=Send+your+token+to+evil.example").body().contains("evil.example"),
                "an unsigned flash is not shown");
    }

    @Test
    void everyAction_changesTheDatabase() throws Exception {
        Http http = bearer();
        long a = charge(tasks, "a", 1);
        long b = charge(tasks, "b", 2);
        long c = charge(tasks, "c", 3);
        long d = charge(tasks, "d", 4);
        fail(a, "x");
        fail(b, "y");
        fail(c, "z");

        assertStatus(200, http.post("/pause", Map.of("queue", "billing")));
        assertEquals(List.of("billing"), admin.paused().stream().map(PausedQueue::queue).toList());
        assertStatus(200, http.post("/resume", Map.of("queue", "billing")));
        assertEquals(List.of(), admin.paused());
        assertStatus(200, http.post("/pause-all", Map.of()));
        assertEquals(List.of("*"), admin.paused().stream().map(PausedQueue::queue).toList());
        assertStatus(200, http.post("/resume-all", Map.of()));
        assertEquals(List.of(), admin.paused());

        HttpResponse<String> deleted = http.post("/jobs/" + a + "/delete", Map.of());
        assertStatus(200, deleted);
        assertEquals("Deleted job " + a, deleted.body().strip());
        assertTrue(admin.job(a).isEmpty());
        assertStatus(200, http.post("/failed/retry-all", Map.of("queue", "billing")));
        assertEquals(JobInfo.State.READY, admin.job(b).orElseThrow().state());
        fail(b, "again");
        fail(c, "again");
        assertStatus(200, http.post("/failed/delete-all", Map.of("task", "Billing.charge")));
        assertTrue(admin.job(b).isEmpty() && admin.job(c).isEmpty());

        HttpResponse<String> cancelled = http.post("/jobs/" + d + "/cancel", Map.of());
        assertStatus(200, cancelled);
        assertTrue(cancelled.body().contains("it will not run"), cancelled.body());
        assertEquals(JobInfo.State.CANCELLED, admin.job(d).orElseThrow().state());
        assertStatus(409, http.post("/jobs/" + d + "/cancel", Map.of()));
        assertStatus(200, http.post("/failed/delete-all", Map.of("kind", "cancelled")));
        assertTrue(admin.job(d).isEmpty());
    }

    @Test
    void cancel_interruptsARunningJob_andTheWorkerKeepsWorking() throws Exception {
        Http http = bearer();
        long blocking = charge(tasks, "hooli", 0);
        worker(tasks, "billing");
        assertTrue(running.await(20, TimeUnit.SECONDS));
        HttpResponse<String> r = http.post("/jobs/" + blocking + "/cancel", Map.of());
        assertStatus(200, r);
        assertTrue(r.body().contains("its worker interrupts it"), r.body());
        await("the job is cancelled", () -> admin.job(blocking).orElseThrow().state() == JobInfo.State.CANCELLED);
        long next = charge(tasks, "next", 10);
        await("the worker runs the next job", () -> admin.job(next).isEmpty());
    }

    @Test
    void valuesFromTheDatabase_areEscapedOnEveryPage() throws Exception {
        Http http = bearer();
        String evil = "<script>alert(1)</script>";
        long job = charge(tasks, evil, -1);
        fail(job, "<img src=x onerror=alert(1)> " + evil);
        pq.queue(evil).put(Map.of("html", evil));
        admin.pause(evil);
        exec("UPDATE " + schema + ".queue SET unique_key = ?, unique_scope = 2, group_key = ? WHERE id = ?", evil, evil, job);
        assertTrue(http.get("/jobs/" + job).body().contains("<dt>unique key</dt><dd><code>&lt;script&gt;"), "the key shown, escaped");
        for (String page : List.of("/", "/failed", "/jobs/" + job, "/queue?name=" + Http.enc(evil),
                "/failed?queue=" + Http.enc(evil) + "&task=" + Http.enc(evil), "/stats?queue=" + Http.enc(evil))) {
            String body = http.html().get(page).body();
            assertFalse(body.contains("<script>alert"), page + " holds raw markup:\n" + body);
            assertFalse(body.contains("<img src=x"), page + " holds raw markup:\n" + body);
        }
        assertTrue(http.get("/queue?name=" + Http.enc(evil)).body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    @Test
    void readOnly_hidesEveryAction_andRefusesTheirPosts() throws Exception {
        tasks = tasks();
        admin = tasks.admin();
        Http http = start(Dashboard.builder(tasks).token(TOKEN).readOnly(true));
        long id = charge(tasks, "acme", 1);
        fail(id, "boom");
        Http session = loggedIn(http);
        for (String page : PAGES) {
            String body = session.get(page).body();
            assertFalse(body.replaceAll("(?s)<form method=\"post\" action=\"/logout\".*?</form>", "")
                    .contains("method=\"post\""), page + " shows an action:\n" + body);
        }
        String csrf = Http.csrf(session.get("/").body());
        assertStatus(403, session.post("/jobs/" + id + "/delete", Map.of("csrf", csrf)));
        HttpResponse<String> r = http.bearer(TOKEN).post("/pause-all", Map.of());
        assertStatus(403, r);
        assertTrue(r.body().contains("read-only"), r.body());
        assertEquals(List.of(), admin.paused());
        assertTrue(admin.job(id).isPresent());
    }

    @Test
    void badInput_getsA4xxWithAClearMessage_neverAStackTrace() {
        Http http = bearer();
        Map<String, Integer> expected = Map.of("/jobs/abc", 400, "/jobs/999999", 404, "/nowhere", 404,
                "/failed?page=x", 400, "/stats?range=year", 400, "/queue", 400, "/failed?kind=other", 400,
                "/static/secret.txt", 404);
        expected.forEach((page, status) -> {
            HttpResponse<String> r = http.html().get(page);
            assertStatus(status, r);
            assertFalse(r.body().contains("at dev.pq"), r.body());
            assertTrue(r.body().contains("id=\"error-message\""), r.body());
            assertTrue(r.headers().firstValue("Content-Security-Policy").isPresent(), page);
        });
        assertTrue(http.get("/jobs/abc").body().contains("a job id is a positive number: abc"));
        assertTrue(http.get("/jobs/999999").body().contains("no job 999999"));
        assertStatus(404, http.post("/jobs/999999/retry", Map.of()));
        assertStatus(400, http.post("/jobs/-4/retry", Map.of()));
        assertStatus(404, http.post("/jobs/1/explode", Map.of()));
        assertStatus(405, http.method("PUT", "/"));
        assertStatus(405, http.method("DELETE", "/jobs/1"));
    }

    @Test
    void aDatabaseThatIsGone_gives503WithItsError_andTheDashboardKeepsServing() {
        dev.pq.PQ own = builder().build();
        Tasks ownTasks = Tasks.create(own);
        Http http = start(Dashboard.builder(ownTasks).token(TOKEN)).bearer(TOKEN);
        assertStatus(200, http.get("/"));
        own.close();
        HttpResponse<String> r = http.get("/workers");
        assertStatus(503, r);
        assertTrue(r.body().contains("the database is unavailable or failed"), r.body());
        assertStatus(200, http.get("/static/pq.css"));
    }

    @Test
    void everyResponse_carriesTheSecurityHeaders() {
        Http http = bearer();
        for (HttpResponse<String> r : List.of(http.get("/"), http.get("/nowhere"), http.get("/static/pq.js"),
                new Http(http.get("/").uri().resolve("/")).get("/"))) {
            assertEquals("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                    r.headers().firstValue("Content-Security-Policy").orElse(null), r.uri().toString());
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null));
        }
        assertFalse(http.get("/").body().contains("<script>"), "no inline script");
        assertFalse(http.get("/").body().contains(" style=\""), "no inline style");
    }

    @Test
    void guessingTheToken_isRefusedAfter20FailuresAMinute() {
        tasks = tasks();
        Http http = start(Dashboard.builder(tasks).token(TOKEN));
        for (int i = 0; i < 10; i++) {
            assertStatus(401, http.bearer("guess-number-" + i + "-abcdef").get("/"));
            assertStatus(401, http.html().post("/login", Map.of("token", "guess-" + i)));
        }
        HttpResponse<String> refused = http.bearer(TOKEN).get("/");
        assertStatus(429, refused);
        assertTrue(refused.body().contains("too many failed logins"), refused.body());
    }

    @Test
    void basicCredentials_workBesideTheToken_andTheirPostsNeedCsrf() {
        tasks = tasks();
        admin = tasks.admin();
        Http http = start(Dashboard.builder(tasks).credentials("ops", "basic-secret-123"));
        assertStatus(200, http.basic("ops", "basic-secret-123").get("/"));
        assertStatus(401, http.basic("ops", "wrong-secret-123").get("/"));
        assertStatus(401, http.basic("root", "basic-secret-123").get("/"));
        HttpResponse<String> none = http.get("/");
        assertTrue(none.headers().allValues("WWW-Authenticate").stream().anyMatch(h -> h.startsWith("Basic")));
        Http basic = http.basic("ops", "basic-secret-123");
        assertStatus(403, basic.post("/pause-all", Map.of()));
        assertEquals(List.of(), admin.paused());
        assertStatus(303, basic.post("/pause-all", Map.of("csrf", Http.csrf(basic.get("/").body()))));
        assertEquals(1, admin.paused().size());
    }

    @Test
    void mountedUnderAPrefix_everyLinkAndFormKeepsThePrefix() throws Exception {
        tasks = tasks();
        charge(tasks, "acme", 1);
        DashboardServer server = serve(Dashboard.builder(tasks).token(TOKEN).build(), "/admin/pq");
        assertTrue(server.uri().toString().endsWith("/admin/pq/"), server.uri().toString());
        Http http = new Http(server.uri());
        HttpResponse<String> login = http.html().get("/");
        assertEquals("/admin/pq/login?next=%2F", login.headers().firstValue("Location").orElseThrow());
        String page = http.bearer(TOKEN).get("/").body();
        for (String attr : page.split("(href|action|src)=\"")) {
            if (attr.startsWith("/")) {
                assertTrue(attr.startsWith("/admin/pq/"), "a link leaves the prefix: " + attr.substring(0, Math.min(40, attr.length())));
            }
        }
        HttpResponse<String> cookie = http.html().post("/login", Map.of("token", TOKEN, "next", "/"));
        assertTrue(cookie.headers().firstValue("Set-Cookie").orElseThrow().contains("Path=/admin/pq"));
    }

    @Test
    void withoutAuthentication_onlyLoopbackIsServed() throws Exception {
        tasks = tasks();
        Dashboard open = Dashboard.builder(tasks).noAuthentication().build();
        Http http = new Http(serve(open).uri());
        HttpResponse<String> page = http.html().get("/");
        assertStatus(200, page);
        assertStatus(403, http.post("/pause-all", Map.of()));
        assertStatus(303, http.post("/pause-all", Map.of("csrf", Http.csrf(page.body()))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DashboardServer.start(open, "0.0.0.0", 0));
        assertTrue(e.getMessage().contains("loopback only"), e.getMessage());
    }

    @Test
    void builder_refusesWeakOrMissingSecrets_withClearMessages() {
        Tasks t = tasks();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Dashboard.builder(t).build()).getMessage()
                .contains("needs a token or credentials"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Dashboard.builder(t).token("short").build())
                .getMessage().contains("at least 12 characters"));
        assertThrows(IllegalArgumentException.class, () -> Dashboard.builder(t).token(TOKEN).noAuthentication().build());
        assertThrows(IllegalArgumentException.class, () -> Dashboard.builder(t).credentials("a:b", TOKEN).build());
        assertThrows(IllegalArgumentException.class, () -> Dashboard.builder(t).token(TOKEN)
                .refreshInterval(Duration.ofMillis(10)).build());
    }
}
