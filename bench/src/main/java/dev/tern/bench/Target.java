package dev.tern.bench;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.List;

/**
 * A server under test. Both Tern and the Nchan configuration in bench/ serve {@code /topics/{cache}/{topic}}:
 * POST publishes, GET with {@code Accept: text/event-stream} subscribes.
 *
 * @param subscriberHosts loopback addresses to spread subscriber connections over (each has its own ephemeral
 *                        port range, so more than ~28,000 connections fit)
 */
record Target(String name, String host, int port, String cache, String token, List<String> subscriberHosts) {

    String topicPath(int topic) {
        return "/topics/" + cache + "/t" + topic;
    }

    RequestOptions publish(int topic) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(host)
                .setPort(port)
                .setURI(topicPath(topic))
                .putHeader("Content-Type", "text/plain");
        return authorized(options);
    }

    RequestOptions subscribe(int topic, int connection) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(subscriberHosts.get(connection % subscriberHosts.size()))
                .setPort(port)
                .setURI(topicPath(topic))
                .putHeader("Accept", "text/event-stream");
        return authorized(options);
    }

    private RequestOptions authorized(RequestOptions options) {
        if (token != null && !token.isEmpty()) {
            options.putHeader("Authorization", token);
        }
        return options;
    }
}
