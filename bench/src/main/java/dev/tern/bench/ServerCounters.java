package dev.tern.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Tern's webhook counters from {@code /metrics}: failed attempts and discontinuities, to note beside a figure. */
record ServerCounters(double failed, double discontinuities) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static ServerCounters read(Target server) {
        try {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + server.host() + ":" + server.port()
                    + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return new ServerCounters(value(text, "tern_webhook_deliveries_total", "result=\"failed\""),
                    value(text, "tern_webhook_discontinuities_total", ""));
        } catch (IOException e) {
            return new ServerCounters(Double.NaN, Double.NaN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sample of {@code name} whose labels contain {@code label}; 0 when there is none yet. */
    private static double value(String metrics, String name, String label) {
        for (String line : metrics.split("\n")) {
            if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(label)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return 0;
    }

    ServerCounters minus(ServerCounters earlier) {
        return new ServerCounters(failed - earlier.failed, discontinuities - earlier.discontinuities);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.0f attempts failed, %.0f discontinuities", failed, discontinuities);
    }
}
