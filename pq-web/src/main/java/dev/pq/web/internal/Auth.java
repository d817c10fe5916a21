package dev.pq.web.internal;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who is asking, and may they act: a Bearer token, HTTP basic credentials, a login session (an
 * HttpOnly, SameSite=Strict cookie naming a server-side session), or nobody when authentication is
 * off (loopback clients only). Secrets are compared in constant time (digests compared with
 * {@link MessageDigest#isEqual}). Every caller but a Bearer one must send the CSRF token of its
 * session with each POST.
 */
final class Auth {
    static final String COOKIE = "pq_session";
    static final int MAX_SESSIONS = 10_000;
    /** Failed logins or credentials one client address may send per minute before it is refused. */
    static final int MAX_FAILURES_PER_MINUTE = 20;

    /** An authenticated caller; {@code csrf} null when its requests need no CSRF token (Bearer). */
    record Caller(String kind, String csrf, String session) {
    }

    private record Session(String csrf, Instant expires) {
    }

    private final Settings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final byte[] secret = new byte[32];
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    Auth(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        random.nextBytes(secret);
    }

    /** The caller, or null when the request carries no valid credentials. */
    Caller caller(HttpServletRequest req) {
        if (settings.noAuth()) {
            if (!loopback(req.getRemoteAddr())) {
                throw HttpError.forbidden("this dashboard runs without authentication, so it serves only "
                        + "clients on this machine (127.0.0.1 or ::1); start it with a token to serve others");
            }
            return new Caller("anonymous", mac("anonymous"), null);
        }
        String header = req.getHeader("Authorization");
        if (header != null) {
            if (header.regionMatches(true, 0, "Bearer ", 0, 7) && settings.token() != null) {
                return same(header.substring(7).strip(), settings.token()) ? new Caller("bearer", null, null) : null;
            }
            if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return basic(header.substring(6).strip());
            }
            return null;
        }
        String id = cookie(req);
        if (id != null) {
            Session s = sessions.get(id);
            Instant now = clock.instant();
            if (s != null && s.expires().isAfter(now)) {
                sessions.put(id, new Session(s.csrf(), now.plus(settings.sessionTimeout())));
                return new Caller("session", s.csrf(), id);
            }
            sessions.remove(id);
        }
        return null;
    }

    private Caller basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        boolean ok = settings.user() != null
                ? same(user, settings.user()) & same(password, settings.password())
                : settings.token() != null && same(password, settings.token());
        return ok ? new Caller("basic", mac("basic:" + user), null) : null;
    }

    /** Whether a login form's token (or basic password) is right. */
    boolean loginAccepted(String token) {
        if (token == null) {
            return false;
        }
        boolean ok = settings.token() != null && same(token.strip(), settings.token());
        return ok | (settings.password() != null && same(token, settings.password()));
    }

    /** Opens a login session and sets its cookie. */
    void login(HttpServletRequest req, HttpServletResponse resp) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> !s.expires().isAfter(now));
        }
        if (sessions.size() >= MAX_SESSIONS) {
            throw new HttpError(503, "too many open sessions: try again later");
        }
        String id = randomToken();
        sessions.put(id, new Session(randomToken(), now.plus(settings.sessionTimeout())));
        resp.addHeader("Set-Cookie", cookieHeader(req, id, -1));
    }

    void logout(HttpServletRequest req, HttpServletResponse resp, Caller caller) {
        if (caller.session() != null) {
            sessions.remove(caller.session());
        }
        resp.addHeader("Set-Cookie", cookieHeader(req, "", 0));
    }

    /** Refuses a POST whose CSRF token is missing or wrong (a Bearer caller needs none). */
    void checkCsrf(Caller caller, String sent) {
        if (caller.csrf() == null) {
            return;
        }
        if (sent == null || sent.isEmpty()) {
            throw HttpError.forbidden("missing CSRF token: actions must be sent from the dashboard's own forms "
                    + "(reload the page and try again)");
        }
        if (!same(sent, caller.csrf())) {
            throw HttpError.forbidden("wrong CSRF token: reload the page and try again");
        }
    }

    /** A signature of a message the dashboard puts in a redirect, so a crafted link cannot show text of its own. */
    String sign(String message) {
        return mac("flash:" + message);
    }

    /** The flash message if its signature is this dashboard's, else null. */
    String verifiedFlash(String message, String signature) {
        return message != null && signature != null && same(signature, sign(message)) ? message : null;
    }

    private static String cookieHeader(HttpServletRequest req, String value, int maxAge) {
        String path = req.getContextPath() + req.getServletPath();
        return COOKIE + "=" + value + "; Path=" + (path.isEmpty() ? "/" : path) + "; HttpOnly; SameSite=Strict"
                + (req.isSecure() ? "; Secure" : "") + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
    }

    private static String cookie(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (COOKIE.equals(c.getName()) && !c.getValue().isEmpty()) {
                return c.getValue();
            }
        }
        return null;
    }

    private String randomToken() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String mac(String what) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(m.doFinal(what.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Constant-time equality: digests of both (so lengths leak nothing either), compared with isEqual. */
    static boolean same(String given, String expected) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] a = d.digest(given.getBytes(StandardCharsets.UTF_8));
            byte[] b = d.digest(expected.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static boolean loopback(String address) {
        if (address == null) {
            return false;
        }
        try {
            return InetAddress.getByName(address.startsWith("[") ? address.substring(1, address.length() - 1) : address)
                    .isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
