package dev.tern.http;

import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a disposable token may do: each role against publish and subscribe, scoped to a cache, a topic or a topic
 * prefix. Allowed means 204 for a publish and 200 for a long poll; refused means 403 with a message.
 */
class AuthorizationTest {
    private static RunningTern tern;
    private static TernHttp http;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "200ms");
        http = new TernHttp(tern);
        tern.createCache("orders");
        tern.createCache("billing");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static String token(String role, String cache, String topicJson) {
        return tern.mintToken("{\"expires_in_seconds\": 600, \"permissions\": [{\"role\": \"" + role
                + "\", \"cache\": \"" + cache + "\", \"topic\": " + topicJson + "}]}");
    }

    private static int publish(String token, String cache, String topic) {
        return http.publishText(cache, topic, token, "x").statusCode();
    }

    private static int subscribe(String token, String cache, String topic) {
        return http.longPoll(cache, topic, token, 0, 0).statusCode();
    }

    @ParameterizedTest(name = "{0}: publish {1}, subscribe {2}")
    @CsvSource({
            "publishsubscribe, 204, 200",
            "publishonly,      204, 403",
            "subscribeonly,    403, 200"})
    void eachRoleAgainstPublishAndSubscribe(String role, int publishStatus, int subscribeStatus) {
        String token = token(role, "orders", "\"*\"");
        assertThat(publish(token, "orders", "new")).isEqualTo(publishStatus);
        assertThat(subscribe(token, "orders", "new")).isEqualTo(subscribeStatus);
    }

    @Test
    void refusalSaysWhatWasRefused() {
        HttpResponse<String> response = http.publishText("orders", "new", token("subscribeonly", "orders", "\"*\""), "x");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("publish").contains("new").contains("orders");
    }

    @Test
    void cacheScopeCoversOnlyThatCache() {
        String token = token("publishsubscribe", "orders", "\"*\"");
        assertThat(publish(token, "billing", "new")).isEqualTo(403);
        assertThat(subscribe(token, "billing", "new")).isEqualTo(403);
    }

    @Test
    void allCachesScopeCoversEveryCache() {
        String token = token("publishsubscribe", "*", "\"*\"");
        assertThat(publish(token, "orders", "a")).isEqualTo(204);
        assertThat(publish(token, "billing", "b")).isEqualTo(204);
    }

    @Test
    void aPermittedTokenOnAMissingCacheGets404NotA403() {
        String token = token("publishsubscribe", "*", "\"*\"");
        HttpResponse<String> response = http.publishText("nowhere", "t", token, "x");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("Cache Not Found");
    }

    @Test
    void aTokenScopedToAnotherCacheGets403EvenWhenTheCacheIsMissing() {
        // Authorization comes before existence, so a token cannot probe which caches exist.
        assertThat(publish(token("publishsubscribe", "orders", "\"*\""), "nowhere", "t")).isEqualTo(403);
    }

    @Test
    void topicNameScopeCoversOnlyThatTopic() {
        String token = token("publishsubscribe", "orders", "\"new\"");
        assertThat(publish(token, "orders", "new")).isEqualTo(204);
        assertThat(subscribe(token, "orders", "new")).isEqualTo(200);
        assertThat(publish(token, "orders", "new2")).isEqualTo(403);
        assertThat(publish(token, "orders", "ne")).isEqualTo(403);
        assertThat(subscribe(token, "orders", "old")).isEqualTo(403);
    }

    @Test
    void topicPrefixScopeCoversTopicsStartingWithIt() {
        String token = token("publishsubscribe", "orders", "{\"prefix\": \"eu-\"}");
        assertThat(publish(token, "orders", "eu-")).isEqualTo(204);
        assertThat(publish(token, "orders", "eu-west")).isEqualTo(204);
        assertThat(subscribe(token, "orders", "eu-north")).isEqualTo(200);
        assertThat(publish(token, "orders", "us-east")).isEqualTo(403);
        assertThat(publish(token, "orders", "eu")).isEqualTo(403);
        assertThat(subscribe(token, "orders", "xeu-west")).isEqualTo(403);
    }

    @Test
    void permissionsAreAUnion() {
        String token = tern.mintToken("""
                {"expires_in_seconds": 600, "permissions": [
                  {"role": "publishonly", "cache": "orders", "topic": "in"},
                  {"role": "subscribeonly", "cache": "billing", "topic": "*"}]}""");
        assertThat(publish(token, "orders", "in")).isEqualTo(204);
        assertThat(subscribe(token, "orders", "in")).isEqualTo(403);
        assertThat(subscribe(token, "billing", "any")).isEqualTo(200);
        assertThat(publish(token, "billing", "any")).isEqualTo(403);
    }

    @Test
    void aScopedTokenCannotManageCachesOrMintTokens() {
        String token = token("publishsubscribe", "*", "\"*\"");
        HttpResponse<String> create = http.send(http.request("/caches/mine").header("Authorization", token)
                .PUT(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(create.statusCode()).isEqualTo(403);
        HttpResponse<String> mint = http.send(http.request("/tokens").header("Authorization", token)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"expires_in_seconds\": 60, \"permissions\": \"super_user\"}")).build());
        assertThat(mint.statusCode()).isEqualTo(403);
    }
}
