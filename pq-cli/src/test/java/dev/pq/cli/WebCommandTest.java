package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Tasks;
import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code pq web}, run as a user runs it: a child JVM serving the dashboard until TERM. */
@Timeout(120)
class WebCommandTest extends PgTest {
    private static final Pattern ADDRESS = Pattern.compile("pq web: (http://127\\.0\\.0\\.1:\\d+/)(.*)");
    private final HttpClient http = HttpClient.newHttpClient();

    private Process child(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "web", "--port", "0", "--schema", schema));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectError(dir.resolve("stderr.log").toFile());
        pb.environment().put(Main.URL_ENV, TestDatabase.url());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static Matcher address(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null, "pq web printed nothing");
        Matcher m = ADDRESS.matcher(line);
        assertTrue(m.matches(), line);
        return m;
    }

    private HttpResponse<String> get(String uri, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void web_servesTheDashboardWithTheTokenFromTheEnvironment_untilTerm(@TempDir Path dir) throws Exception {
        Tasks.create(pq).admin().pause("billing");
        Process p = child(dir, Map.of(WebCommand.TOKEN_ENV, "env-token-0123456789"));
        try {
            Matcher m = address(p);
            assertEquals("", m.group(2), "a chosen token is not printed");
            assertEquals(401, get(m.group(1), null).statusCode());
            HttpResponse<String> page = get(m.group(1), "env-token-0123456789");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("data-queue=\"billing\""), page.body());
            p.destroy(); // TERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "pq web did not stop on TERM");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void web_withoutAToken_makesOneAndPrintsIt(@TempDir Path dir) throws Exception {
        Process p = child(dir, Map.of(), "--read-only");
        try {
            Matcher m = address(p);
            Matcher t = Pattern.compile("generated token ([0-9a-f]{32})").matcher(m.group(2));
            assertTrue(t.find(), m.group(2));
            assertTrue(m.group(2).contains("(read-only)"), m.group(2));
            assertEquals(200, get(m.group(1), t.group(1)).statusCode());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void web_refusesNoAuthOnAnOpenAddress_andAShortToken() {
        Cli.Result open = Cli.db(schema, List.of("web", "--no-auth", "--bind", "0.0.0.0", "--port", "0"));
        assertEquals(2, open.code(), open.toString());
        assertTrue(open.err().contains("binds to loopback only"), open.err());
        Cli.Result shortToken = Cli.db(schema, List.of("web", "--token", "abc", "--port", "0"));
        assertEquals(2, shortToken.code(), shortToken.toString());
        assertTrue(shortToken.err().contains("at least 12 characters"), shortToken.err());
        Cli.Result user = Cli.db(schema, List.of("web", "--user", "ops", "--port", "0"));
        assertEquals(2, user.code(), user.toString());
        assertTrue(user.err().contains(WebCommand.PASSWORD_ENV), user.err());
    }
}
