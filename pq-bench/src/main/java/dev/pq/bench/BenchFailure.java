package dev.pq.bench;

/**
 * A benchmark run that cannot go on, with a message for the person who ran it: {@link BenchMain}
 * prints it as one line on stderr and exits nonzero (the stack trace only with
 * {@code -Dbench.debug=true} or {@code BENCH_DEBUG=true}).
 */
final class BenchFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BenchFailure(String message) {
        super(message);
    }

    BenchFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * One line saying what went wrong: the message of a {@code BenchFailure}, else of the first
     * {@link java.sql.SQLException} in the causes (with what it usually means), else of the throwable.
     */
    static String describe(Throwable e) {
        if (e instanceof BenchFailure) {
            return oneLine(e.getMessage());
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s) {
                String state = s.getSQLState() == null ? "" : s.getSQLState();
                String msg = oneLine(s.getMessage());
                if (state.startsWith("08")) {
                    return "cannot connect to PostgreSQL (" + msg + "): is the server running, and is PQ_DATABASE_URL right?";
                }
                if (state.startsWith("28")) {
                    return "PostgreSQL refused the login (" + msg + "): check the user and password in PQ_DATABASE_URL";
                }
                return "database error" + (state.isEmpty() ? "" : " " + state) + ": " + msg;
            }
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage());
        return e instanceof IllegalArgumentException || e instanceof IllegalStateException ? msg
                : e.getClass().getSimpleName() + ": " + msg;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
