package dev.pq.web;

import dev.pq.tasks.Tasks;
import dev.pq.web.internal.DashboardServlet;
import dev.pq.web.internal.Settings;
import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import java.util.Objects;

/**
 * The pq dashboard: queues, jobs, failures, workers and stats charts, with pause, resume, cancel,
 * retry and delete. It is a Jakarta Servlet ({@link #servlet()}) that any servlet container mounts
 * under a path of its own; {@link DashboardServer} (and {@code pq web}) serve it with Jetty.
 *
 * <pre>{@code
 * Dashboard dashboard = Dashboard.builder(tasks)
 *         .token(System.getenv("PQ_WEB_TOKEN"))   // Bearer for scripts, a login form for browsers
 *         .build();
 * // in Spring Boot: new ServletRegistrationBean<>(dashboard.servlet(), "/pq/*")
 * try (DashboardServer server = DashboardServer.start(dashboard, "127.0.0.1", 8080)) { ... }
 * }</pre>
 *
 * <p>Authentication is required: a token ({@code Authorization: Bearer}, or the login form, which
 * sets an HttpOnly, SameSite=Strict session cookie), or HTTP basic credentials. Only
 * {@link Builder#noAuthentication()} turns it off, and then the dashboard serves requests from the
 * loopback address only. Every action is a POST that carries a CSRF token (requests with a Bearer
 * token need none: browsers never send one by themselves); {@link Builder#readOnly(boolean)} hides
 * and refuses every action.
 */
public final class Dashboard {
    private final Settings settings;

    private Dashboard(Settings settings) {
        this.settings = settings;
    }

    /** A builder over the tasks whose table the dashboard shows. */
    public static Builder builder(Tasks tasks) {
        return new Builder(tasks);
    }

    /** A new servlet serving this dashboard; mount it at {@code /prefix/*} (links follow the prefix). */
    public HttpServlet servlet() {
        return new DashboardServlet(settings);
    }

    /** Whether actions are hidden and refused. */
    public boolean readOnly() {
        return settings.readOnly();
    }

    /** Whether authentication is off (loopback clients only). */
    public boolean authenticationOff() {
        return settings.noAuth();
    }

    /** Settings of a {@link Dashboard}; validated and copied at {@link #build()}. */
    public static final class Builder {
        /** The shortest token accepted. */
        public static final int MIN_TOKEN_LENGTH = 12;

        private final Tasks tasks;
        private String token;
        private String user;
        private String password;
        private boolean noAuth;
        private boolean readOnly;
        private Duration refresh = Duration.ofSeconds(5);
        private Duration sessionTimeout = Duration.ofHours(12);

        private Builder(Tasks tasks) {
            this.tasks = Objects.requireNonNull(tasks, "tasks");
        }

        /** The secret token: {@code Authorization: Bearer <token>} or the login form (at least 12 characters). */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** HTTP basic credentials, accepted besides (or instead of) the token. */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** No authentication at all: every request from another address than loopback is refused (403). */
        public Builder noAuthentication() {
            this.noAuth = true;
            return this;
        }

        /** Hide every action (pause, resume, cancel, retry, delete) and refuse their POSTs with 403 (default false). */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /** How often open pages refresh their content (default 5 s; zero: never). */
        public Builder refreshInterval(Duration refresh) {
            this.refresh = Objects.requireNonNull(refresh, "refreshInterval");
            return this;
        }

        /** How long a login session lasts without a request (default 12 h). */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = Objects.requireNonNull(timeout, "sessionTimeout");
            return this;
        }

        /** Validates the settings and builds the dashboard. */
        public Dashboard build() {
            boolean hasToken = token != null;
            boolean hasBasic = user != null || password != null;
            if (hasToken && token.strip().length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("token must be at least " + MIN_TOKEN_LENGTH
                        + " characters (use a random one, such as: openssl rand -hex 16): " + token.strip().length());
            }
            if (hasBasic && (user == null || user.isBlank() || user.contains(":"))) {
                throw new IllegalArgumentException("credentials: user must be non-blank and contain no ':'");
            }
            if (hasBasic && (password == null || password.length() < MIN_TOKEN_LENGTH)) {
                throw new IllegalArgumentException("credentials: password must be at least " + MIN_TOKEN_LENGTH
                        + " characters");
            }
            if (noAuth && (hasToken || hasBasic)) {
                throw new IllegalArgumentException("noAuthentication() and a token or credentials exclude each other");
            }
            if (!noAuth && !hasToken && !hasBasic) {
                throw new IllegalArgumentException("the dashboard needs a token or credentials; "
                        + "or noAuthentication() to serve loopback clients without any");
            }
            if (refresh.isNegative() || (!refresh.isZero() && refresh.compareTo(Duration.ofSeconds(1)) < 0)) {
                throw new IllegalArgumentException("refreshInterval must be zero or >= 1s: " + refresh);
            }
            if (sessionTimeout.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("sessionTimeout must be >= 1m: " + sessionTimeout);
            }
            return new Dashboard(new Settings(tasks.admin(), hasToken ? token.strip() : null, user, password, noAuth,
                    readOnly, refresh, sessionTimeout));
        }
    }
}
