package dev.pq.spring.internal;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** {@link PqHealth} as Spring Boot 4's health indicator ({@code org.springframework.boot.health.contributor}). */
public final class Boot4PqHealthIndicator implements HealthIndicator {
    private final PqHealth health;

    public Boot4PqHealthIndicator(PqHealth health) {
        this.health = health;
    }

    @Override
    public Health health() {
        try {
            PqHealth.Result r = health.check();
            return Health.status(r.status()).withDetails(r.details()).build();
        } catch (RuntimeException e) {
            return Health.down(e).build();
        }
    }
}
