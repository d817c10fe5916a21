package dev.pq.web.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Line charts as SVG, rendered on the server: no script, nothing loaded from elsewhere. Colours come
 * from the stylesheet (classes {@code s0}..{@code s5}); every text is escaped here, since the
 * templates insert the SVG as it is.
 */
final class Charts {
    static final int WIDTH = 760;
    static final int HEIGHT = 220;
    private static final int LEFT = 64;
    private static final int RIGHT = 12;
    private static final int TOP = 12;
    private static final int BOTTOM = 46;

    /** One line: a value per x, {@code NaN} for no value (a gap). */
    record Series(String name, double[] values) {
    }

    private Charts() {
    }

    /**
     * A chart of {@code series} over {@code xs}; {@code label} formats a y value (a count, a
     * duration in microseconds).
     */
    static String lines(String title, List<Instant> xs, List<Series> series, DoubleFunction<String> label,
                        boolean withDate) {
        double max = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double top = nice(max);
        int w = WIDTH - LEFT - RIGHT;
        int h = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\">");
        svg.append("<title>").append(Html.escape(title)).append("</title>");
        for (int i = 0; i <= 4; i++) {
            double y = TOP + h - h * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>",
                    LEFT, y, LEFT + w, y));
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    LEFT - 6, y + 4, Html.escape(label.apply(top * i / 4.0))));
        }
        int n = xs.size();
        if (n > 0) {
            DateTimeFormatter f = DateTimeFormatter.ofPattern(withDate ? "MM-dd HH:mm" : "HH:mm").withZone(ZoneOffset.UTC);
            int[] ticks = n == 1 ? new int[] {0} : new int[] {0, (n - 1) / 2, n - 1};
            for (int t : ticks) {
                String anchor = n == 1 ? "middle" : t == 0 ? "start" : t == n - 1 ? "end" : "middle";
                svg.append(String.format(Locale.ROOT,
                        "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>",
                        x(t, n, w), TOP + h + 16, anchor, f.format(xs.get(t))));
            }
        }
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            StringBuilder d = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < Math.min(n, s.values().length); i++) {
                double v = s.values()[i];
                if (Double.isNaN(v)) {
                    pen = false;
                    continue;
                }
                double y = TOP + h - (top == 0 ? 0 : h * v / top);
                d.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f", x(i, n, w), y));
                pen = true;
            }
            if (d.length() > 0) {
                svg.append("<path class=\"line s").append(k % 6).append("\" d=\"").append(d.toString().strip())
                        .append("\"/>");
            }
            int lx = LEFT + 140 * k;
            svg.append("<rect class=\"key s").append(k % 6).append("\" x=\"").append(lx).append("\" y=\"")
                    .append(HEIGHT - 16).append("\" width=\"12\" height=\"4\"/>");
            svg.append("<text class=\"legend\" x=\"").append(lx + 16).append("\" y=\"").append(HEIGHT - 11)
                    .append("\">").append(Html.escape(s.name())).append("</text>");
        }
        if (n == 0 || max == 0) {
            svg.append("<text class=\"empty\" x=\"").append(LEFT + w / 2).append("\" y=\"").append(TOP + h / 2)
                    .append("\" text-anchor=\"middle\">no data in this period</text>");
        }
        return svg.append("</svg>").toString();
    }

    private static double x(int i, int n, int w) {
        return LEFT + (n == 1 ? w / 2.0 : w * i / (double) (n - 1));
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code v} (1 for nothing). */
    static double nice(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
