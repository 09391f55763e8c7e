package dev.tern.console;

import dev.tern.testing.RunningTern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /dashboard} and its files, uPlot from its WebJar included, come from the jar with a self-only policy. */
class DashboardPageTest {
    private static RunningTern tern;

    @BeforeAll
    static void start() {
        tern = RunningTern.start();
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    @Test
    void servesThePageItsScriptsAndUPlotFromTheJar() {
        HttpResponse<String> page = tern.send("GET", "/dashboard", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).startsWith("default-src 'self'").contains("connect-src 'self'"));
        assertThat(page.body()).contains("/console/dashboard/uPlot.min.js").doesNotContain("https://");

        HttpResponse<String> uPlot = tern.send("GET", "/console/dashboard/uPlot.min.js", null, null);
        assertThat(uPlot.statusCode()).isEqualTo(200);
        assertThat(uPlot.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(uPlot.body()).contains("uPlot");
        assertThat(tern.send("GET", "/console/dashboard/uPlot.min.css", null, null).statusCode()).isEqualTo(200);
        assertThat(tern.send("GET", "/console/dashboard/dashboard.js", null, null).body()).contains("/metrics");
        assertThat(tern.send("GET", "/console/dashboard/nothing.js", null, null).statusCode()).isEqualTo(404);
    }
}
