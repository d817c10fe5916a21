package dev.pq.web.internal;

import com.github.mustachejava.util.HtmlEscaper;
import java.io.StringWriter;

/** HTML escaping for the markup this module writes itself (SVG charts), with the templates' own escaper. */
final class Html {
    private Html() {
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringWriter out = new StringWriter(s.length() + 16);
        HtmlEscaper.escape(s, out);
        return out.toString();
    }
}
