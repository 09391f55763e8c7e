package dev.tern.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring kit in {@code deploy/} names only metrics a running Tern exports, and the dashboard shows every one
 * of them. {@code deploy/check} (promtool) validates the rules themselves.
 */
class MonitoringKitTest {
    private static final Path DEPLOY = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "deploy");
    private static final Pattern METRIC = Pattern.compile("\\btern_[a-z_]+");
    /**
     * Webhook metrics, named by the rules and the dashboard ahead of the build that exports them. Each is allowed
     * to be missing from /metrics only while no {@code tern_webhook_} metric exists at all: once webhooks export
     * metrics, these names must match theirs.
     */
    private static final Set<String> WEBHOOK_METRICS = Set.of("tern_webhook_lag_messages", "tern_webhook_deliveries_total");

    private static RunningTern tern;
    private static Set<String> exported;

    @BeforeAll
    static void scrape() {
        tern = RunningTern.start();
        String metrics = tern.send("GET", "/metrics", null, null).body();
        exported = metrics.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    @Test
    void everyMetricTheAlertingRulesNameIsExported() throws IOException {
        Set<String> named = metricNames(Files.readString(DEPLOY.resolve("prometheus/tern-alerts.yml")));
        assertThat(named).contains("tern_ready", "tern_engine_available", "tern_subscriber_lags_total",
                "tern_rejected_requests_total", "tern_webhook_lag_messages");
        assertExported(named);
    }

    @Test
    void everyMetricTheDashboardNamesIsExportedAndEveryExportedOneIsShown() throws IOException {
        JsonNode dashboard = TernHttp.json(Files.readString(DEPLOY.resolve("grafana/tern-dashboard.json")));
        StringBuilder expressions = new StringBuilder();
        dashboard.findValues("expr").forEach(e -> expressions.append(e.asText()).append('\n'));
        Set<String> named = metricNames(expressions.toString());
        assertExported(named);
        Set<String> shown = new TreeSet<>(named);
        assertThat(exported.stream().filter(m -> m.startsWith("tern_")))
                .as("every exported metric has a panel").allSatisfy(m -> assertThat(shown).contains(m));
    }

    private static void assertExported(Set<String> named) {
        boolean webhooksExported = exported.stream().anyMatch(m -> m.startsWith("tern_webhook_"));
        for (String metric : named) {
            if (!webhooksExported && WEBHOOK_METRICS.contains(metric)) {
                continue;   // see WEBHOOK_METRICS
            }
            assertThat(exported).as("%s is named in deploy/ but not exported by /metrics", metric).contains(metric);
        }
    }

    private static Set<String> metricNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }
}
