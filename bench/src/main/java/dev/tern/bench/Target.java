package dev.tern.bench;

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
}
