package dev.tern.http;

import dev.tern.auth.Principal;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicValue;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.CharacterCodingException;

/**
 * {@code POST /topics/{cacheName}/{topicName}}: a {@code text/*} body publishes a text value (it must be UTF-8),
 * any other body a binary one. 204 on success.
 */
final class PublishRoute {
    private final TopicGateway gateway;

    PublishRoute(TopicGateway gateway) {
        this.gateway = gateway;
    }

    void handle(RoutingContext ctx) {
        String credential = RequestCredential.of(ctx.request());
        TopicKey topic = TopicPath.parse(ctx.request().path());
        Principal principal = gateway.authenticate(credential);
        gateway.publish(principal, topic, value(ctx))
                .onSuccess(receipt -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private static TopicValue value(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        String contentType = ctx.request().getHeader("Content-Type");
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
