package dev.pq.spring.internal;

import dev.pq.scheduler.Schedule;
import dev.pq.scheduler.Scheduler;
import dev.pq.spring.PqProperties;
import dev.pq.tasks.Tasks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/** Builds the scheduler from {@code pq.schedule.*} and ensures its job, before the worker starts. */
public final class ScheduleHost implements BeforeWorkerStart {
    private static final Logger log = LoggerFactory.getLogger(ScheduleHost.class);

    private final PqProperties.Schedule settings;
    private final ResourceLoader resources;

    public ScheduleHost(PqProperties.Schedule settings, ResourceLoader resources) {
        this.settings = settings;
        this.resources = resources;
    }

    @Override
    public void run(Tasks tasks) {
        String location = settings.getLocation();
        Scheduler.Builder b = Scheduler.builder(tasks).zone(ZoneId.of(settings.getZone()));
        if (location.startsWith("classpath:")) {
            Resource r = resources.getResource(location);
            try (InputStream in = r.getInputStream()) {
                b.schedule(Schedule.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location));
            } catch (IOException e) {
                throw new UncheckedIOException("pq.schedule.location " + location + " cannot be read", e);
            }
        } else {
            b.scheduleFile(Path.of(location.startsWith("file:") ? location.substring(5) : location));
        }
        Scheduler scheduler = b.build();
        boolean started = scheduler.ensureStarted();
        log.info("pq schedule hosted location={} entries={} started={}", location, scheduler.schedule().entries().size(), started);
    }
}
