package dev.tern.bench.soak;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Whether a figure stays flat after warm-up: the median of the last third of the samples taken after warm-up may
 * exceed the median of the first third by at most {@code allowedGrowth}. Medians of thirds, not single samples, so
 * that one look at a moment of many reconnects does not decide; growth only, since a leak grows (a figure that
 * falls is reported in the range but is no failure). Needs at least six samples after warm-up.
 */
record Flatness(String figure, String unit, double first, double last, double min, double max, int samples,
                double allowedGrowth) {
    static final int MIN_SAMPLES = 6;

    static Flatness of(String figure, String unit, List<Sample> afterWarmUp, ToDoubleFunction<Sample> value,
                       double allowedGrowth) {
        double[] values = afterWarmUp.stream().mapToDouble(value).toArray();
        int third = values.length / 3;
        if (values.length < MIN_SAMPLES) {
            return new Flatness(figure, unit, Double.NaN, Double.NaN, Double.NaN, Double.NaN, values.length, allowedGrowth);
        }
        return new Flatness(figure, unit, median(Arrays.copyOfRange(values, 0, third)),
                median(Arrays.copyOfRange(values, values.length - third, values.length)),
                Arrays.stream(values).min().orElseThrow(), Arrays.stream(values).max().orElseThrow(), values.length,
                allowedGrowth);
    }

    double growth() {
        return last / first - 1;
    }

    boolean passed() {
        return samples >= MIN_SAMPLES && growth() <= allowedGrowth;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
