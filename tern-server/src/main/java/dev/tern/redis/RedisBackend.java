package dev.tern.redis;

import dev.tern.error.TernException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

/**
 * Tern's link to Redis: a connection pool for commands and scripts, the pub/sub connection ({@link RedisChannels}),
 * and a health check. All Redis I/O runs on one event loop of its own (a separate Vert.x instance), so that a caller
 * that must wait for Redis (a cache created through a synchronous API, the start-up) never blocks the loop that would
 * deliver the answer; results are handed back on the caller's context. Every command fails after {@code timeout},
 * so a request never hangs on an unreachable Redis.
 */
public final class RedisBackend {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
    private static final long PING_INTERVAL_MILLIS = 500;
    private static final Duration STARTUP_PATIENCE = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final Context context;
    /** The primary's client; behind Sentinel it is replaced when the primary changes (on the Redis context). */
    private volatile Redis client;
    private final long timeoutMillis;
    private final RedisChannels channels;
    /** On a cluster: Tern's copy of the slot table, and where topics' channels are listened to; else null. */
    private final ClusterSlots slots;
    private final ShardedChannels sharded;
    /** On a cluster: every node the client may ask for the slot table (the seeds, then each node the table named). */
    private final java.util.Set<String> clusterEndpoints = new java.util.LinkedHashSet<>();
    /** On a cluster: the node whose classic pub/sub carries the control channel, and its client. */
    private String controlEndpoint;
    private Redis controlClient;
    private final String url;
    private final List<String> urls;
    private final boolean cluster;
    /** Behind Sentinel: who names the primary, and where the primary is now; else null. */
    private final SentinelPrimary sentinel;
    private RedisChannels switchAnnouncements;
    private volatile String primaryUrl;
    private boolean locating;
    private final int minReplicas;
    private final ReplicatedWrites replicatedWrites;
    private volatile boolean replicasOk = true;
    private volatile boolean pingOk;
    private long pingTimer = -1;
    private final List<Supplier<Future<?>>> restorers = new ArrayList<>();
    private Supplier<Future<?>> markerRestorer;
    private boolean restoring;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private RedisBackend(List<String> urls, boolean cluster, Duration timeout) {
        this(urls, cluster, timeout, null, 0);
    }

    /**
     * @param urls        the server (the primary, as Sentinel names it), or a cluster's seed URLs
     * @param sentinelUrl the Sentinels that name the primary, or null
     */
    private RedisBackend(List<String> urls, boolean cluster, Duration timeout, SentinelUrl sentinelUrl, int minReplicas) {
        this.url = sentinelUrl != null ? sentinelUrl.describe() : String.join(",", urls);
        this.urls = urls;
        this.cluster = cluster;
        this.primaryUrl = urls.get(0);
        this.minReplicas = minReplicas;
        this.timeoutMillis = timeout.toMillis();
        this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                .setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        this.context = vertx.getOrCreateContext();
        if (cluster) {
            clusterEndpoints.addAll(urls);
            this.client = clusterClient();
            this.controlEndpoint = urls.get(0);
            this.controlClient = standaloneClient(controlEndpoint);
        } else {
            this.client = Redis.createClient(vertx, options(16).setConnectionString(urls.get(0)));
        }
        // Classic pub/sub reaches every node of a cluster, so the control channel can use any one of them.
        this.channels = new RedisChannels(this, () -> cluster ? controlClient : client,
                () -> redacted(cluster ? controlEndpoint : primaryUrl), false);
        this.slots = cluster ? new ClusterSlots(this, urls) : null;
        this.sharded = cluster ? new ShardedChannels(this, slots) : null;
        if (cluster) {
            slots.onChange(this::followClusterTable);
        }
        this.sentinel = sentinelUrl != null ? new SentinelPrimary(this, sentinelUrl) : null;
        // WAIT waits a third of the timeout: a write queued behind a WAIT still gets its own within the timeout.
        this.replicatedWrites = minReplicas > 0 ? new ReplicatedWrites(this, minReplicas, Math.max(10, timeoutMillis / 3)) : null;
    }

