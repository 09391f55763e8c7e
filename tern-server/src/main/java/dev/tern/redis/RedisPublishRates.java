package dev.tern.redis;

import dev.tern.error.LimitKind;
import dev.tern.error.TernException;
import dev.tern.limit.PublishRateLimit;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * Publish rates across every node: one token bucket per cache in Redis ({@code rate.lua}), so N nodes together
 * accept a cache's {@code max_publish_rate}, not N times it. Costs one extra Redis round trip per publish, and
 * only for caches that have a rate limit.
 */
public final class RedisPublishRates implements PublishRateLimit {
    private final RedisBackend redis;

    public RedisPublishRates(RedisBackend redis) {
        this.redis = redis;
    }

    @Override
    public Future<Void> admit(String cacheName, int ratePerSecond) {
        if (ratePerSecond <= 0) {
            return Future.succeededFuture();
        }
        Context caller = Vertx.currentContext();
        Future<Void> decided = redis.eval(LuaScript.RATE, List.of(RedisKeys.publishRate(cacheName)), List.of(ratePerSecond))
                .recover(failure -> Future.failedFuture(failure instanceof TernException tern ? tern
                        : TernException.unavailable("message not stored: Redis is unavailable (" + failure.getMessage() + ")")))
                .compose(reply -> {
                    long waitMillis = reply.toLong();
                    if (waitMillis <= 0) {
                        return Future.succeededFuture();
                    }
                    return Future.failedFuture(TernException.limitExceeded(LimitKind.PUBLISH_RATE,
                            "publish rate limit of " + ratePerSecond + " messages per second exceeded for cache " + cacheName,
                            (waitMillis + 999) / 1000));
                });
        return RedisBackend.on(caller, decided);
    }

    @Override
    public void forget(String cacheName) {
        // The bucket expires by itself within two seconds.
    }
}
