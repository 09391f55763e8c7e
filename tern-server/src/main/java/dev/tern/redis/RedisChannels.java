package dev.tern.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The node's one pub/sub connection: listens on the channels somebody on this node needs, reconnects when the
 * connection is lost and listens again. A listener hears {@link Listener#onListening()} each time its channel is
 * (re)confirmed, so it can catch up on what was published while the connection was down.
 * Only used on the Redis context.
 */
final class RedisChannels implements ChannelSubscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(RedisChannels.class);
    private static final long RECONNECT_DELAY_MILLIS = 250;
    private static final int CHANNELS_PER_COMMAND = 500;

    interface Listener {
        void onMessage(Buffer payload);

        /** The channel is (again) being listened to; messages published from now on will arrive. */
        void onListening();
    }

    private final RedisBackend backend;
    /** Asked at each (re)connect: behind Sentinel the primary, and so the client, changes on a failover. */
    private final Supplier<Redis> client;
    private final Supplier<String> where;
    /** Sharded pub/sub (SSUBSCRIBE, for the topics of a cluster shard) or classic (SUBSCRIBE). */
    private final boolean sharded;
    private final Command subscribeCommand;
    private final Command unsubscribeCommand;
    private final String messageKind;
    private final String subscribeKind;
    private Runnable onLost = () -> { };
    private final Map<String, Listener> listeners = new HashMap<>();
    private final Set<String> confirmed = new HashSet<>();
    private final Map<String, List<Promise<Void>>> waiting = new HashMap<>();
    private RedisConnection connection;
    private volatile boolean connected;
    private boolean connecting;
    private boolean stopped;

    RedisChannels(RedisBackend backend, Supplier<Redis> client, Supplier<String> where, boolean sharded) {
        this.backend = backend;
        this.client = client;
        this.where = where;
        this.sharded = sharded;
        this.subscribeCommand = sharded ? Command.SSUBSCRIBE : Command.SUBSCRIBE;
        this.unsubscribeCommand = sharded ? Command.SUNSUBSCRIBE : Command.UNSUBSCRIBE;
        this.messageKind = sharded ? "smessage" : "message";
        this.subscribeKind = sharded ? "ssubscribe" : "subscribe";
    }

    /** Called (Redis context) when the connection is lost or Redis drops a channel (e.g. its slot moved). */
    void onLost(Runnable action) {
        this.onLost = action;
    }

    boolean hasListeners() {
        return !listeners.isEmpty();
    }

    void start() {
        connect();
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    /** Listens on a channel; completes once Redis confirmed it (possibly only after a reconnect). */
    @Override
    public Future<Void> listen(String channel, Listener listener) {
        listeners.put(channel, listener);
        if (confirmed.contains(channel)) {
            return Future.succeededFuture();
        }
        Promise<Void> promise = Promise.promise();
        List<Promise<Void>> promises = waiting.computeIfAbsent(channel, c -> new ArrayList<>());
        promises.add(promise);
        if (promises.size() == 1 && connection != null) {
            connection.send(Request.cmd(subscribeCommand).arg(channel));
        }
        return promise.future();
    }

    @Override
    public void unlisten(String channel) {
        if (listeners.remove(channel) != null && confirmed.remove(channel) && connection != null) {
            connection.send(Request.cmd(unsubscribeCommand).arg(channel));
        }
        waiting.remove(channel);
    }

    private void connect() {
        if (stopped || connecting || connection != null) {
            return;
        }
        connecting = true;
        Redis target = client.get();
        target.connect().onComplete(ar -> {
            connecting = false;
            if (ar.failed()) {
                retryLater();
                return;
            }
            RedisConnection conn = ar.result();
            if (stopped || target != client.get()) {
                // Stopped, or the primary changed while connecting: connect to the new one instead.
                conn.close();
                retryLater();
                return;
            }
            connection = conn;
            connected = true;
            conn.handler(this::onPush);
            conn.exceptionHandler(e -> lost(conn, e.getMessage()));
            conn.endHandler(v -> lost(conn, "connection closed"));
            List<String> all = new ArrayList<>(listeners.keySet());
            for (int i = 0; i < all.size(); i += CHANNELS_PER_COMMAND) {
                Request subscribe = Request.cmd(subscribeCommand);
                all.subList(i, Math.min(all.size(), i + CHANNELS_PER_COMMAND)).forEach(subscribe::arg);
                conn.send(subscribe);
            }
            for (String channel : waiting.keySet()) {
                if (!listeners.containsKey(channel)) {
                    conn.send(Request.cmd(subscribeCommand).arg(channel));
                }
            }
        });
    }

    private void lost(RedisConnection conn, String why) {
        if (connection != conn) {
            return;
        }
        LOG.warn("Redis pub/sub connection to {} lost ({}); reconnecting", where.get(), why);
        connection = null;
        connected = false;
        confirmed.clear();
        conn.close();
        retryLater();
        onLost.run();
    }

    private void retryLater() {
        if (!stopped) {
            backend.vertx().setTimer(RECONNECT_DELAY_MILLIS, id -> connect());
        }
    }

    private void onPush(Response push) {
        if (push == null || push.size() < 3) {
            return;
        }
        String kind = push.get(0).toString();
        String channel = push.get(1).toString();
        if (messageKind.equals(kind)) {
            Listener listener = listeners.get(channel);
            if (listener != null) {
                listener.onMessage(push.get(2).toBuffer());
            }
        } else if (sharded && "sunsubscribe".equals(kind) && listeners.containsKey(channel)) {
            // Redis dropped a channel we still want: its slot moved to another shard.
            confirmed.remove(channel);
            onLost.run();
        } else if (subscribeKind.equals(kind)) {
            Listener listener = listeners.get(channel);
            if (listener == null) {
                return;
            }
            confirmed.add(channel);
            List<Promise<Void>> promises = waiting.remove(channel);
            if (promises != null) {
                promises.forEach(Promise::tryComplete);
            }
            listener.onListening();
        }
    }

    /** Drops the connection and connects again (to the client the supplier now gives), listening on every channel. */
    void reconnect(String why) {
        if (connection != null) {
            lost(connection, why);
        }
    }

    void stop() {
        stopped = true;
        connected = false;
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
