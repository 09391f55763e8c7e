package dev.tern.http.stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.error.TernException;
import dev.tern.topic.StartPosition;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes what streaming clients send: the {@code Last-Event-ID} an EventSource resumes with, and WebSocket text
 * frames (the JSON publish messages). The only acceptable failure is a TernException (a 400, or an error frame).
 * Seeds: {@code src/test/resources/dev/tern/http/stream/StreamInputsFuzzTestInputs/<method>/}.
 */
class StreamInputsFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void lastEventIds(byte[] input) {
        String id = new String(input, StandardCharsets.UTF_8);
        try {
            StartPosition position = StreamStart.afterEventId(id);
            // An id Tern accepts is one it could have written: it resumes right after that event.
            assertThat(StreamStart.afterEventId(StreamStart.eventId(position.sequencePage(), position.sequenceNumber() - 1)))
                    .isEqualTo(position);
        } catch (TernException expected) {
            // a 400
        }
    }

    @FuzzTest(maxDuration = "10s")
    void webSocketFrames(byte[] input) {
        try {
            PublishRequest.parse(new String(input, StandardCharsets.UTF_8));
        } catch (PublishRequest.Malformed expected) {
            // an error frame (with the request id when it could be read)
        } catch (TernException expected) {
            // an error frame
        }
    }
}
