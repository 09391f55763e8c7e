package dev.tern.bench;

import java.util.List;

/**
 * A server under test. Both Tern and the Nchan configuration in bench/ serve {@code /topics/{cache}/{topic}}:
 * POST publishes, GET with {@code Accept: text/event-stream} subscribes.
 *
 * @param port            where publishers connect
 * @param subscriberPort  where subscribers connect: the same port, or another node of a cluster (publish on one
 *                        node, subscribe on another)
 * @param subscriberHosts loopback addresses to spread subscriber connections over (each has its own ephemeral
 *                        port range, so more than ~28,000 connections fit)
 */
record Target(String name, String host, int port, int subscriberPort, String cache, String token,
              List<String> subscriberHosts) {

    String topicPath(int topic) {
        return "/topics/" + cache + "/t" + topic;
    }

    /** Tern's stream of many topics of the cache: {@code /caches/{cache}/events?topic=t1&topic=t2...}. */
    String eventsPath(int[] topics) {
        StringBuilder path = new StringBuilder("/caches/").append(cache).append("/events");
        for (int i = 0; i < topics.length; i++) {
            path.append(i == 0 ? '?' : '&').append("topic=t").append(topics[i]);
        }
        return path.toString();
    }
}
