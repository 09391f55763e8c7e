package dev.tern.http;

import dev.tern.auth.Principal;
import dev.tern.cache.TopicLimits;
import dev.tern.error.TernException;
import dev.tern.pubsub.IdempotentPublisher;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicValue;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.CharacterCodingException;

/**
 * {@code POST /topics/{cacheName}/{topicName}}: a {@code text/*} body publishes a text value (it must be UTF-8),
 * any other body a binary one. 204 on success, with the message's position in headers ({@link PublishPositionHeaders}).
 * With an {@code Idempotency-Key} header a repeat answers the first publish's position and publishes nothing.
 */
final class PublishRoute {
    /** No cache allows more; a larger body is refused before it is read whole. */
    private static final long MAX_BODY_BYTES = TopicLimits.MAX_MESSAGE_SIZE_KB * 1024L;

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** The same name for lookups: made once with its hash instead of hashed per request. */
    private static final CharSequence IDEMPOTENCY_KEY_NAME = HttpHeaders.createOptimized(IDEMPOTENCY_KEY);

    private final TopicGateway gateway;
    private final IdempotentPublisher publisher;
    private final HttpErrors errors;

    PublishRoute(TopicGateway gateway, IdempotentPublisher publisher, HttpErrors errors) {
        this.gateway = gateway;
        this.publisher = publisher;
        this.errors = errors;
    }

    /** Reads the body, then authenticates and publishes; the answer goes out once the request was read whole. */
    void handle(HttpServerRequest request) {
        RequestBody.read(request, MAX_BODY_BYTES).onComplete(body -> publish(request, body),
                failure -> errors.fail(request, failure));
    }

    private void publish(HttpServerRequest request, Buffer body) {
        try {
            String credential = RequestCredential.of(request);
            TopicKey topic = TopicPath.parse(request.path());
            Principal principal = gateway.authenticate(credential);
            publisher.publish(principal, topic, value(request, body), request.getHeader(IDEMPOTENCY_KEY_NAME)).onComplete(
                    receipt -> PublishPositionHeaders.put(request.response(), receipt).setStatusCode(204).end(),
                    failure -> errors.fail(request, failure));
        } catch (RuntimeException e) {
            errors.fail(request, e);
        }
    }

    private static TopicValue value(HttpServerRequest request, Buffer body) {
        byte[] bytes = body.getBytes();
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && contentType.regionMatches(true, 0, "text/", 0, 5)) {
            try {
                return TopicValue.utf8(bytes);
            } catch (CharacterCodingException e) {
                throw TernException.badRequest("a text/* body must be valid UTF-8");
            }
        }
        return TopicValue.binary(bytes);
    }
}
