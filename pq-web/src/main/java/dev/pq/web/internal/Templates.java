package dev.pq.web.internal;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The Mustache templates under {@code dev/pq/web/templates}, compiled once; {@code {{x}}} escapes HTML. */
final class Templates {
    private final MustacheFactory factory = new DefaultMustacheFactory("dev/pq/web/templates");
    private final Map<String, Mustache> compiled = new ConcurrentHashMap<>();

    /** Renders a template; a later scope's names hide an earlier one's. */
    String render(String name, Object... scopes) {
        Mustache m = compiled.computeIfAbsent(name, n -> factory.compile(n + ".mustache"));
        StringWriter out = new StringWriter(8192);
        m.execute(out, scopes);
        return out.toString();
    }
}
