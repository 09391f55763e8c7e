package dev.tern.http;

import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.TopicKey;

/** Parses {@code /topics/{cacheName}/{topicName}} from the raw request path, so that bad names get a 400, not a 404. */
public final class TopicPath {
    public static final String PREFIX = "/topics/";

    private TopicPath() {
    }

    public static TopicKey parse(String rawPath) {
        if (!rawPath.startsWith(PREFIX)) {
            // "/topics" alone also reaches the topic routes
            throw TernException.badRequest("the path must be /topics/{cacheName}/{topicName}");
        }
        String rest = rawPath.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) {
            throw TernException.badRequest("the path must be /topics/{cacheName}/{topicName}");
        }
        return TopicGateway.topicKey(decode(rest.substring(0, slash)), decode(rest.substring(slash + 1)));
    }

    private static String decode(String segment) {
        return PathEncoding.decodeSegment(segment);
    }
}
