package dev.pq.web.internal;

import dev.pq.tasks.Admin;
import java.time.Duration;

/** A dashboard's validated settings. {@code token}, {@code user} and {@code password} may be null. */
public record Settings(Admin admin, String token, String user, String password, boolean noAuth, boolean readOnly,
                       Duration refresh, Duration sessionTimeout) {
    @Override
    public String toString() {
        return "Settings[auth=" + (noAuth ? "none (loopback only)" : (token != null ? "token" : "")
                + (user != null ? (token != null ? "+" : "") + "basic user " + user : "")) + ", readOnly=" + readOnly
                + ", refresh=" + refresh + "]";
    }
}