    private RedisOptions options(int poolSize) {
        return new RedisOptions()
                .setPreferredProtocolVersion(ProtocolVersion.RESP2)
                .setMaxPoolSize(poolSize)
                .setMaxPoolWaiting(4096)
                .setMaxWaitingHandlers(65536)
                .setNetClientOptions(new NetClientOptions()
                        .setConnectTimeout((int) Math.max(100, timeoutMillis))
                        .setTcpNoDelay(true)
                        .setTcpKeepAlive(true));
    }

    /** A client for one server (a cluster shard's pub/sub connection). */
    Redis standaloneClient(String connectionString) {
        return standaloneClient(connectionString, 2);
    }

    /** A client for one server with room for {@code poolSize} connections held at once. */
    Redis standaloneClient(String connectionString, int poolSize) {
        return Redis.createClient(vertx, options(poolSize).setConnectionString(connectionString));
    }

    /** The Vert.x cluster client, asking any of the known nodes for its slot table. */
    private Redis clusterClient() {
        return Redis.createClient(vertx, options(16).setType(RedisClientType.CLUSTER)
                .setEndpoints(new ArrayList<>(clusterEndpoints)));
    }

    /**
     * The slot table changed (a failover, a resharding, or the first read). The Vert.x cluster client reads its own
     * table only from the endpoints it was created with: when the table names nodes it does not know, it is replaced
     * by one that knows them too, so that losing the seed node does not leave it without a node to ask. The control
     * channel moves off a node the table no longer names (a dead primary). Redis context.
     */
    private void followClusterTable() {
        java.util.Set<String> nodes = slots.nodes();
        if (!clusterEndpoints.containsAll(nodes)) {
            clusterEndpoints.addAll(nodes);
            Redis old = client;
            client = clusterClient();
            vertx.setTimer(timeoutMillis + 1000, id -> old.close());
        }
        if (!nodes.isEmpty() && !nodes.contains(controlEndpoint)) {
            String next = slots.primaries().iterator().next();
            LOG.info("the Redis control channel moves from {} to {}", redacted(controlEndpoint), redacted(next));
            Redis old = controlClient;
            controlEndpoint = next;
            controlClient = standaloneClient(next);
            channels.reconnect("the node left the cluster's slot table");
            vertx.setTimer(timeoutMillis + 1000, id -> old.close());
        }
        if (replicatedWrites != null) {
            replicatedWrites.keepOnly(slots.primaries());
        }
    }

    /** On a cluster, Tern's slot table; else null. */
    ClusterSlots clusterSlots() {
        return slots;
    }

    /** The URL of a cluster node, with the scheme and credentials of the first seed URL. */
    String endpointUrl(String host, int port) {
        java.net.URI seed = java.net.URI.create(urls.get(0));
        String credentials = seed.getRawUserInfo() == null ? "" : seed.getRawUserInfo() + "@";
        String address = host == null || host.isEmpty() || host.equals("?") ? seed.getHost() : host;
        return seed.getScheme() + "://" + credentials + address + ":" + port;
    }

    /** True on a Redis Cluster: topics use sharded pub/sub, and commands on different slots are not batched. */
    boolean isCluster() {
        return cluster;
    }

    /**
     * Connects and waits (blocking; call at start-up, not on an event loop) until Redis answers, or fails with a
     * message naming the URL.
     */
    public static RedisBackend connect(String url, Duration timeout) {
        return connect(url, timeout, 0);
    }

