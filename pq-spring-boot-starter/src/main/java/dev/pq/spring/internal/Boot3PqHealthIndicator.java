package dev.pq.spring.internal;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** {@link PqHealth} as Spring Boot 3's health indicator ({@code org.springframework.boot.actuate.health}). */
public final class Boot3PqHealthIndicator implements HealthIndicator {
    private final PqHealth health;

    public Boot3PqHealthIndicator(PqHealth health) {
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
