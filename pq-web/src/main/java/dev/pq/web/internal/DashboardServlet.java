package dev.pq.web.internal;

import dev.pq.PQException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard as a servlet: security headers on every response, authentication, CSRF and origin
 * checks on every POST, the pages (GET) and actions (POST, then 303 back to the page), and errors as
 * a status with a clear message, never a stack trace.
 */
public final class DashboardServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(DashboardServlet.class);
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final List<String[]> NAV = List.of(new String[] {"/", "Overview"},
            new String[] {"/scheduled", "Scheduled"}, new String[] {"/working", "Working"},
            new String[] {"/failed", "Failed"}, new String[] {"/workers", "Workers"}, new String[] {"/stats", "Stats"});

    private final transient Settings settings;
    private final transient Clock clock = Clock.systemUTC();
    private final transient Auth auth;
    private final transient Throttle throttle = new Throttle(Auth.MAX_FAILURES_PER_MINUTE, clock);
    private final transient Templates templates = new Templates();
    private final transient Pages pages;
    private final transient Actions actions;

    public DashboardServlet(Settings settings) {
        this.settings = settings;
        this.auth = new Auth(settings, clock);
        this.pages = new Pages(settings.admin(), templates);
        this.actions = new Actions(settings.admin());
        log.info("pq dashboard ready: {}", settings);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with the forms' POSTs
        resp.setHeader("Referrer-Policy", "same-origin");
        resp.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        String path = req.getPathInfo() == null || req.getPathInfo().isEmpty() ? "/" : req.getPathInfo();
        String base = req.getContextPath() + req.getServletPath();
        boolean post = req.getMethod().equals("POST");
        try {
            if (!post && !req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
                resp.setHeader("Allow", "GET, HEAD, POST");
                throw new HttpError(405, "method " + req.getMethod() + " is not allowed: pages are GET, actions POST");
            }
            if (path.startsWith("/static/") && !post) {
                serveStatic(path.substring(8), resp);
                return;
            }
            resp.setHeader("Cache-Control", "no-store");
            if (throttle.refused(req.getRemoteAddr())) {
                throw new HttpError(429, "too many failed logins from " + req.getRemoteAddr() + ": wait a minute");
            }
            if (path.equals("/login") && !settings.noAuth()) {
                login(req, resp, base, post);
                return;
            }
            Auth.Caller caller = auth.caller(req);
            if (caller == null) {
                if (req.getHeader("Authorization") != null) {
                    throttle.failed(req.getRemoteAddr());
                }
                unauthenticated(req, resp, base, path);
                return;
            }
            Page page = new Page(req, base, caller.csrf(), !settings.readOnly(), clock.instant());
            if (post) {
                checkOrigin(req);
                auth.checkCsrf(caller, req.getParameter("csrf") != null ? req.getParameter("csrf")
                        : req.getHeader("X-CSRF-Token"));
                if (path.equals("/logout")) {
                    auth.logout(req, resp, caller);
                    resp.setStatus(303);
                    resp.setHeader("Location", base + "/login");
                    return;
                }
                if (settings.readOnly()) {
                    throw HttpError.forbidden("this dashboard is read-only: it shows jobs but takes no action");
                }
                String done = actions.run(page, path);
                log.info("dashboard action {} by {} from {}: {}", path, caller.kind(), req.getRemoteAddr(), done);
                if (caller.kind().equals("bearer") && !wantsHtml(req)) {
                    text(resp, 200, done);
                } else {
                    resp.setStatus(303);
                    resp.setHeader("Location", back(base, req.getParameter("back"), done));
                }
                return;
            }
            Pages.Body body = pages.render(page, path);
            String flash = auth.verifiedFlash(req.getParameter("done"), req.getParameter("sig"));
            html(resp, 200, layout(page, body, flash, caller.session() != null));
        } catch (HttpError e) {
            error(req, resp, base, e.status(), e.getMessage());
        } catch (PQException e) {
            log.warn("dashboard {} {}: the database failed: {}", req.getMethod(), path, e.toString());
            error(req, resp, base, 503, "the database is unavailable or failed: " + e.getMessage()
                    + " (the dashboard retries at your next request)");
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString().substring(0, 8);
            log.error("dashboard {} {} failed (ref {})", req.getMethod(), path, ref, e);
            error(req, resp, base, 500, "internal error: the server's log has the details (ref " + ref + ")");
        }
    }

    private String layout(Page page, Pages.Body body, String flash, boolean session) {
        List<Map<String, Object>> nav = new ArrayList<>();
        for (String[] n : NAV) {
            nav.add(Fmt.map("path", n[0], "label", n[1], "active", n[0].equals(body.nav())));
        }
        return templates.render("layout", page.scope(), Fmt.map("title", body.title(), "nav", nav, "body", body.html(),
                "flash", flash, "session", session, "readOnly", settings.readOnly(),
                "refreshMs", settings.refresh().isZero() ? null : settings.refresh().toMillis()));
    }

    private void login(HttpServletRequest req, HttpServletResponse resp, String base, boolean post) throws IOException {
        String next = safePath(req.getParameter("next"));
        if (!post) {
            html(resp, 200, templates.render("login", Fmt.map("base", base, "next", next)));
            return;
        }
        checkOrigin(req);
        if (!auth.loginAccepted(req.getParameter("token"))) {
            throttle.failed(req.getRemoteAddr());
            log.warn("dashboard login refused from {}", req.getRemoteAddr());
            html(resp, 401, templates.render("login", Fmt.map("base", base, "next", next,
                    "error", "That token is not right.")));
            return;
        }
        auth.login(req, resp);
        log.info("dashboard login from {}", req.getRemoteAddr());
        resp.setStatus(303);
        resp.setHeader("Location", base + next);
    }

    private void unauthenticated(HttpServletRequest req, HttpServletResponse resp, String base, String path)
            throws IOException {
        if (wantsHtml(req) && req.getMethod().equals("GET") && !settings.noAuth() && req.getHeader("Authorization") == null) {
            String q = req.getQueryString();
            resp.setStatus(303);
            resp.setHeader("Location", base + "/login?next=" + Page.url(q == null ? path : path + "?" + q));
            return;
        }
        resp.addHeader("WWW-Authenticate", "Bearer realm=\"pq\"");
        if (settings.user() != null) {
            resp.addHeader("WWW-Authenticate", "Basic realm=\"pq\", charset=\"UTF-8\"");
        }
        text(resp, 401, "authentication required: send Authorization: Bearer <token>, or log in at " + base + "/login");
    }

    /** Refuses a POST whose Origin (or Referer) names another site than the one it was sent to. */
    private static void checkOrigin(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            String referer = req.getHeader("Referer");
            if (referer == null) {
                return;
            }
            origin = referer;
        }
        try {
            URI o = URI.create(origin);
            String host = req.getHeader("Host");
            if (o.getHost() != null && host != null && (o.getHost() + (o.getPort() < 0 ? "" : ":" + o.getPort()))
                    .equalsIgnoreCase(host)) {
                return;
            }
            if ("null".equals(origin)) {
                throw HttpError.forbidden("cross-origin request refused (Origin: null)");
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw HttpError.forbidden("cross-origin request refused: Origin " + origin + " is not this dashboard");
    }

    private String back(String base, String back, String done) {
        String path = safePath(back);
        return base + path + (path.contains("?") ? "&" : "?") + "done=" + Page.url(done) + "&sig=" + auth.sign(done);
    }

    /** A path inside the dashboard ("/..."), or "/" for anything else (no other host, no scheme). */
    static String safePath(String p) {
        if (p == null || !p.startsWith("/") || p.startsWith("//") || p.contains("\\") || p.length() > 2000
                || p.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "/";
        }
        return p;
    }

    private static boolean wantsHtml(HttpServletRequest req) {
        String accept = req.getHeader("Accept");
        return accept != null && accept.contains("text/html");
    }

    private void error(HttpServletRequest req, HttpServletResponse resp, String base, int status, String message)
            throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.setHeader("Cache-Control", "no-store");
        if (!wantsHtml(req)) {
            text(resp, status, message);
            return;
        }
        String reason = switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 409 -> "Conflict";
            case 429 -> "Too many requests";
            case 503 -> "Service unavailable";
            default -> "Error";
        };
        String body = templates.render("error", Fmt.map("base", base, "status", status, "reason", reason,
                "message", message));
        html(resp, status, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + status + " · pq"
                + "</title><link rel=\"stylesheet\" href=\"" + Html.escape(base) + "/static/pq.css\"></head><body><main>"
                + body + "</main></body></html>");
    }

    private static void html(HttpServletResponse resp, int status, String html) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/html;charset=utf-8");
        resp.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }

    private static void text(HttpServletResponse resp, int status, String text) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=utf-8");
        resp.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void serveStatic(String name, HttpServletResponse resp) throws IOException {
        String type = name.equals("pq.css") ? "text/css;charset=utf-8"
                : name.equals("pq.js") ? "text/javascript;charset=utf-8" : null;
        InputStream in = type == null ? null : DashboardServlet.class.getResourceAsStream("/dev/pq/web/static/" + name);
        if (in == null) {
            throw HttpError.notFound("no file " + name);
        }
        try (in) {
            resp.setStatus(200);
            resp.setContentType(type);
            resp.setHeader("Cache-Control", "max-age=300");
            in.transferTo(resp.getOutputStream());
        }
    }
}
