package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad flags and values: exit code 2 and a message naming the flag and the value, before any work. */
class UsageErrorsTest {

    static Stream<Arguments> badWorkValues() {
        return Stream.of(
                Arguments.of(List.of("--worker-count", "0"), "--worker-count", "0"),
                Arguments.of(List.of("--worker-count", "1001"), "--worker-count", "1001"),
                Arguments.of(List.of("--worker-count", "many"), "--worker-count", "many"),
                Arguments.of(List.of("--poll-interval", "-1"), "--poll-interval", "-1"),
                Arguments.of(List.of("--poll-interval", "0"), "--poll-interval", "--drain"),
                Arguments.of(List.of("--poll-interval", "0.001"), "--poll-interval", "0.001"),
                Arguments.of(List.of("--poll-interval", "soon"), "--poll-interval", "soon"),
                Arguments.of(List.of("--wait-period", "-2"), "--wait-period", "-2"),
                Arguments.of(List.of("--job-timeout", "0"), "--job-timeout", "0"),
                Arguments.of(List.of("--job-timeout", "5 days"), "--job-timeout", "5 days"),
                Arguments.of(List.of("--maximum-buffer-size", "-1"), "--maximum-buffer-size", "-1"),
                Arguments.of(List.of("--maximum-buffer-size", "lots"), "--maximum-buffer-size", "lots"),
                Arguments.of(List.of("--unknown-task-retries", "-1"), "--unknown-task-retries", "-1"),
                Arguments.of(List.of("--worker-priorities", "10,abc"), "--worker-priorities", "abc"),
                Arguments.of(List.of("--worker-priorities", "10,40000"), "--worker-priorities", "40000"),
                Arguments.of(List.of("--worker-count", "2", "--worker-priorities", "10,20,30"),
                        "--worker-priorities", "--worker-count 2"),
                Arguments.of(List.of("--queue", "!low"), "--queue", "!low"),
                Arguments.of(List.of("--queue", "a,,b"), "--queue", "\"\""),
                Arguments.of(List.of("--log-level", "loud"), "--log-level", "loud"),
                Arguments.of(List.of("--classpath", "/no/such/app.jar"), "--classpath", "/no/such/app.jar"),
                Arguments.of(List.of("--classpath", "/no/such/dir/*"), "--classpath", "/no/such/dir/*"),
                Arguments.of(List.of("--setup", "com.acme.Missing"), "--setup", "com.acme.Missing"),
                Arguments.of(List.of("--setup", "java.lang.String"), "--setup", "does not implement"),
                Arguments.of(List.of("--setup", NoDefaultConstructor.class.getName()), "--setup", "no-argument"),
                Arguments.of(List.of("--table", "bad-name"), "--table", "bad-name"),
                Arguments.of(List.of("--schema", "1x"), "--schema", "1x"),
                Arguments.of(List.of("--frobnicate"), "--frobnicate", "Unknown option"));
    }

    @ParameterizedTest
    @MethodSource("badWorkValues")
    void work_badValue_exitsTwo_namingTheFlagAndValue(List<String> flags, String flag, String detail) {
        List<String> args = new ArrayList<>(List.of("work", "--url", TestDatabase.url(), "--drain",
                "--setup", TestSetup.class.getName()));
        args.addAll(flags);
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(flag), "flag not named: " + r.err());
        assertTrue(r.err().contains(detail), "value not named: " + r.err());
        assertTrue(r.err().contains("Try 'pq work --help'"), r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    /** Has no no-argument constructor. */
    public static final class NoDefaultConstructor implements dev.pq.tasks.spi.TasksConfigurer {
        public NoDefaultConstructor(String x) {
        }

        @Override
        public void configure(dev.pq.tasks.Tasks tasks) {
        }
    }

    @Test
    void work_withoutUrl_exitsTwo() {
        Cli.Result r = Cli.run("work", "--setup", TestSetup.class.getName());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("Missing database URL") && r.err().contains(Main.URL_ENV), r.err());
    }

    @Test
    void noCommand_exitsTwo() {
        Cli.Result r = Cli.run();
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("Missing command"), r.err());
    }

    @Test
    void unknownCommand_exitsTwo_withSuggestion() {
        Cli.Result r = Cli.run("wrok");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("wrok"), r.err());
        assertTrue(r.err().contains("work"), r.err());
    }

    @Test
    void failed_retry_needsIdOrAll() {
        String url = TestDatabase.url();
        assertEquals(2, Cli.run("failed", "retry", "--url", url).code());
        assertEquals(2, Cli.run("failed", "retry", "1", "--all", "--url", url).code());
        assertEquals(2, Cli.run("failed", "delete", "1", "--queue", "q", "--url", url).code());
        Cli.Result r = Cli.run("failed", "delete", "abc", "--url", url);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("abc"), r.err());
        Cli.Result limit = Cli.run("failed", "list", "--limit", "0", "--url", url);
        assertEquals(2, limit.code(), limit.toString());
        assertTrue(limit.err().contains("'--limit'") && limit.err().contains("'0'"), limit.err());
    }

    @Test
    void help_andVersion_exitZero() {
        Cli.Result help = Cli.run("work", "--help");
        assertEquals(0, help.code(), help.toString());
        for (String flag : List.of("--url", "--table", "--schema", "--queue", "--worker-count", "--worker-priorities",
                "--poll-interval", "--wait-period", "--maximum-buffer-size", "--job-timeout", "--unknown-task-retries", "--log-level", "--pidfile",
                "--drain", "--classpath", "--setup")) {
            assertTrue(help.out().contains(flag), flag + " missing from help");
        }
        Cli.Result top = Cli.run("--help");
        assertEquals(0, top.code());
        for (String cmd : List.of("work", "migrate", "stats", "failed")) {
            assertTrue(top.out().contains(cmd), cmd + " missing from help");
        }
        Cli.Result version = Cli.run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("pq "), version.out());
    }
}
