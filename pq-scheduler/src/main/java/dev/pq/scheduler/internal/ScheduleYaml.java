package dev.pq.scheduler.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pq.scheduler.ScheduleEntry;
import dev.pq.scheduler.ScheduleProblem;
import dev.pq.scheduler.ScheduleType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a schedule file (que-scheduler's format, with Jackson's YAML module): a mapping of entry
 * names to their settings. Every problem is collected, not only the first; an unknown key is one
 * (que-scheduler ignores them silently), with the key it was probably meant to be.
 */
public final class ScheduleYaml {
    static final Set<String> KEYS = Set.of("cron", "task", "class", "queue", "priority", "args", "schedule_type");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final ObjectMapper PLAIN = new ObjectMapper();

    /** What a file holds: its entries, and the problems found reading them. */
    public record Parsed(List<ScheduleEntry> entries, List<ScheduleProblem> problems) {
    }

    private ScheduleYaml() {
    }

    public static Parsed parse(String yaml) {
        List<ScheduleEntry> entries = new ArrayList<>();
        List<ScheduleProblem> problems = new ArrayList<>();
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            problems.add(new ScheduleProblem(null, null, "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
            return new Parsed(entries, problems);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return new Parsed(entries, problems); // an empty file: no entries
        }
        if (!root.isObject()) {
            problems.add(new ScheduleProblem(null, null, "the file must map entry names to their settings "
                    + "(daily_report: {cron: \"0 7 * * *\"}), not be a " + root.getNodeType().toString().toLowerCase()));
            return new Parsed(entries, problems);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ScheduleEntry entry = entry(e.getKey(), e.getValue(), problems);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return new Parsed(entries, problems);
    }

    private static ScheduleEntry entry(String name, JsonNode node, List<ScheduleProblem> problems) {
        if (!node.isObject()) {
            problems.add(new ScheduleProblem(name, null, "must be a mapping of settings (cron, task, queue, priority, "
                    + "args, schedule_type)"));
            return null;
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String k = keys.next();
            if (!KEYS.contains(k)) {
                String near = Suggest.nearest(k, KEYS);
                problems.add(new ScheduleProblem(name, k, "unknown key" + (near == null ? "" : ": did you mean \"" + near
                        + "\"?") + " (known: cron, task or class, queue, priority, args, schedule_type)"));
            }
        }
        String cron = text(name, node, "cron", problems); // a missing one is reported by Schedule.validate
        if (node.has("task") && node.has("class")) {
            problems.add(new ScheduleProblem(name, "class", "give task or class, not both"));
        }
        String task = text(name, node, node.has("class") ? "class" : "task", problems);
        String queue = text(name, node, "queue", problems);
        Integer priority = null;
        JsonNode p = node.get("priority");
        if (p != null && !p.isNull()) {
            if (p.isIntegralNumber() && p.canConvertToInt()) {
                priority = p.intValue();
            } else {
                problems.add(new ScheduleProblem(name, "priority", "must be an integer (lower is more important): " + p));
            }
        }
        ScheduleType type = null;
        String t = text(name, node, "schedule_type", problems);
        if (t != null) {
            type = ScheduleType.ofYaml(t);
            if (type == null) {
                problems.add(new ScheduleProblem(name, "schedule_type", "unknown \"" + t + "\": give default or every_event"));
            }
        }
        boolean badCron = node.has("cron") && cron == null; // reported already: not a string
        return new ScheduleEntry(name, task, cron == null ? (badCron ? "?" : "") : cron, queue, priority,
                args(node.get("args")), type);
    }

    /** A list is the positional arguments; any other value is one argument; absent or null is none. */
    private static List<Object> args(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<Object> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(PLAIN.convertValue(n, Object.class)));
        } else {
            out.add(PLAIN.convertValue(node, Object.class));
        }
        return out;
    }

    private static String text(String entry, JsonNode node, String key, List<ScheduleProblem> problems) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            problems.add(new ScheduleProblem(entry, key, "must be a string: " + v));
            return null;
        }
        return v.textValue();
    }
}
