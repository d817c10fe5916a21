package dev.pq.cli;

import dev.pq.PQ;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --url}, {@code --schema}, {@code --table}: shared by every command that reaches the database. */
final class DatabaseOptions {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,47}");

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--url", paramLabel = "URL",
            description = "The database: jdbc:postgresql://host:port/db?user=u&password=p or "
                    + "postgres://user:password@host:port/db (default: the environment variable " + Main.URL_ENV + ").")
    String url;

    @Option(names = "--schema", paramLabel = "SCHEMA", defaultValue = "public",
            description = "The schema of the queue table (default: ${DEFAULT-VALUE}).")
    String schema;

    @Option(names = "--table", paramLabel = "TABLE", defaultValue = "queue",
            description = "The queue table (default: ${DEFAULT-VALUE}).")
    String table;

    /** Opens a PQ with its own pool of {@code poolSize} connections; usage errors for bad settings. */
    PQ open(int poolSize) {
        String source = "--url";
        String u = url;
        if (u == null || u.isBlank()) {
            u = env().get(Main.URL_ENV);
            source = Main.URL_ENV;
        }
        if (u == null || u.isBlank()) {
            throw new ParameterException(mixee.commandLine(),
                    "Missing database URL: give --url URL or set the environment variable " + Main.URL_ENV);
        }
        identifier("--schema", schema);
        identifier("--table", table);
        u = u.trim();
        if (!u.startsWith("jdbc:postgresql:") && !u.startsWith("postgres://") && !u.startsWith("postgresql://")) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for " + describe(source) + ": '"
                    + mask(u) + "': expected jdbc:postgresql://host/db or postgres://user@host/db");
        }
        try {
            return PQ.builder().url(u).schema(schema).table(table).poolSize(poolSize).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for " + describe(source) + ": "
                    + e.getMessage(), e);
        }
    }

    private static String describe(String source) {
        return source.startsWith("--") ? "option '" + source + "'" : "environment variable " + source;
    }

    private void identifier(String flag, String value) {
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '" + flag + "': '" + value
                    + "': must be a letter or _ followed by up to 47 letters, digits or _");
        }
    }

    private java.util.Map<String, String> env() {
        CommandSpec s = mixee;
        while (s.parent() != null) {
            s = s.parent();
        }
        return s.userObject() instanceof PqCommand root ? root.env : System.getenv();
    }

    /** {@code url} with its password replaced by ***. */
    static String mask(String url) {
        return url.replaceAll("(password=)[^&]*", "$1***").replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@");
    }
}
