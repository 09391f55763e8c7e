package dev.tern.redis;

import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * Tells this node that state every node shares in Redis has changed. A node that changes it announces the change on
 * a channel; every node also polls a key that changes with it, so a change whose announcement was lost (a pub/sub
 * connection dropped at the wrong moment) is still seen within one poll interval. The reload blocks on Redis, so it
 * runs on a worker, never on the Redis context.
 */
final class RedisChangeWatch {
    private final RedisBackend redis;
    private final Runnable reload;
    private String lastPolled;

    private RedisChangeWatch(RedisBackend redis, Runnable changed) {
        this.redis = redis;
        this.reload = () -> redis.vertx().executeBlocking(() -> {
            changed.run();
            return null;
        }, true);
    }

    /**
     * Starts watching.
     *
     * @param channel            where changes are announced
     * @param polledKey          a string key whose value changes with every change
     * @param reloadOnListening  whether to reload each time the channel is (re)subscribed, for state whose changes
     *                           while not listening are not all visible in the polled key
     * @param changed            the reload, called on a worker
     */
    static void start(RedisBackend redis, String channel, String polledKey, long pollMillis, boolean reloadOnListening,
                      Runnable changed) {
        RedisChangeWatch watch = new RedisChangeWatch(redis, changed);
        redis.context().runOnContext(v -> {
            redis.channels().listen(channel, new RedisChannels.Listener() {
                @Override
                public void onMessage(Buffer payload) {
                    watch.reload.run();
                }

                @Override
                public void onListening() {
                    if (reloadOnListening) {
                        watch.reload.run();
                    }
                }
            });
            redis.vertx().setPeriodic(pollMillis, id -> redis.send(Request.cmd(Command.GET).arg(polledKey))
                    .onSuccess(reply -> watch.polled(reply == null ? null : reply.toString())));
        });
    }

    private void polled(String value) {
        if (value != null && !value.equals(lastPolled)) {
            boolean first = lastPolled == null; // the value at start-up is what the first load read
            lastPolled = value;
            if (!first) {
                reload.run();
            }
        }
    }
}
