package dev.tern.redis;

import io.vertx.core.Future;

/** A node's listening on Redis channels: classic pub/sub, or sharded pub/sub spread over a cluster's shards. */
interface ChannelSubscriptions {

    /** Listens on a channel; completes once Redis confirmed it. Redis context only. */
    Future<Void> listen(String channel, RedisChannels.Listener listener);

    /** Redis context only. */
    void unlisten(String channel);

    boolean isConnected();
}
