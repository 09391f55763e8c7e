package dev.tern.grpc;

import dev.tern.auth.ApiKeys;
import dev.tern.auth.Authorizer;
import dev.tern.auth.TokenIssuer;
import dev.tern.cache.CacheRegistry;
import dev.tern.cache.TopicLimits;
import dev.tern.config.BrowserConfig;
import dev.tern.http.CorsPolicy;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.TopicGateway;
import dev.tern.webhook.WebhookRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcProtocol;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Momento's gRPC protocol on Tern's HTTP port: requests whose content type is {@code application/grpc*} (gRPC over
 * HTTP/2, and gRPC-Web over HTTP/1.1 or HTTP/2 for browsers) come here, everything else goes to the HTTP API.
 */
public final class MomentoGrpc {
    private static final String GRPC_CONTENT_TYPE = "application/grpc";
    private static final String GRPC_WEB_CONTENT_TYPE = "application/grpc-web";
    /** A gRPC method path: {@code /package.Service/Method}. */
    private static final Pattern METHOD_PATH = Pattern.compile("^/[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)+/[A-Za-z0-9_]+$");
    private static final String EXPOSED_HEADERS = "grpc-status,grpc-message," + GrpcErrors.LIMIT_TRAILER;

    /** What the services need from the rest of the server. */
    public record Dependencies(Vertx vertx, TopicGateway gateway, CacheRegistry caches, Authorizer authorizer,
                               TokenIssuer tokenIssuer, ApiKeys apiKeys, TernMetrics metrics, TopicLimits defaultLimits,
                               Duration heartbeatInterval, BrowserConfig browser, WebhookRegistry webhooks,
                               boolean accessLog) {
    }

    private final GrpcServer server;
    private final CorsPolicy cors;
    private final Http2PublishCalls.Installer publishCalls;

    private MomentoGrpc(GrpcServer server, CorsPolicy cors, Http2PublishCalls.Installer publishCalls) {
        this.server = server;
        this.cors = cors;
        this.publishCalls = publishCalls;
    }

    public static MomentoGrpc create(Dependencies deps) {
        GrpcServer server = GrpcServer.server(deps.vertx(), new GrpcServerOptions()
                .removeEnabledProtocol(GrpcProtocol.TRANSCODING)
                // SDKs put a deadline on the first Subscribe call; it bounds waiting for the first message, and a
                // stream must outlive it.
                .setScheduleDeadlineAutomatically(false)
                .setMaxMessageSize(GrpcCalls.MAX_MESSAGE_BYTES));
        GrpcErrors errors = new GrpcErrors(deps.metrics());
        PubsubService pubsub = new PubsubService(deps.vertx(), deps.gateway(), errors, deps.heartbeatInterval(), deps.metrics());
        pubsub.register(server);
        new ControlService(deps.caches(), deps.gateway(), deps.authorizer(), deps.defaultLimits(), errors).register(server);
        new WebhookService(deps.vertx(), deps.webhooks(), deps.gateway(), deps.authorizer(), errors).register(server);
        new TokenService(deps.gateway(), deps.tokenIssuer(), errors).register(server);
        new AuthService(deps.gateway(), deps.apiKeys(), errors).register(server);
        PingService.register(server, errors);
        server.callHandler(GrpcCalls.guarded(errors, request -> errors.end(request.response(), GrpcStatus.UNIMPLEMENTED,
                "Tern does not implement " + request.fullMethodName()
                        + "; it serves Momento Topics (Pubsub), CreateCache/DeleteCache/ListCaches, webhooks, disposable tokens and API keys")));
        return new MomentoGrpc(server, new CorsPolicy(deps.browser()),
                new Http2PublishCalls.Installer(pubsub::publish, errors, deps.accessLog()));
    }

    /** True for gRPC and gRPC-Web calls, and for a browser's CORS preflight of a gRPC-Web call. */
    public static boolean accepts(HttpServerRequest request) {
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && contentType.regionMatches(true, 0, GRPC_CONTENT_TYPE, 0, GRPC_CONTENT_TYPE.length())) {
            return true;
        }
        return isPreflight(request);
    }

    /** Handles a request for which {@link #accepts} is true. */
    public void handle(HttpServerRequest request) {
        String allowedOrigin = cors.allowedOrigin(request);
        if (isPreflight(request)) {
            String requested = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
            cors.answerPreflight(request, allowedOrigin, "POST, OPTIONS", requested == null ? "*" : requested);
            return;
        }
        if (request.version() != HttpVersion.HTTP_2 && !isGrpcWeb(request)) {
            // Vert.x's gRPC server would answer a bare 415: say what the client has to change.
            request.response().setStatusCode(415).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end("gRPC needs HTTP/2 (cleartext with prior knowledge, or TLS with ALPN); over HTTP/1.1 use "
                            + "gRPC-Web (Content-Type: application/grpc-web)\n");
            return;
        }
        if (allowedOrigin != null) {
            // gRPC-Web from a browser: the SDK reads the status headers of trailers-only answers.
            CorsPolicy.allow(request.response(), allowedOrigin, EXPOSED_HEADERS);
        }
        // From now on, this connection's ordinary Publish calls are answered below Vert.x.
        publishCalls.install(request);
        GrpcCalls.dispatch(server, request, isGrpcWeb(request));
    }

    private static boolean isGrpcWeb(HttpServerRequest request) {
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return contentType != null && contentType.regionMatches(true, 0, GRPC_WEB_CONTENT_TYPE, 0, GRPC_WEB_CONTENT_TYPE.length());
    }

    private static boolean isPreflight(HttpServerRequest request) {
        return CorsPolicy.isPreflight(request) && METHOD_PATH.matcher(request.path()).matches();
    }
}
