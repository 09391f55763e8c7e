package dev.tern.http;

import dev.tern.topic.PublishReceipt;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The position a publish was given, told to the publisher in two response headers of the seed's bodiless 204, so a
 * publisher can tell a subscriber "resume after this" ({@code sequence_page} and {@code sequence_number} + 1).
 */
public final class PublishPositionHeaders {
    public static final String SEQUENCE_PAGE = "Tern-Sequence-Page";
    public static final String TOPIC_SEQUENCE_NUMBER = "Tern-Topic-Sequence-Number";
    /** For {@code Access-Control-Expose-Headers}: a browser script may read them only when named there. */
    static final String EXPOSED = SEQUENCE_PAGE + ", " + TOPIC_SEQUENCE_NUMBER;
    // Made once, with their hash: a String name is hashed and converted on every response (docs/performance.md).
    private static final CharSequence SEQUENCE_PAGE_NAME = HttpHeaders.createOptimized(SEQUENCE_PAGE);
    private static final CharSequence TOPIC_SEQUENCE_NUMBER_NAME = HttpHeaders.createOptimized(TOPIC_SEQUENCE_NUMBER);

    private PublishPositionHeaders() {
    }

    static HttpServerResponse put(HttpServerResponse response, PublishReceipt receipt) {
        return response.putHeader(SEQUENCE_PAGE_NAME, Long.toString(receipt.sequencePage()))
                .putHeader(TOPIC_SEQUENCE_NUMBER_NAME, Long.toString(receipt.sequenceNumber()));
    }
}
