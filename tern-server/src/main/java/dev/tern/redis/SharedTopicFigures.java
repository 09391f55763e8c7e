package dev.tern.redis;

import dev.tern.error.TernException;
import dev.tern.topic.SubscriberTransport;
import dev.tern.topic.TopicListing;
import dev.tern.topic.TopicSnapshot;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Topic introspection across nodes. Every {@link #SHARE_MILLIS} each node writes its live figures of each cache's
 * topics (subscribers by transport, its own publishes of the last minute, the latest publish it knows of) to Redis,
 * one hash field per node under the cache's hash tag; a node's figures count for {@link #TTL_MILLIS} after Redis last
 * heard from it, so a node that dies drops out by itself. Asked for a cache's topics, a node reads the other nodes'
 * figures (one script, one slot) and adds its own, which it has at hand. Everything here runs on the Redis context.
 */
final class SharedTopicFigures {
    private static final Logger LOG = LoggerFactory.getLogger(SharedTopicFigures.class);
    static final long SHARE_MILLIS = 1_000;
    static final long TTL_MILLIS = 3_000;
    private static final SubscriberTransport[] TRANSPORTS = SubscriberTransport.values();

    private final RedisBackend redis;
    private final String nodeId = UUID.randomUUID().toString();
    /** This node's figures by cache and topic, computed on the Redis context. */
    private final Supplier<Map<String, Map<String, TopicFigures>>> local;
    private final long timer;
    private Set<String> shared = Set.of();

    SharedTopicFigures(RedisBackend redis, Supplier<Map<String, Map<String, TopicFigures>>> local) {
        this.redis = redis;
        this.local = local;
        this.timer = redis.vertx().setPeriodic(SHARE_MILLIS, id -> share());
    }

    /** Writes this node's figures of every cache it has live topics in; withdraws them from caches it no longer has. */
    private void share() {
        Map<String, Map<String, TopicFigures>> mine = local.get();
        for (Map.Entry<String, Map<String, TopicFigures>> cache : mine.entrySet()) {
            write(cache.getKey(), encode(cache.getValue()));
        }
        for (String cache : shared) {
            if (!mine.containsKey(cache)) {
                write(cache, "");
            }
        }
        shared = new HashSet<>(mine.keySet());
    }

    private Future<Response> write(String cacheName, String figures) {
        return redis.eval(LuaScript.FIGURES_SHARE,
                        List.of(RedisKeys.topicFigures(cacheName), RedisKeys.topicFigureNodes(cacheName)),
                        List.of(nodeId, figures, TTL_MILLIS))
                .onFailure(e -> LOG.debug("cannot share the topic figures of cache {}: {}", cacheName, e.toString()));
    }

    /** Stops sharing and withdraws this node's figures (a clean shutdown), so they go at once rather than by expiry. */
    Future<?> stop() {
        redis.vertx().cancelTimer(timer);
        List<Future<Response>> withdrawn = new ArrayList<>();
        for (String cache : shared) {
            withdrawn.add(write(cache, ""));
        }
        shared = Set.of();
        return Future.join(withdrawn);
    }

    /** The cache's topics with every live node's figures summed; {@code mine}: this node's, fresh. */
    Future<TopicListing> listing(String cacheName, Map<String, TopicFigures> mine) {
        return redis.eval(LuaScript.FIGURES_READ,
                        List.of(RedisKeys.topicFigures(cacheName), RedisKeys.topicFigureNodes(cacheName)),
                        List.of(TTL_MILLIS))
                .recover(failure -> Future.failedFuture(failure instanceof TernException tern ? tern
                        : TernException.unavailable("cannot read the other nodes' topic figures: Redis is unavailable ("
                        + failure.getMessage() + ")")))
                .map(reply -> {
                    Map<String, TopicFigures> sums = new HashMap<>();
                    mine.forEach((topic, figures) -> sums.computeIfAbsent(topic, t -> new TopicFigures()).add(figures));
                    int nodes = 1;
                    for (int i = 0; i + 1 < reply.size(); i += 2) {
                        if (nodeId.equals(reply.get(i).toString())) {
                            continue; // this node's own figures are at hand, and fresher
                        }
                        nodes++;
                        decode(reply.get(i + 1).toString()).forEach((topic, figures) ->
                                sums.computeIfAbsent(topic, t -> new TopicFigures()).add(figures));
                    }
                    long now = System.currentTimeMillis();
                    List<TopicSnapshot> topics = new ArrayList<>(sums.size());
                    sums.forEach((topic, figures) -> topics.add(figures.snapshot(topic, now)));
                    return new TopicListing(TopicListing.CLUSTER, nodes, topics);
                });
    }

    /**
     * One node's figures of a cache's topics as text: a header naming the transports in the order their counts
     * follow (so nodes of different versions still understand each other), then one line per topic:
     * {@code <topic> <subscribers per transport...> <publishes in the last minute> <last publish, epoch ms>}.
     * Topic names never contain spaces or line breaks ({@link dev.tern.cache.ResourceNames}).
     */
    static String encode(Map<String, TopicFigures> topics) {
        StringBuilder text = new StringBuilder(32 + topics.size() * 48);
        for (SubscriberTransport transport : TRANSPORTS) {
            text.append(transport.jsonName()).append(transport.ordinal() < TRANSPORTS.length - 1 ? ' ' : '\n');
        }
        topics.forEach((topic, figures) -> {
            text.append(topic);
            for (SubscriberTransport transport : TRANSPORTS) {
                text.append(' ').append(figures.subscribers(transport));
            }
            text.append(' ').append(figures.publishesLastMinute()).append(' ').append(figures.lastPublishMillis()).append('\n');
        });
        return text.toString();
    }

    /** Reads {@link #encode}'s text; a transport this node does not know counts as {@code other}, bad lines are skipped. */
    static Map<String, TopicFigures> decode(String text) {
        String[] lines = text.split("\n");
        Map<String, TopicFigures> topics = new HashMap<>();
        if (lines.length == 0) {
            return topics;
        }
        String[] header = lines[0].trim().split(" ");
        SubscriberTransport[] columns = new SubscriberTransport[header.length];
        for (int i = 0; i < header.length; i++) {
            columns[i] = SubscriberTransport.OTHER;
            for (SubscriberTransport transport : TRANSPORTS) {
                if (transport.jsonName().equals(header[i])) {
                    columns[i] = transport;
                }
            }
        }
        for (int line = 1; line < lines.length; line++) {
            String[] fields = lines[line].split(" ");
            if (fields.length != columns.length + 3 || fields[0].isEmpty()) {
                continue;
            }
            try {
                TopicFigures figures = new TopicFigures();
                for (int i = 0; i < columns.length; i++) {
                    figures.addSubscribers(columns[i], Integer.parseInt(fields[1 + i]));
                }
                figures.addPublishes(Long.parseLong(fields[columns.length + 1]));
                figures.publishedAt(Long.parseLong(fields[columns.length + 2]));
                topics.computeIfAbsent(fields[0], t -> new TopicFigures()).add(figures);
            } catch (NumberFormatException malformed) {
                LOG.debug("skipping a malformed line of topic figures: {}", lines[line]);
            }
        }
        return topics;
    }
}
