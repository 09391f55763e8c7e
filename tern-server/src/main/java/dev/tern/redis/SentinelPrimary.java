package dev.tern.redis;

import dev.tern.error.TernException;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Asks the Sentinels where the primary is ({@code SENTINEL get-master-addr-by-name}), one after the other until one
 * answers; the one that answered is asked first next time. Also gives, in turn, a client for listening on a
 * Sentinel's {@code +switch-master} announcements. Redis context only.
 * <p>
 * Written here rather than using the Vert.x client's SENTINEL type because that type opens an extra Sentinel
 * connection for every pooled connection, sends the primary's password to the Sentinels, and does not tell its user
 * that the primary changed; Tern needs to know, to move its pub/sub and its replica-acknowledged writes.
 */
final class SentinelPrimary {
    /** In the message when the Sentinels refused Tern's credentials: waiting will not help. */
    static final String REFUSED = "require a password";
    private final RedisBackend backend;
    private final SentinelUrl url;
    private final List<Redis> sentinels = new ArrayList<>();
    private int preferred;
    private int listenTurn;

    SentinelPrimary(RedisBackend backend, SentinelUrl url) {
        this.backend = backend;
        this.url = url;
        for (String hostPort : url.sentinels()) {
            sentinels.add(backend.standaloneClient(url.sentinelEndpoint(hostPort)));
        }
    }

    SentinelUrl url() {
        return url;
    }

    /** The primary's URL (with the credentials and database of the Sentinel URL), as the Sentinels name it now. */
    Future<String> locate() {
        return ask(0, new ArrayList<>(), false);
    }

    private Future<String> ask(int tried, List<String> failures, boolean anyAnswered) {
        if (tried == sentinels.size()) {
            boolean refused = failures.stream().anyMatch(f -> f.contains("NOAUTH") || f.contains("WRONGPASS"));
            String why = anyAnswered
                    ? "the Sentinels at " + url.describe() + " know no primary named '" + url.masterName() + "'"
                    : refused
                    ? "the Sentinels at " + url.describe() + " " + REFUSED + " that Tern "
                            + (url.sentinelUserInfo() == null ? "was not given (add ?sentinel_password=… to --redis-url)"
                            : "has wrong (sentinel_password in --redis-url)") + " (" + String.join("; ", failures) + ")"
                    : "no Sentinel at " + url.describe() + " answered (" + String.join("; ", failures) + ")";
            return Future.failedFuture(TernException.unavailable(why));
        }
        int index = (preferred + tried) % sentinels.size();
        Request request = Request.cmd(Command.SENTINEL).arg("get-master-addr-by-name").arg(url.masterName());
        return backend.timed(() -> sentinels.get(index).send(request)).transform(ar -> {
            if (ar.succeeded() && ar.result() != null && ar.result().size() == 2) {
                preferred = index;
                Response address = ar.result();
                return Future.succeededFuture(url.primaryEndpoint(address.get(0).toString(), address.get(1).toInteger()));
            }
            if (ar.failed()) {
                failures.add(url.sentinels().get(index) + ": " + ar.cause().getMessage());
            }
            return ask(tried + 1, failures, anyAnswered || ar.succeeded());
        });
    }

    /** A Sentinel to listen on for {@code +switch-master}: the next one each time (a Sentinel may be down). */
    Redis nextForListening() {
        return sentinels.get(listenTurn++ % sentinels.size());
    }

    void close() {
        sentinels.forEach(Redis::close);
    }
}
