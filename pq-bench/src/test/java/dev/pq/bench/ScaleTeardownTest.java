package dev.pq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * pq.scale leaves nothing behind: its namespaces, veth links and PostgreSQL cluster are gone
 * after close, and a run that died without closing is reaped by the next one. It makes real
 * namespaces (numbered 201.., apart from the benchmark's 1..8) and a real cluster; where this
 * user may not create namespaces, the namespace tests are skipped, and the cluster test where
 * there are no PostgreSQL binaries.
 */
class ScaleTeardownTest {
    private static final int FIRST = 201;

    @Test
    void close_removesNamespacesAndLinks_afterTheyWereReachable() throws Exception {
        ScaleNet net = ScaleNet.create(FIRST, 2);
        try {
            assumeFalse(net.loopback(), () -> "no network namespaces here: " + net.fallbackReason());
            assertEquals(List.of("pqscale201", "pqscale202", "pqs201h", "pqs202h"), ScaleNet.leftovers(FIRST, 2));
            // a TCP connection from inside the namespace to its host-side address (where the server listens)
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(ScaleNet.hostAddress(FIRST)))) {
                Process client = new ProcessBuilder(net.wrap(FIRST, List.of("bash", "-c", "exec 3<>/dev/tcp/"
                        + ScaleNet.hostAddress(FIRST) + "/" + server.getLocalPort()))).redirectErrorStream(true).start();
                server.setSoTimeout(10_000);
                try (Socket accepted = server.accept()) {
                    assertEquals("10.213.201.2", accepted.getInetAddress().getHostAddress(), "the namespace's own address");
                }
                client.getInputStream().readAllBytes();
                assertEquals(0, client.waitFor());
            }
        } finally {
            net.close();
        }
        assertEquals(List.of(), ScaleNet.leftovers(FIRST, 2));
        assertFalse(Files.exists(ScaleNet.OWNERS.resolve("pqscale201")), "owner file removed");
    }

    @Test
    void reapStale_removesNamespacesWhoseOwnerIsGone_andKeepsLiveOnes() throws Exception {
        ScaleNet live = ScaleNet.create(FIRST + 2, 1);
        try {
            assumeFalse(live.loopback(), () -> "no network namespaces here: " + live.fallbackReason());
            ScaleNet dead = ScaleNet.create(FIRST + 3, 1);
            // as if its JVM had been killed: the owner file names a process that no longer exists
            Files.writeString(ScaleNet.OWNERS.resolve("pqscale" + (FIRST + 3)), Long.toString(deadPid()));
            ScaleNet.reapStale();
            assertEquals(List.of(), ScaleNet.leftovers(FIRST + 3, 1));
            assertEquals(List.of("pqscale203", "pqs203h"), ScaleNet.leftovers(FIRST + 2, 1));
            dead.close();
        } finally {
            live.close();
        }
        assertEquals(List.of(), ScaleNet.leftovers(FIRST + 2, 1));
    }

    @Test
    void create_leavesANamespaceOfAnotherLiveProcessAlone_andFallsBackToLoopback() throws Exception {
        String other = Long.toString(ProcessHandle.current().parent().orElseThrow().pid());
        Files.createDirectories(ScaleNet.OWNERS);
        Path owner = ScaleNet.OWNERS.resolve("pqscale" + (FIRST + 4));
        Files.writeString(owner, other);
        try {
            ScaleNet net = ScaleNet.create(FIRST + 4, 1);
            net.close();
            assertTrue(net.loopback(), "falls back when the name is taken");
            assertTrue(net.fallbackReason().contains("in use"), net.fallbackReason());
            assertEquals(other, Files.readString(owner), "the other process's claim stays");
        } finally {
            Files.deleteIfExists(owner);
        }
    }

    @Test
    void clusterClose_stopsTheServerAndRemovesItsDirectory() throws Exception {
        assumeTrue(Files.isExecutable(ScaleCluster.binaries().resolve("initdb")),
                () -> "no PostgreSQL binaries in " + ScaleCluster.binaries() + " (PQ_SCALE_PG_BIN)");
        ScaleCluster cluster = ScaleCluster.start("127.0.0.1");
        long postmaster = cluster.postmasterPid();
        try (Connection c = DriverManager.getConnection(cluster.url("127.0.0.1", "scale-test"))) {
            assertTrue(c.isValid(5));
        } finally {
            cluster.close();
        }
        // pg_ctl returns once postmaster.pid is gone, a moment before the process has exited
        ProcessHandle.of(postmaster).ifPresent(p -> p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false), "postmaster stopped");
        try (var dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            String mine = "pq-scale-" + ProcessHandle.current().pid() + "-";
            assertEquals(List.of(), dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(mine)).toList());
        }
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