    /**
     * Connects (see {@link #connect(String, Duration)}); {@code minReplicas}: how many replicas must confirm a publish
     * before it is acknowledged ({@code --redis-min-replicas}).
     */
    public static RedisBackend connect(String url, Duration timeout, int minReplicas) {
        if (SentinelUrl.isSentinel(url)) {
            return connectThroughSentinel(SentinelUrl.parse(url), timeout, minReplicas);
        }
        List<String> urls = new ArrayList<>();
        for (String part : url.split(",")) {
            if (!part.isBlank()) {
                urls.add(part.trim());
            }
        }
        RedisBackend probe = new RedisBackend(urls.subList(0, 1), false, timeout);
        boolean cluster;
        try {
            probe.awaitPatiently(timeout);
            Response info = probe.awaitResult(probe.send(Request.cmd(Command.INFO).arg("cluster")));
            cluster = info != null && info.toString().contains("cluster_enabled:1");
        } finally {
            probe.close();
        }
        RedisBackend backend = new RedisBackend(urls, cluster, timeout, null, minReplicas);
        backend.awaitPatiently(timeout);
        backend.begin();
        if (cluster) {
            LOG.info("Redis at {} is a cluster: topics use sharded pub/sub", backend.url());
        }
        return backend;
    }

    /** Asks the Sentinels for the primary (patiently, as at any start-up), then connects to it and follows it. */
    private static RedisBackend connectThroughSentinel(SentinelUrl sentinelUrl, Duration timeout, int minReplicas) {
        RedisBackend probe = new RedisBackend(List.of(sentinelUrl.sentinelEndpoint(sentinelUrl.sentinels().get(0))),
                false, timeout);
        SentinelPrimary asker = new SentinelPrimary(probe, sentinelUrl);
        String primary;
        long deadline = System.nanoTime() + Math.max(STARTUP_PATIENCE.toNanos(), timeout.toNanos());
        try {
            while (true) {
                try {
                    primary = probe.awaitResult(probe.onContext(asker::locate));
                    break;
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline || String.valueOf(e.getMessage()).contains(SentinelPrimary.REFUSED)) {
                        throw new IllegalStateException("cannot find the Redis primary: " + e.getMessage());
                    }
                    LOG.warn("waiting for the Redis primary: {}", e.getMessage());
                    sleepQuietly(200);
                }
            }
        } finally {
            probe.close();
        }
        RedisBackend backend = new RedisBackend(List.of(primary), false, timeout, sentinelUrl, minReplicas);
        backend.awaitPatiently(timeout);
        backend.begin();
        LOG.info("Redis primary '{}' is at {} (as named by the Sentinels at {})", sentinelUrl.masterName(),
                redacted(primary), sentinelUrl.describe());
        return backend;
    }

    /** Runs an operation on the Redis context (where the Sentinel asker lives) and returns its future. */
    private <T> Future<T> onContext(Supplier<Future<T>> operation) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> operation.get().onComplete(promise));
        return promise.future();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Redis", interrupted);
        }
    }

    /** Starts listening and the health check, once Redis answered. */
    private void begin() {
        pingOk = true;
        context.runOnContext(v -> {
            channels.start();
            if (slots != null) {
                slots.start();
            }
            if (sentinel != null) {
                // The fast way to hear of a failover; the health check also asks the Sentinels every 0.5 s.
                switchAnnouncements = new RedisChannels(this, sentinel::nextForListening, sentinel.url()::describe, false);
                switchAnnouncements.start();
                switchAnnouncements.listen("+switch-master", new RedisChannels.Listener() {
                    @Override
                    public void onMessage(io.vertx.core.buffer.Buffer payload) {
                        followPrimary();
                    }

                    @Override
                    public void onListening() {
                        followPrimary();
                    }
                });
            }
            pingTimer = vertx.setPeriodic(PING_INTERVAL_MILLIS, id -> ping());
        });
    }

    /** Behind Sentinel: asks where the primary is and moves there when it changed. Redis context. */
    private void followPrimary() {
        if (sentinel == null || locating) {
            return;
        }
        locating = true;
        sentinel.locate().onComplete(ar -> {
            locating = false;
            if (ar.failed()) {
                LOG.debug("cannot ask the Sentinels where the primary is: {}", ar.cause().getMessage());
                return;
            }
            String now = ar.result();
            if (!now.equals(primaryUrl)) {
                switchPrimary(now);
            }
        });
    }

    private void switchPrimary(String now) {
        LOG.warn("the Redis primary '{}' moved from {} to {}; following it", sentinel.url().masterName(),
                redacted(primaryUrl), redacted(now));
        Redis old = client;
        primaryUrl = now;
        client = Redis.createClient(vertx, options(16).setConnectionString(now));
        if (replicatedWrites != null) {
            replicatedWrites.reset("the Redis primary changed");
        }
        channels.reconnect("the primary changed");
        // Requests under way on the old primary finish or fail by the timeout; then its connections are closed.
        vertx.setTimer(timeoutMillis + 1000, id -> old.close());
    }

    /** The client of the primary now (Redis context). */
    Redis currentClient() {
        return client;
    }

    /** Waits until Redis answers (start-up), or closes this backend and fails with a message naming the URL. */
    private void awaitPatiently(Duration timeout) {
        // Patient at start-up (a Redis starting alongside Tern, a busy machine); fail-fast applies to requests.
        long deadline = System.nanoTime() + Math.max(STARTUP_PATIENCE.toNanos(), timeout.toNanos());
        while (true) {
            try {
                awaitResult(send(Request.cmd(Command.PING)));
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("cannot reach Redis at " + url() + ": " + e.getMessage());
                }
                LOG.warn("waiting for Redis at {}: {}", url(), e.getMessage());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new IllegalStateException("interrupted while connecting to Redis", interrupted);
                }
            }
        }
    }

    /** The URL with any password replaced, for logs and errors. */
    static String redacted(String url) {
        return url.replaceAll("//([^@/]*)@", "//***@");
    }

    public String url() {
        return redacted(url);
    }

    /**
     * True while commands succeed and the pub/sub connections are up, and (with {@code --redis-min-replicas}) enough
     * replicas are attached and confirming writes.
     */
    public boolean isAvailable() {
        return pingOk && channels.isConnected() && (sharded == null || sharded.isConnected())
                && (replicatedWrites == null || (replicasOk && replicatedWrites.isConfirming()));
    }

    /** Classic pub/sub, for the control channel. */
    RedisChannels channels() {
        return channels;
    }

    /** Where topics' channels are listened to: sharded pub/sub on a cluster, else the classic connection. */
    ChannelSubscriptions topicChannels() {
        return sharded != null ? sharded : channels;
    }

    /** The command a topic's message is announced with ({@code SPUBLISH} on a cluster). */
    String publishCommand() {
        return cluster ? "SPUBLISH" : "PUBLISH";
    }

    /** The event loop on which all Redis I/O and the topic engine's shared state live. */
    Context context() {
        return context;
    }

    Vertx vertx() {
        return vertx;
    }

    /** Sends a command; completes (on the Redis context) with its reply, or fails within the timeout. */
    Future<Response> send(Request request) {
        return withTimeout(() -> client.send(request));
    }

    /**
     * Sends commands in order: in one round trip on one connection, or on a cluster (where keys of different slots
     * cannot share a batch) one after the other.
     */
    Future<List<Response>> batch(List<Request> requests) {
        if (!cluster) {
            return withTimeout(() -> client.batch(requests));
        }
        List<Response> replies = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (Request request : requests) {
            chain = chain.compose(v -> send(request)).map(reply -> {
                replies.add(reply);
                return null;
            });
        }
        return chain.map(v -> replies);
    }

    /** Runs an operation on the Redis context; fails with 503 when it does not complete within the timeout. */
    <T> Future<T> timed(Supplier<Future<T>> operation) {
        return withTimeout(operation);
    }

    private <T> Future<T> withTimeout(Supplier<Future<T>> operation) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> {
            long timer = vertx.setTimer(timeoutMillis, id -> promise.tryFail(
                    TernException.unavailable("Redis did not answer within " + timeoutMillis + " ms")));
            operation.get().onComplete(ar -> {
                vertx.cancelTimer(timer);
                if (ar.succeeded()) {
                    promise.tryComplete(ar.result());
                } else {
                    promise.tryFail(ar.cause());
                }
            });
        });
        return promise.future();
    }

    /** Runs a script by its digest, sending its source when Redis does not have it (e.g. after a restart). */
    Future<Response> eval(LuaScript script, List<String> keys, List<?> args) {
        return sendScript(keys, scriptRequest(Command.EVALSHA, script.sha1(), keys, args)).recover(failure -> {
            String message = String.valueOf(failure.getMessage());
            if (message.startsWith("NOSCRIPT")) {
                return sendScript(keys, scriptRequest(Command.EVAL, script.source(), keys, args));
            }
            return Future.failedFuture(failure);
        });
    }

    /**
     * Sends a script. On a cluster it goes to the primary Tern's slot table names for its first key, on a connection
     * of that shard alone; when the table was stale ({@code MOVED}, {@code ASK}) it is read again and the script goes
     * through the Vert.x cluster client, which follows the redirection.
     */
    private Future<Response> sendScript(List<String> keys, Request request) {
        if (slots == null || keys.isEmpty()) {
            return send(request);
        }
        return withTimeout(() -> {
            String primary = slots.primaryOf(keys.get(0));
            if (primary == null) {
                return client.send(request);
            }
            return slots.primaryClient(primary).send(request).recover(failure -> {
                String message = String.valueOf(failure.getMessage());
                if (message.startsWith("MOVED") || message.startsWith("ASK")) {
                    slots.refresh();
                    return client.send(request);
                }
                return Future.failedFuture(failure);
            });
        });
    }

    /**
     * Runs a script that writes what a client will be told is stored (a publish): with {@code --redis-min-replicas N}
     * it completes only once N replicas confirmed it (see {@link ReplicatedWrites}), else as {@link #eval}.
     */
    Future<Response> evalAcknowledged(LuaScript script, List<String> keys, List<?> args) {
        if (replicatedWrites == null) {
            return eval(script, keys, args);
        }
        return withTimeout(() -> replicatedWrites.eval(script, keys, args));
    }

    static Request scriptRequest(Command command, String script, List<String> keys, List<?> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        for (Object arg : args) {
            if (arg instanceof byte[] bytes) {
                request.arg(bytes);
            } else {
                request.arg(String.valueOf(arg));
            }
        }
        return request;
    }

    /** Hands a Redis result back to the caller's context (the listener must run where the caller lives). */
    static <T> Future<T> on(Context caller, Future<T> result) {
        if (caller == null) {
            return result;
        }
        Promise<T> promise = Promise.promise();
        result.onComplete(ar -> caller.runOnContext(v -> promise.handle(ar)));
        return promise.future();
    }

    /**
     * Blocks until the result is there (for synchronous APIs such as cache creation); never call it on the Redis
     * context. Fails with {@link TernException#unavailable} when Redis cannot be reached.
     */
    <T> T awaitResult(Future<T> result) {
        if (Vertx.currentContext() == context) {
            throw new IllegalStateException("awaitResult must not be called on the Redis context");
        }
        try {
            return result.toCompletionStage().toCompletableFuture().get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TernException.unavailable("interrupted while waiting for Redis");
        } catch (java.util.concurrent.TimeoutException e) {
            throw TernException.unavailable("Redis did not answer within " + (timeoutMillis + 1000) + " ms");
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof TernException tern) {
                throw tern;
            }
            throw TernException.unavailable("Redis is unavailable: " + cause.getMessage());
        }
    }

    /**
     * Registers how to put this node's share of the shared state back when Redis lost its data (it restarted empty).
     * The signing secret is the marker that Redis holds Tern's state, so it is restored last
     * ({@code marker = true}): a node that sees the marker also sees everything restored before it.
     */
    void onDataLost(Supplier<Future<?>> restorer, boolean marker) {
        context.runOnContext(v -> {
            if (marker) {
                markerRestorer = restorer;
            } else {
                restorers.add(restorer);
            }
        });
    }

    /** True when the reply shows Redis holding Tern's state (the marker key exists). */
    static boolean holdsState(Response exists) {
        return exists != null && exists.toInteger() > 0;
    }

    /** The health check: is Redis answering, and does it still hold Tern's state? */
    private void ping() {
        followPrimary();
        if (replicatedWrites != null) {
            fewestConfirmingReplicas().onComplete(ar -> {
                int attached = ar.succeeded() ? ar.result() : 0;
                boolean ok = attached >= minReplicas;
                if (ok != replicasOk) {
                    if (ok) {
                        LOG.info("the Redis primary has {} replicas attached again (--redis-min-replicas {})", attached, minReplicas);
                    } else {
                        LOG.warn("a Redis primary has {} replicas attached and current, fewer than --redis-min-replicas {};"
                                + " publishes {} until enough are back", attached, minReplicas,
                                cluster ? "to its shard fail" : "fail");
                    }
                }
                replicasOk = ok;
            });
        }
        send(Request.cmd(Command.EXISTS).arg(RedisKeys.SIGNING_SECRET)).onComplete(ar -> {
            boolean ok = ar.succeeded();
            if (ok != pingOk) {
                if (ok) {
                    LOG.info("Redis at {} is reachable again", url());
                } else {
                    LOG.warn("Redis at {} is unreachable: {}", url(), ar.cause().getMessage());
                }
            }
            pingOk = ok;
            if (ok && !holdsState(ar.result()) && !restoring && markerRestorer != null) {
                restore();
            }
        });
    }

    /**
     * The replicas attached and current on the primary (on a cluster: on the shard primary that has the fewest), as
     * its {@code INFO replication} tells.
     */
    private Future<Integer> fewestConfirmingReplicas() {
        Request info = Request.cmd(Command.INFO).arg("replication");
        if (slots == null) {
            return send(info).map(reply -> ReplicaStatus.confirmingReplicas(reply.toString(), timeoutMillis));
        }
        if (!slots.isKnown()) {
            return Future.succeededFuture(0);
        }
        List<Future<Integer>> counts = new ArrayList<>();
        for (String primary : slots.primaries()) {
            counts.add(timed(() -> slots.probe(primary).send(info))
                    .map(reply -> ReplicaStatus.confirmingReplicas(reply.toString(), timeoutMillis))
                    .otherwise(0));
        }
        return Future.all(counts).map(all -> counts.stream().mapToInt(Future::result).min().orElse(0));
    }

    private void restore() {
        LOG.warn("Redis at {} lost Tern's shared state (restarted empty?); restoring caches and the signing secret", url());
        restoring = true;
        Future<?> chain = Future.succeededFuture();
        for (Supplier<Future<?>> restorer : restorers) {
            chain = chain.compose(v -> restorer.get());
        }
        chain.compose(v -> markerRestorer.get()).onComplete(ar -> {
            restoring = false;
            if (ar.failed()) {
                LOG.warn("restoring Tern's state in Redis failed; retrying: {}", ar.cause().toString());
            }
        });
    }

    /** Closes every connection; waits a little for that, never on the Redis context. */
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        java.util.concurrent.CountDownLatch quiet = new java.util.concurrent.CountDownLatch(1);
        context.runOnContext(v -> {
            vertx.cancelTimer(pingTimer);
            channels.stop();
            if (switchAnnouncements != null) {
                switchAnnouncements.stop();
            }
            if (sentinel != null) {
                sentinel.close();
            }
            if (sharded != null) {
                sharded.stop();
            }
            if (slots != null) {
                slots.stop();
            }
            quiet.countDown();
        });
        if (Vertx.currentContext() != context) {
            try {
                quiet.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Future<Void> closed = vertx.close();
        if (Vertx.currentContext() == null || Vertx.currentContext().owner() != vertx) {
            try {
                closed.toCompletionStage().toCompletableFuture().get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("Redis connections did not close cleanly: {}", e.toString());
            }
        }
    }
}
