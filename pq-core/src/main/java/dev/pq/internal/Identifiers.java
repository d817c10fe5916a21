package dev.pq.internal;

import java.util.regex.Pattern;

/** Validation of the only names pq ever puts into SQL text: table and schema names. */
public final class Identifiers {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,47}");

    /** The longest queue name, in characters. */
    public static final int MAX_QUEUE_NAME = 1000;

    private Identifiers() {
    }

    /** Returns {@code name} double-quoted after checking it is a plain identifier. */
    public static String quote(String what, String name) {
        if (name == null) {
            throw new NullPointerException(what);
        }
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be an identifier (a letter or _ then up to 47 "
                    + "letters, digits or _): \"" + name + "\"");
        }
        return '"' + name + '"';
    }

    /** Checks a queue name: non-empty, at most {@link #MAX_QUEUE_NAME} characters, no NUL. */
    public static String queueName(String name) {
        if (name == null) {
            throw new NullPointerException("queue name");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("queue name must not be empty: \"\"");
        }
        if (name.length() > MAX_QUEUE_NAME) {
            throw new IllegalArgumentException("queue name must be at most " + MAX_QUEUE_NAME + " characters: "
                    + name.length() + " given (\"" + name.substring(0, 40) + "...\")");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("queue name must not contain a NUL character: \""
                    + name.replace("\0", "\\0") + "\"");
        }
        return name;
    }
}
