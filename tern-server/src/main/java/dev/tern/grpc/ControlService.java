package dev.tern.grpc;

import dev.tern.auth.Authorizer;
import dev.tern.cache.CacheInfo;
import dev.tern.cache.CachePage;
import dev.tern.cache.CacheRegistry;
import dev.tern.cache.TopicLimits;
import dev.tern.pubsub.TopicGateway;
import grpc.control_client._Cache;
import grpc.control_client._CacheLimits;
import grpc.control_client._CreateCacheRequest;
import grpc.control_client._CreateCacheResponse;
import grpc.control_client._DeleteCacheRequest;
import grpc.control_client._DeleteCacheResponse;
import grpc.control_client._ListCachesRequest;
import grpc.control_client._ListCachesResponse;
import grpc.control_client._TopicLimits;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;

/**
 * {@code control_client.ScsControl}: CreateCache, DeleteCache and ListCaches with a super-user key. Its other
 * methods (flush, signing keys, indexes, stores) fall through to the UNIMPLEMENTED answer.
 */
final class ControlService {
    static final ServiceName SERVICE = ServiceName.create("control_client", "ScsControl");
    static final ServiceMethod<_CreateCacheRequest, _CreateCacheResponse> CREATE_CACHE =
            GrpcCalls.method(SERVICE, "CreateCache", _CreateCacheRequest.getDefaultInstance());
    static final ServiceMethod<_DeleteCacheRequest, _DeleteCacheResponse> DELETE_CACHE =
            GrpcCalls.method(SERVICE, "DeleteCache", _DeleteCacheRequest.getDefaultInstance());
    static final ServiceMethod<_ListCachesRequest, _ListCachesResponse> LIST_CACHES =
            GrpcCalls.method(SERVICE, "ListCaches", _ListCachesRequest.getDefaultInstance());

    private final CacheRegistry caches;
    private final TopicGateway gateway;
    private final Authorizer authorizer;
    private final TopicLimits defaultLimits;
    private final GrpcErrors errors;

    ControlService(CacheRegistry caches, TopicGateway gateway, Authorizer authorizer, TopicLimits defaultLimits,
                   GrpcErrors errors) {
        this.caches = caches;
        this.gateway = gateway;
        this.authorizer = authorizer;
        this.defaultLimits = defaultLimits;
        this.errors = errors;
    }

    void register(GrpcServer server) {
        // The cache store may wait for its disk or for Redis, so its calls run off the event loop (executeBlocking).
        GrpcCalls.unary(server, CREATE_CACHE, errors, (request, message) -> {
            requireSuperUser(request);
            return Vertx.currentContext().executeBlocking(() -> {
                caches.create(message.getCacheName(), defaultLimits);
                return _CreateCacheResponse.getDefaultInstance();
            }, false);
        });
        GrpcCalls.unary(server, DELETE_CACHE, errors, (request, message) -> {
            requireSuperUser(request);
            return Vertx.currentContext().executeBlocking(() -> {
                caches.delete(message.getCacheName());
                return _DeleteCacheResponse.getDefaultInstance();
            }, false);
        });
        GrpcCalls.unary(server, LIST_CACHES, errors, (request, message) -> {
            requireSuperUser(request);
            return Vertx.currentContext().executeBlocking(() -> {
                CachePage page = caches.page(message.getNextToken(), CachePage.MAX_SIZE);
                _ListCachesResponse.Builder answer = _ListCachesResponse.newBuilder();
                page.caches().forEach(cache -> answer.addCache(encode(cache)));
                if (page.nextToken() != null) {
                    answer.setNextToken(page.nextToken());
                }
                return answer.build();
            }, false);
        });
    }

    private void requireSuperUser(GrpcServerRequest<?, ?> request) {
        authorizer.requireSuperUser(gateway.authenticate(GrpcCalls.credential(request)));
    }

    private static _Cache encode(CacheInfo cache) {
        TopicLimits limits = cache.limits();
        return _Cache.newBuilder()
                .setCacheName(cache.name())
                .setTopicLimits(_TopicLimits.newBuilder()
                        .setMaxPublishRate(limits.maxPublishRate())
                        .setMaxSubscriptionCount(limits.maxSubscriptionCount())
                        .setMaxPublishMessageSizeKb(limits.maxPublishMessageSizeKb()))
                // Tern stores no cache items; SDKs still expect the message, so it mirrors the topic limits.
                .setCacheLimits(_CacheLimits.newBuilder()
                        .setMaxTrafficRate(limits.maxPublishRate())
                        .setMaxItemSizeKb(limits.maxPublishMessageSizeKb()))
                .build();
    }
}
