package dev.tern.redis;

import dev.tern.auth.ApiKeyRecord;
import dev.tern.auth.ApiKeyStore;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The API keys of every node: records in the hash {@code tern:api-keys}, refresh-token hashes beside them. */
public final class RedisApiKeyStore implements ApiKeyStore {
    private final RedisBackend redis;

    public RedisApiKeyStore(RedisBackend redis) {
        this.redis = redis;
    }

    @Override
    public List<ApiKeyRecord> list() {
        Response values = redis.awaitResult(redis.send(Request.cmd(Command.HVALS).arg(RedisKeys.API_KEYS)));
        List<ApiKeyRecord> all = new ArrayList<>();
        if (values != null) {
            values.forEach(value -> all.add(ApiKeyRecord.fromJson(value.toBytes())));
        }
        return all;
    }

    @Override
    public Optional<ApiKeyRecord> find(String id) {
        Response value = redis.awaitResult(redis.send(Request.cmd(Command.HGET).arg(RedisKeys.API_KEYS).arg(id)));
        return value == null ? Optional.empty() : Optional.of(ApiKeyRecord.fromJson(value.toBytes()));
    }

    @Override
    public void add(ApiKeyRecord record, String refreshTokenHash) {
        // Two hashes, two slots on a cluster: the record first, so a refresh token never exists without its key.
        redis.awaitResult(redis.send(Request.cmd(Command.HSET).arg(RedisKeys.API_KEYS).arg(record.id()).arg(record.toJsonString())));
        redis.awaitResult(redis.send(Request.cmd(Command.HSET).arg(RedisKeys.API_KEY_REFRESH).arg(record.id()).arg(refreshTokenHash)));
    }

    @Override
    public boolean remove(String id) {
        redis.awaitResult(redis.send(Request.cmd(Command.HDEL).arg(RedisKeys.API_KEY_REFRESH).arg(id)));
        Response removed = redis.awaitResult(redis.send(Request.cmd(Command.HDEL).arg(RedisKeys.API_KEYS).arg(id)));
        return removed != null && removed.toInteger() > 0;
    }

    @Override
    public boolean consumeRefreshToken(String id, String refreshTokenHash) {
        Response consumed = redis.awaitResult(redis.eval(LuaScript.CONSUME_REFRESH, List.of(RedisKeys.API_KEY_REFRESH),
                List.of(id, refreshTokenHash)));
        return consumed != null && consumed.toInteger() == 1;
    }
}
