package dev.pq.cli;

import dev.pq.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs {@link Main} in-process and captures its exit code, stdout and stderr. */
final class Cli {
    private Cli() {
    }

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs {@code args} with an empty environment. */
    static Result run(String... args) {
        return run(Map.of(), args);
    }

    static Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        Result r = new Result(code, out.toString(), err.toString());
        System.err.println("pq " + String.join(" ", args) + " => " + r);
        return r;
    }

    /** {@code command} (one or more words) followed by --url and --schema for the test database, then {@code more}. */
    static Result db(String schema, List<String> command, String... more) {
        List<String> args = new ArrayList<>(command);
        args.add("--url");
        args.add(TestDatabase.url());
        args.add("--schema");
        args.add(schema);
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    static Map<String, String> env(String key, String value) {
        Map<String, String> m = new HashMap<>();
        m.put(key, value);
        return m;
    }
}
