package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A publish answers the seed's bodiless 204 and tells the publisher where its message went, in two headers. */
class PublishPositionTest {
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "2s");
        http = new TernHttp(tern);
        key = tern.superUserKey();
        tern.createCache("pos");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static long header(HttpResponse<?> response, String name) {
        return Long.parseLong(response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name)));
    }

    @Test
    void eachPublishAnswersItsPageAndSequenceNumberAndSubscribersSeeTheSame() {
        HttpResponse<String> first = http.publishText("pos", "positions", key, "one");
        HttpResponse<String> second = http.publishText("pos", "positions", key, "two");

        assertThat(first.statusCode()).isEqualTo(204);
        assertThat(first.body()).isEmpty();
        long page = header(first, PublishPositionHeaders.SEQUENCE_PAGE);
        assertThat(page).isPositive();
        assertThat(header(first, PublishPositionHeaders.TOPIC_SEQUENCE_NUMBER)).isEqualTo(1);
        assertThat(header(second, PublishPositionHeaders.SEQUENCE_PAGE)).isEqualTo(page);
        assertThat(header(second, PublishPositionHeaders.TOPIC_SEQUENCE_NUMBER)).isEqualTo(2);

        List<JsonNode> items = TernHttp.items(http.longPoll("pos", "positions", key, 1, 0));
        assertThat(items).hasSize(2);
        assertThat(items.get(1).get("item").get("topic_sequence_number").asLong()).isEqualTo(2);
        assertThat(items.get(1).get("item").get("sequence_page").asLong()).isEqualTo(page);
    }

    @Test
    void aBrowserScriptMayReadThePositionHeaders() {
        HttpResponse<String> response = http.send(http.request("/topics/pos/cors")
                .header("Authorization", key)
                .header("Origin", "https://app.example.com")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
                .contains(PublishPositionHeaders.SEQUENCE_PAGE, PublishPositionHeaders.TOPIC_SEQUENCE_NUMBER);
    }

    @Test
    void aRefusedPublishCarriesNoPosition() {
        HttpResponse<String> response = http.publishText("no-such-cache", "t", key, "x");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue(PublishPositionHeaders.SEQUENCE_PAGE)).isEmpty();
    }
}
