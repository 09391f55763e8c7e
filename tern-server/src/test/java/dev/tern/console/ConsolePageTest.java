package dev.tern.console;

import dev.tern.testing.RunningTern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's files are served from the jar; its behaviour is tested in Chromium (console-tests/). */
class ConsolePageTest {
    private RunningTern tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    @Test
    void servesThePageAndItsAssetsWithoutAToken() {
        tern = RunningTern.start();
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
        assertThat(page.body()).contains("<script src=\"/console/console.js\"").contains("/console/console.css");

        HttpResponse<String> script = get("/console/console.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("EventSource").contains("WebSocket");
        assertThat(get("/console/console.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");

        assertThat(get("/console/other.js").statusCode()).isEqualTo(404);
        assertThat(get("/console/../pom.xml").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) {
        try {
            return tern.http().send(java.net.http.HttpRequest.newBuilder(tern.uri(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
