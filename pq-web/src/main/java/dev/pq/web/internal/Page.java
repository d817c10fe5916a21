package dev.pq.web.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One request as the pages see it: the mount prefix links start with, the caller's CSRF token,
 * whether actions are shown, the time, and the parameters (checked, with 400 for bad ones).
 */
record Page(HttpServletRequest req, String base, String csrf, boolean actions, Instant now) {
    static final int PAGE_SIZE = 50;

    /** The names every template may use: base, csrf, actions, now. */
    Map<String, Object> scope() {
        return Fmt.map("base", base, "csrf", csrf, "actions", actions, "now", Fmt.time(now));
    }

    String param(String name) {
        String v = req.getParameter(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The 1-based page number of {@code ?page=}. */
    int pageNumber() {
        String p = param("page");
        if (p == null) {
            return 1;
        }
        try {
            int n = Integer.parseInt(p);
            if (n >= 1 && n <= 1_000_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HttpError.badRequest("page must be a number from 1: " + p);
    }

    /** This page's path and query, relative to the prefix: where an action returns to. */
    String back() {
        String q = req.getQueryString();
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        return q == null ? path : path + "?" + q.replaceAll("(^|&)(done|sig)=[^&]*", "");
    }

    /** Links to the pages before and after this one (the caller fetched one row more than a page). */
    Map<String, Object> pager(int page, boolean more) {
        return Fmt.map("page", page, "prev", page > 1 ? link(page - 1) : null, "next", more ? link(page + 1) : null);
    }

    private String link(int page) {
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, String[]> e : req.getParameterMap().entrySet()) {
            if (!List.of("page", "done", "sig").contains(e.getKey())) {
                for (String v : e.getValue()) {
                    q.append(q.length() == 0 ? "?" : "&").append(url(e.getKey())).append('=').append(url(v));
                }
            }
        }
        q.append(q.length() == 0 ? "?" : "&").append("page=").append(page);
        return base + (req.getPathInfo() == null ? "/" : req.getPathInfo()) + q;
    }

    /** A POST button: its path (relative to the prefix), label, style, and hidden fields (name, value, ...). */
    Map<String, Object> action(String path, String label, String style, String confirm, String... fields) {
        List<Map<String, Object>> f = new ArrayList<>();
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i + 1] != null) {
                f.add(Fmt.map("name", fields[i], "value", fields[i + 1]));
            }
        }
        return Fmt.map("actionPath", path, "label", label, "style", style, "confirm", confirm, "fields", f,
                "back", back());
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
