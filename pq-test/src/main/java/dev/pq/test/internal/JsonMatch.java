package dev.pq.test.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Comparator;

/**
 * Compares stored arguments with expected ones as JSON trees: object keys in any order (jsonb
 * reorders them), numbers by value (jsonb stores {@code 1.0} and a long the way it likes).
 */
public final class JsonMatch {
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private JsonMatch() {
    }

    /** Parses JSON text, or null for null. */
    public static JsonNode parse(ObjectMapper mapper, String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("pq-test: stored arguments are not JSON: " + json, e);
        }
    }

    /** True if the two trees are equal as JSON values. */
    public static boolean same(JsonNode stored, JsonNode expected) {
        if (stored == null || expected == null) {
            return stored == expected;
        }
        return stored.equals(NUMBERS_BY_VALUE, expected);
    }
}
