package dev.tern.bench.soak;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleBiFunction;

/**
 * The run over time as a plain SVG (no script, no external font, so GitHub renders it): three panels sharing the
 * time axis (memory; publishes and deliveries per second; descriptors and threads), the warm-up shaded.
 */
final class SvgPlot {
    private static final int WIDTH = 900;
    private static final int PANEL = 190;
    private static final int LEFT = 70, RIGHT = 20, TOP = 30, GAP = 50;

    /** One line: a name, a colour and its value at sample {@code i} (which may look at sample {@code i - 1}). */
    private record Series(String name, String colour, ToDoubleBiFunction<List<Sample>, Integer> value) {
    }

    private SvgPlot() {
    }

    static String of(List<Sample> samples, double warmupSeconds) {
        int height = TOP + 3 * PANEL + 2 * GAP + 40;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, height));
        double end = samples.isEmpty() ? 1 : Math.max(1, samples.get(samples.size() - 1).seconds());
        panel(svg, samples, 0, end, warmupSeconds, "Memory (MiB)", List.of(
                new Series("resident memory (RSS)", "#1f77b4", (s, i) -> s.get(i).rssKib() / 1024.0),
                new Series("live heap after a full collection", "#d62728", (s, i) -> s.get(i).liveHeapKib() / 1024.0)));
        panel(svg, samples, 1, end, warmupSeconds, "Throughput (per second)", List.of(
                new Series("deliveries/s", "#2ca02c", (s, i) -> rate(s, i, true)),
                new Series("publishes/s", "#ff7f0e", (s, i) -> rate(s, i, false))));
        panel(svg, samples, 2, end, warmupSeconds, "Server process", List.of(
                new Series("open file descriptors", "#9467bd", (s, i) -> s.get(i).fileDescriptors()),
                new Series("threads", "#8c564b", (s, i) -> s.get(i).threads())));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">minutes since the load "
                + "started (grey: warm-up, left out of the flatness checks)</text>\n", LEFT + (WIDTH - LEFT - RIGHT) / 2,
                height - 10));
        return svg.append("</svg>\n").toString();
    }

    private static double rate(List<Sample> s, int i, boolean deliveries) {
        if (i == 0) {
            return Double.NaN;
        }
        double dt = s.get(i).seconds() - s.get(i - 1).seconds();
        long delta = deliveries ? s.get(i).delivered() - s.get(i - 1).delivered()
                : s.get(i).published() - s.get(i - 1).published();
        return delta / dt;
    }

    private static void panel(StringBuilder svg, List<Sample> samples, int index, double end, double warmup,
                              String title, List<Series> series) {
        int top = TOP + index * (PANEL + GAP);
        int plotWidth = WIDTH - LEFT - RIGHT;
        double max = 0;
        for (Series s : series) {
            for (int i = 0; i < samples.size(); i++) {
                double v = s.value().applyAsDouble(samples, i);
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double scaleMax = niceCeiling(max * 1.1);
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n", LEFT,
                top - 10, title));
        double warmupX = LEFT + plotWidth * Math.min(1, warmup / end);
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#eeeeee\"/>\n",
                LEFT, top, warmupX - LEFT, PANEL));
        for (int tick = 0; tick <= 4; tick++) {
            double value = scaleMax * tick / 4;
            double y = top + PANEL - PANEL * tick / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#cccccc\"/>\n",
                    LEFT, y, LEFT + plotWidth, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT - 6,
                    y + 4, label(value)));
        }
        double minutes = end / 60;
        double tickMinutes = minutes <= 5 ? 0.5 : minutes <= 15 ? 1 : minutes <= 40 ? 5 : 10;
        for (double m = 0; m <= minutes + 1e-9; m += tickMinutes) {
            double x = LEFT + plotWidth * (m * 60 / end);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999999\"/>\n",
                    x, top + PANEL, x, top + PANEL + 4));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x,
                    top + PANEL + 16, label(m)));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#666666\"/>\n", LEFT, top, plotWidth, PANEL));
        int legendX = LEFT + plotWidth;
        for (int k = series.size() - 1; k >= 0; k--) {
            Series s = series.get(k);
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < samples.size(); i++) {
                double v = s.value().applyAsDouble(samples, i);
                if (Double.isNaN(v)) {
                    continue;
                }
                double x = LEFT + plotWidth * (samples.get(i).seconds() / end);
                double y = top + PANEL - PANEL * (v / scaleMax);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" "
                    + "points=\"%s\"/>\n", s.colour(), points.toString().trim()));
            int textWidth = 7 * s.name().length();
            legendX -= textWidth + 24;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"3\"/>\n", legendX, top - 14, legendX + 16, top - 14, s.colour()));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>\n", legendX + 20, top - 10,
                    s.name()));
        }
    }

    private static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String label(double value) {
        if (value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
