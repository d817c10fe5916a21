package dev.pq.harness;

import java.io.File;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a harness that starts child JVMs and PostgreSQL clusters of its own needs, shared by the chaos
 * suite and pq-bench's scale scenario: the class path to give a child, a child's watch on its parent, and
 * the removal of cluster directories ({@code <tmp>/<prefix>…}, holding {@code owner.pid}, {@code bin.path}
 * and {@code data/}) whose owning JVM was killed before it could clean up.
 */
public final class ProcessTools {
    private static final Logger log = LoggerFactory.getLogger(ProcessTools.class);

    private ProcessTools() {
    }

    /** The class path of the code {@code anchor} was loaded with: under exec:java the plugin's class loader's, not java.class.path. */
    public static String classpath(Class<?> anchor) {
        ClassLoader cl = anchor.getClassLoader();
        if (cl instanceof URLClassLoader u && u.getURLs().length > 0) {
            return Arrays.stream(u.getURLs()).map(url -> {
                try {
                    return new File(url.toURI()).getPath();
                } catch (java.net.URISyntaxException e) {
                    return url.getPath();
                }
            }).collect(Collectors.joining(File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    /** In a child JVM: halts it (exit status 3) once the process {@code parent} is gone, looking every 500 ms. */
    public static void haltWhenGone(long parent, String threadName) {
        Thread t = new Thread(() -> {
            while (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            log.error("the harness (pid {}) is gone: halting", parent);
            Runtime.getRuntime().halt(3);
        }, threadName);
        t.setDaemon(true);
        t.start();
    }

    /** Marks {@code dir} as a cluster directory owned by this JVM, its binaries in {@code bin}. */
    public static void claim(Path dir, Path bin) throws IOException {
        Files.writeString(dir.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
        Files.writeString(dir.resolve("bin.path"), bin.toString());
    }

    /** Stops (immediate) and removes the cluster directories named {@code prefix…} whose owning JVM is gone. */
    public static void reapStale(String prefix) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                try {
                    long owner = Long.parseLong(Files.readString(d.resolve("owner.pid")).trim());
                    if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                    if (Files.exists(d.resolve("data/postmaster.pid"))) {
                        Path bin = Path.of(Files.readString(d.resolve("bin.path")).trim());
                        List<String> cmd = List.of(bin.resolve("pg_ctl").toString(), "-D", d.resolve("data").toString(),
                                "-m", "immediate", "-w", "stop");
                        if ("root".equals(System.getProperty("user.name"))) {
                            cmd = Stream.concat(Stream.of("unshare", "-U"), cmd.stream()).toList();
                        }
                        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .start().waitFor(60, TimeUnit.SECONDS);
                    }
                    log.warn("removed the cluster {} left behind by process {}", d, owner);
                    delete(d);
                } catch (IOException | RuntimeException e) {
                    log.debug("not a cluster left behind: {} ({})", d, e.toString());
                }
            }
        } catch (IOException e) {
            log.debug("cannot list {}: {}", tmp, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes {@code d} and everything under it, if it is there, as far as it can (what it cannot is logged). */
    public static void delete(Path d) {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> all = Files.walk(d)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", d, e.toString());
        }
    }
}
