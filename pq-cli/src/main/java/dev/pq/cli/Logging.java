package dev.pq.cli;

import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Configures slf4j-simple (the CLI's logging binding) from {@code --log-level}. slf4j-simple reads
 * its settings once, when the first logger is made: the commands call {@link #configure(String)}
 * before anything logs, and create their loggers afterwards. Logs go to stderr.
 */
final class Logging {
    /** The accepted levels, quietest first. */
    static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static volatile String level = "info";

    private Logging() {
    }

    /** Sets the level of every logger; other slf4j-simple settings given with -D are kept. */
    static void configure(String level) {
        Logging.level = level;
        System.setProperty(PREFIX + "defaultLogLevel", level);
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("showThreadName", "true");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("logFile", "System.err");
        // the pool's start/stop lines are noise at info; they come back with debug
        if (!verbose()) {
            setIfAbsent("log.com.zaxxer.hikari", "warn");
            setIfAbsent("log.org.eclipse.jetty", "warn");
        }
    }

    /** True at debug and trace: failures print their stack traces too. */
    static boolean verbose() {
        return level.equals("debug") || level.equals("trace");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }

    /** Converts {@code --log-level} values (case-insensitive). */
    static final class LevelConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("warning")) {
                v = "warn";
            }
            if (!LEVELS.contains(v)) {
                throw new TypeConversionException("'" + value + "' is not a log level: give one of "
                        + String.join(", ", LEVELS));
            }
            return v;
        }
    }
}
