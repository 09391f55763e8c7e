package dev.tern.webhook;

import dev.tern.config.WebhookConfig;
import io.netty.util.NetUtil;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends delivery requests through one shared, bounded connection pool. Before each request the destination's host is
 * resolved (cached briefly) and every address checked against the {@link DestinationPolicy}; the connection goes to
 * the checked address itself, so a name that later resolves to a refused address (DNS rebinding) is never reached.
 * Response bodies are not read: past {@link #MAX_RESPONSE_BYTES} the connection is closed.
 */
public final class WebhookSender {
    static final int MAX_RESPONSE_BYTES = 16 * 1024;
    private static final long RESOLVED_FOR_MILLIS = 10_000;
    private static final long POOL_WAIT_MILLIS = 30_000;
    private static final String USER_AGENT = "Tern-Webhooks/1";

    /** The outcome of one attempt: an HTTP status, or a failure before one arrived (status 0). */
    public record Outcome(int status, String error) {
        public boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    private record Resolved(List<InetAddress> addresses, long until, String refusal) {
    }

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final int maxConnections;
    private final DestinationPolicy policy;
    private final long timeoutMillis;
    private final ConcurrentHashMap<String, Resolved> resolved = new ConcurrentHashMap<>();
    /**
     * One client (pool) per delivery event loop: Vert.x hands any free pooled connection to any caller, and a
     * connection on another event loop costs two thread hops per request (the write, then the answer), which under
     * load cost more than the request itself. Each delivery sends from its own loop, on that loop's connections.
     */
    private final ConcurrentHashMap<Context, HttpClientAgent> clients = new ConcurrentHashMap<>();
    private volatile int loops = 1;

    public WebhookSender(Vertx vertx, WebhookConfig config, DestinationPolicy policy) {
        this.vertx = vertx;
        this.policy = policy;
        this.timeoutMillis = config.requestTimeout().toMillis();
        this.maxConnections = config.maxConnections();
        this.options = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setVerifyHost(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .setMaxRedirects(0)
                .setDecompressionSupported(false);
        if (config.trustStore() != null) {
            // PemTrustOptions replaces the JDK's trust: the JDK's CAs remain trusted through the default SSL engine
            // only when no trust options are set, so a private CA file must hold every CA destinations use.
            options.setTrustOptions(new PemTrustOptions().addCertPath(config.trustStore().toString()));
        }
    }

    /** Deliveries run on {@code count} event loops: the per-destination connection limit is shared among them. */
    void spreadOver(int count) {
        loops = Math.max(1, count);
    }

    /** The pool of the calling delivery's event loop. */
    private HttpClientAgent client() {
        Context current = Vertx.currentContext();
        return clients.computeIfAbsent(current != null ? current : vertx.getOrCreateContext(), c -> vertx.httpClientBuilder()
                .with(options)
                .with(new PoolOptions()
                        .setHttp1MaxSize(Math.max(1, (maxConnections + loops - 1) / loops))
                        .setMaxWaitQueueSize(100_000))
                // A receiver that resets an idle pooled connection is no error of Tern's: the connection is dropped
                // and the next request opens another (an attempt it hits fails and is retried, as for any reset).
                .withConnectHandler(connection -> connection.exceptionHandler(ignored -> { }))
                .build());
    }

    /** POSTs the request; completes (never fails) with the outcome, on the caller's context. */
    public Future<Outcome> send(URI destination, DeliveryRequest request, String secret) {
        String host = DestinationPolicy.host(destination);
        return addresses(host).compose(target -> {
            if (target.refusal() != null) {
                return Future.succeededFuture(new Outcome(0, target.refusal()));
            }
            return post(destination, host, target.addresses().get(0), request, secret);
        }, failure -> Future.succeededFuture(new Outcome(0, "cannot resolve " + host + ": " + failure.getMessage())));
    }

    /**
     * The checked addresses of a host. An IP literal is checked once and needs no resolver. A name is resolved on a
     * worker thread and kept for {@link #RESOLVED_FOR_MILLIS}; only a request that finds no usable entry waits for that.
     */
    private Future<Resolved> addresses(String host) {
        Resolved known = resolved.get(host);
        if (known != null && known.until() > System.currentTimeMillis()) {
            return Future.succeededFuture(known);
        }
        if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
            try {
                Resolved literal = check(host, List.of(InetAddress.getByName(host)), Long.MAX_VALUE);
                resolved.put(host, literal);
                return Future.succeededFuture(literal);
            } catch (UnknownHostException e) {
                return Future.failedFuture(e); // not reached: a valid literal needs no lookup
            }
        }
        return vertx.executeBlocking(() -> {
            Resolved fresh = check(host, List.of(InetAddress.getAllByName(host)),
                    System.currentTimeMillis() + RESOLVED_FOR_MILLIS);
            resolved.put(host, fresh);
            return fresh;
        }, false);
    }

    private Resolved check(String host, List<InetAddress> all, long until) {
        String refusal = null;
        for (InetAddress address : all) {
            if (!policy.permits(address)) {
                refusal = host + " resolves to " + address.getHostAddress() + ", a refused address";
            }
        }
        return new Resolved(all, until, refusal);
    }

    private Future<Outcome> post(URI destination, String host, InetAddress address, DeliveryRequest request, String secret) {
        int port = DestinationPolicy.port(destination);
        long nowSeconds = System.currentTimeMillis() / 1000;
        String path = destination.getRawPath() == null || destination.getRawPath().isEmpty() ? "/" : destination.getRawPath();
        if (destination.getRawQuery() != null) {
            path += "?" + destination.getRawQuery();
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
                .setHost(host)
                .setPort(port)
                .setSsl("https".equalsIgnoreCase(destination.getScheme()))
                .setURI(path)
                .putHeader("content-type", "application/json")
                .putHeader("user-agent", USER_AGENT)
                .putHeader("momento-signature", WebhookSignatures.momento(secret, request.body()))
                .putHeader("webhook-id", request.id())
                .putHeader("webhook-timestamp", Long.toString(nowSeconds))
                .putHeader("webhook-signature",
                        WebhookSignatures.standardWebhooks(secret, request.id(), nowSeconds, request.body()));
        Promise<Outcome> outcome = Promise.promise();
        // The answer's deadline starts once a pooled connection is had: waiting for one is Tern's own delay, not the
        // receiver's, and counting it would fail healthy receivers under load. The wait itself is bounded too.
        long[] timer = {vertx.setTimer(timeoutMillis + POOL_WAIT_MILLIS, id -> outcome.tryComplete(
                new Outcome(0, "no connection to the destination within " + (timeoutMillis + POOL_WAIT_MILLIS) + " ms")))};
        client().request(options)
                .compose(sent -> {
                    vertx.cancelTimer(timer[0]);
                    timer[0] = vertx.setTimer(timeoutMillis, id -> outcome.tryComplete(
                            new Outcome(0, "no answer within " + timeoutMillis + " ms")));
                    // An unanswered request is reset at the deadline, which also frees its connection.
                    outcome.future().onComplete(done -> {
                        if (!done.result().delivered() && done.result().status() == 0) {
                            sent.reset();
                        }
                    });
                    return sent.send(Buffer.buffer(request.body()));
                })
                .onSuccess(response -> {
                    discardBody(response);
                    outcome.tryComplete(new Outcome(response.statusCode(),
                            response.statusCode() >= 200 && response.statusCode() < 300 ? null
                                    : "answered " + response.statusCode()));
                })
                .onFailure(failure -> outcome.tryComplete(new Outcome(0, describe(failure))));
        return outcome.future().onComplete(done -> vertx.cancelTimer(timer[0]));
    }

    /** Lets a small body drain (so the connection is reused); closes the connection under a large one. */
    private static void discardBody(HttpClientResponse response) {
        int[] seen = {0};
        response.handler(chunk -> {
            seen[0] += chunk.length();
            if (seen[0] > MAX_RESPONSE_BYTES) {
                response.handler(null);
                response.request().connection().close();
            }
        });
        response.exceptionHandler(ignored -> { });
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    public Future<Void> close() {
        return Future.join(clients.values().stream().map(HttpClientAgent::close).toList()).mapEmpty();
    }
}
