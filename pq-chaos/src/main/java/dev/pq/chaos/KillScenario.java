package dev.pq.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Scenario 4: SIGKILL of worker processes under load, each replaced at once by a new process (as
 * a supervisor would): one kill, or a random worker every 3 s for a while. A killed process's
 * locker connection dies with it, and with it its job locks; its uncommitted work rolls back.
 */
final class KillScenario extends FaultScenario {
    static final Duration EVERY = Duration.ofSeconds(3);
    private final boolean repeated;

    KillScenario(boolean repeated) {
        this.repeated = repeated;
    }

    @Override
    public String id() {
        return repeated ? "kill.random" : "kill.one";
    }

    @Override
    public String title(Scale s) {
        return repeated ? "SIGKILL of a random worker every 3 s for " + seconds(s.killFor()) + ", each replaced"
                : "SIGKILL of one worker mid-load, replaced";
    }

    @Override
    Instant inject(Run run) {
        long start = System.nanoTime();
        long length = repeated ? run.env.scale().killFor().toNanos() : 1;
        List<Fleet.Member> replacements = new ArrayList<>();
        Instant end = Instant.now();
        int kills = 0;
        for (long at = start; at - start < length; at += EVERY.toNanos()) {
            Sleeps.until(at);
            List<Fleet.Member> alive = run.fleet.alive();
            Fleet.Member victim = alive.get(ThreadLocalRandom.current().nextInt(alive.size()));
            Instant t = Instant.now();
            run.fleet.kill(victim);
            end = Instant.now();
            run.timeline.add("SIGKILL " + victim.label(), t, end);
            replacements.add(run.fleet.spawn());
            kills++;
        }
        List<String> startups = new ArrayList<>();
        for (Fleet.Member m : replacements) {
            if (m.alive()) {
                Instant ready = run.fleet.awaitReady(m, Duration.ofSeconds(60));
                startups.add(m.label() + " " + Duration.between(m.spawnedAt(), ready).toMillis() + " ms");
            }
        }
        run.notes.add(kills + " workers SIGKILLed; replacements' JVM start to worker started: " + String.join(", ", startups));
        return end;
    }
}
