package dev.pq.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network of the {@code pq.scale} benchmark: for each worker process {@code k} (1..n) a
 * network namespace {@code pqscale<k>} joined to the host by a veth pair, {@code 10.213.<k>.1}
 * on the host side (where the benchmark's PostgreSQL listens) and {@code 10.213.<k>.2} inside.
 * Every address is on this machine. {@link #close()} deletes the namespaces and host-side links,
 * and {@link #reapStale()} removes those a killed run left behind. When a namespace cannot be
 * created (no privilege, no {@code ip}), {@link #create} returns a loopback-only net whose
 * {@link #fallbackReason()} says why.
 */
final class ScaleNet implements AutoCloseable {
    static final String NS_PREFIX = "pqscale";
    static final String LINK_PREFIX = "pqs";
    /** One file per namespace, holding the pid of the JVM that made it. */
    static final Path OWNERS = Path.of(System.getProperty("java.io.tmpdir"), "pq-scale-net");
    private final List<Integer> made = new ArrayList<>();
    private final String fallbackReason;

    private ScaleNet(String fallbackReason) {
        this.fallbackReason = fallbackReason;
    }

    /** Creates namespaces 1..{@code n}, or a loopback net if the first cannot be made. */
    static ScaleNet create(int n) {
        return create(1, n);
    }

    /** Creates namespaces {@code first}..{@code first+count-1} (1..250; tests use their own range). */
    static ScaleNet create(int first, int count) {
        if (first < 1 || first + count - 1 > 250) {
            throw new IllegalArgumentException("namespaces are numbered 1..250: " + first + "+" + count);
        }
        reapStale();
        ScaleNet net = new ScaleNet(null);
        int k = first;
        try {
            for (; k < first + count; k++) {
                own(k); // claims the name, or fails if another live process has it
                ip("netns", "add", namespace(k)); // fails if it exists: then it is not ours to delete
                net.made.add(k);
                net.add(k);
            }
            return net;
        } catch (IllegalStateException e) {
            boolean someWorked = !net.made.isEmpty();
            if (!net.made.contains(k) && Long.toString(ProcessHandle.current().pid()).equals(ownerOf(namespace(k)))) {
                forget(namespace(k));
            }
            net.close();
            if (someWorked) {
                throw e; // the first worked, a later one did not: not a missing privilege
            }
            return new ScaleNet(e.getMessage());
        }
    }

    /**
     * Records this JVM as the owner of namespace {@code k} before it exists (what reapStale
     * reads); fails if another live JVM owns it (a second run, a test at the same time).
     */
    private static void own(int k) {
        Path file = OWNERS.resolve(namespace(k));
        if (ownerAlive(namespace(k)) && !Long.toString(ProcessHandle.current().pid()).equals(ownerOf(namespace(k)))) {
            throw new IllegalStateException(namespace(k) + " is in use by another live process (owner file " + file + ")");
        }
        try {
            Files.createDirectories(OWNERS);
            Files.writeString(file, Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private void add(int k) {
        String ns = namespace(k);
        String host = LINK_PREFIX + k + "h";
        String peer = LINK_PREFIX + k + "n";
        ip("link", "add", host, "type", "veth", "peer", "name", peer);
        ip("link", "set", peer, "netns", ns);
        ip("addr", "add", hostAddress(k) + "/24", "dev", host);
        ip("link", "set", host, "up");
        ip("netns", "exec", ns, "ip", "addr", "add", "10.213." + k + ".2/24", "dev", peer);
        ip("netns", "exec", ns, "ip", "link", "set", peer, "up");
        ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
    }

    /** True when the processes run on loopback (no namespaces). */
    boolean loopback() {
        return fallbackReason != null;
    }

    /** Why there are no namespaces, or null. */
    String fallbackReason() {
        return fallbackReason;
    }

    /** The addresses PostgreSQL listens on: 127.0.0.1 and each host-side veth address. */
    String listenAddresses() {
        StringBuilder b = new StringBuilder("127.0.0.1");
        if (!loopback()) {
            made.forEach(k -> b.append(',').append(hostAddress(k)));
        }
        return b.toString();
    }

    /** The host the worker process {@code k} connects to. */
    String serverAddressFor(int k) {
        return loopback() ? "127.0.0.1" : hostAddress(k);
    }

    /** The command prefix that runs a program as worker process {@code k}. */
    List<String> wrap(int k, List<String> command) {
        if (loopback()) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of(ipBinary(), "netns", "exec", namespace(k)));
        out.addAll(command);
        return out;
    }

    static String namespace(int k) {
        return NS_PREFIX + k;
    }

    static String hostAddress(int k) {
        return "10.213." + k + ".1";
    }

    /** Deletes every namespace and link made here (deleting a namespace removes its veth pair). */
    @Override
    public synchronized void close() {
        for (int k : made) {
            quietly("netns", "delete", namespace(k));
            quietly("link", "delete", LINK_PREFIX + k + "h");
            forget(namespace(k));
        }
        made.clear();
    }

    /**
     * Removes namespaces and links of this benchmark whose owning JVM is gone (a killed run's);
     * those of a live run (another benchmark, a test) stay.
     */
    static void reapStale() {
        for (String ns : names("netns", "list")) {
            if (ns.matches(NS_PREFIX + "\\d+") && !ownerAlive(ns)) {
                quietly("netns", "delete", ns);
                forget(ns);
            }
        }
        for (String link : names("-o", "link", "show")) {
            if (link.matches(LINK_PREFIX + "\\d+h") && !ownerAlive(NS_PREFIX + link.substring(LINK_PREFIX.length(),
                    link.length() - 1))) {
                quietly("link", "delete", link);
            }
        }
    }

    /** True if a live JVM (this one included) owns {@code ns}. */
    private static boolean ownerAlive(String ns) {
        try {
            long pid = Long.parseLong(Files.readString(OWNERS.resolve(ns)).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String ownerOf(String ns) {
        try {
            return Files.readString(OWNERS.resolve(ns)).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void forget(String ns) {
        try {
            Files.deleteIfExists(OWNERS.resolve(ns));
        } catch (IOException e) {
            // a stale owner file only names a dead pid
        }
    }

    /** Namespaces and host links numbered {@code first}..{@code first+count-1} that exist now. */
    static List<String> leftovers(int first, int count) {
        List<String> out = new ArrayList<>();
        for (String s : names("netns", "list")) {
            if (s.matches(NS_PREFIX + "\\d+") && inRange(s.substring(NS_PREFIX.length()), first, count)) {
                out.add(s);
            }
        }
        for (String s : names("-o", "link", "show")) {
            if (s.matches(LINK_PREFIX + "\\d+h") && inRange(s.substring(LINK_PREFIX.length(), s.length() - 1), first,
                    count)) {
                out.add(s);
            }
        }
        return out;
    }

    private static boolean inRange(String number, int first, int count) {
        int k = Integer.parseInt(number);
        return k >= first && k < first + count;
    }

    /** First word of each line ({@code ip netns list}) or the name field of {@code ip -o link show}. */
    private static List<String> names(String... args) {
        List<String> out = new ArrayList<>();
        String text;
        try {
            text = run(args);
        } catch (IllegalStateException e) {
            return out;
        }
        for (String line : text.split("\n")) {
            String s = line.trim();
            if (s.isEmpty()) {
                continue;
            }
            if ("-o".equals(args[0])) { // "12: pqs1h@if11: <BROADCAST..."
                String[] f = s.split(":\\s*");
                if (f.length > 1) {
                    out.add(f[1].split("@")[0]);
                }
            } else {
                out.add(s.split("\\s+")[0]);
            }
        }
        return out;
    }

    private static void ip(String... args) {
        run(args);
    }

    private static void quietly(String... args) {
        try {
            run(args);
        } catch (IllegalStateException e) {
            // already gone
        }
    }

    private static String run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ipBinary());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", cmd));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + text.trim());
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd));
        }
    }

    private static String ipBinary() {
        for (String p : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return "ip";
    }
}
