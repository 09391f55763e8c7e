package dev.tern.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.error.TernException;
import dev.tern.topic.TopicKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the HTTP API's own parsers: raw paths (percent-encoding, {@code /topics/{cache}/{topic}}) and the body of
 * {@code POST /tokens}. The only acceptable failure is a TernException (a 400).
 * Seeds: {@code src/test/resources/dev/tern/http/RequestPartsFuzzTestInputs/<method>/}.
 */
class RequestPartsFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void topicPaths(byte[] input) {
        String raw = new String(input, StandardCharsets.ISO_8859_1);
        try {
            TopicKey key = TopicPath.parse(raw);
            assertThat(key.cacheName()).isNotEmpty();
            assertThat(key.topicName()).isNotEmpty();
        } catch (TernException expected) {
            // a 400
        }
        try {
            PathEncoding.requireDecodable(raw);
        } catch (TernException expected) {
            // a 400
        }
    }

    @FuzzTest(maxDuration = "10s")
    void tokenRequestBodies(byte[] input) {
        JsonNode body;
        try {
            body = JsonBodies.JSON.readTree(input);
        } catch (IOException notJson) {
            return; // answered 400 by JsonBodies.read
        }
        if (body == null) {
            return;
        }
        try {
            TokenRoutes.request(body);
        } catch (TernException expected) {
            // a 400
        }
    }
}
