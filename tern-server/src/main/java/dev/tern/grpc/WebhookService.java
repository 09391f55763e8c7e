package dev.tern.grpc;

import dev.tern.auth.Authorizer;
import dev.tern.pubsub.TopicGateway;
import dev.tern.webhook.Webhook;
import dev.tern.webhook.WebhookRegistry;
import grpc.webhook._DeleteWebhookRequest;
import grpc.webhook._DeleteWebhookResponse;
import grpc.webhook._GetWebhookSecretRequest;
import grpc.webhook._GetWebhookSecretResponse;
import grpc.webhook._ListWebhookRequest;
import grpc.webhook._ListWebhooksResponse;
import grpc.webhook._PutWebhookRequest;
import grpc.webhook._PutWebhookResponse;
import grpc.webhook._RotateWebhookSecretRequest;
import grpc.webhook._RotateWebhookSecretResponse;
import grpc.webhook._Webhook;
import grpc.webhook._WebhookDestination;
import grpc.webhook._WebhookId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;

import java.util.concurrent.Callable;

/**
 * {@code webhook.Webhook}: put (create or replace), delete, list, and the signing secret, with a super-user key.
 * The registry may wait on disk, Redis or DNS, so its calls run off the event loop.
 */
final class WebhookService {
    static final ServiceName SERVICE = ServiceName.create("webhook", "Webhook");
    static final ServiceMethod<_PutWebhookRequest, _PutWebhookResponse> PUT =
            GrpcCalls.method(SERVICE, "PutWebhook", _PutWebhookRequest.getDefaultInstance());
    static final ServiceMethod<_DeleteWebhookRequest, _DeleteWebhookResponse> DELETE =
            GrpcCalls.method(SERVICE, "DeleteWebhook", _DeleteWebhookRequest.getDefaultInstance());
    static final ServiceMethod<_ListWebhookRequest, _ListWebhooksResponse> LIST =
            GrpcCalls.method(SERVICE, "ListWebhooks", _ListWebhookRequest.getDefaultInstance());
    static final ServiceMethod<_GetWebhookSecretRequest, _GetWebhookSecretResponse> GET_SECRET =
            GrpcCalls.method(SERVICE, "GetWebhookSecret", _GetWebhookSecretRequest.getDefaultInstance());
    static final ServiceMethod<_RotateWebhookSecretRequest, _RotateWebhookSecretResponse> ROTATE_SECRET =
            GrpcCalls.method(SERVICE, "RotateWebhookSecret", _RotateWebhookSecretRequest.getDefaultInstance());

    private final Vertx vertx;
    private final WebhookRegistry webhooks;
    private final TopicGateway gateway;
    private final Authorizer authorizer;
    private final GrpcErrors errors;

    WebhookService(Vertx vertx, WebhookRegistry webhooks, TopicGateway gateway, Authorizer authorizer, GrpcErrors errors) {
        this.vertx = vertx;
        this.webhooks = webhooks;
        this.gateway = gateway;
        this.authorizer = authorizer;
        this.errors = errors;
    }

    void register(GrpcServer server) {
        GrpcCalls.unary(server, PUT, errors, (request, message) -> {
            requireSuperUser(request);
            _Webhook webhook = message.getWebhook();
            return offLoop(() -> _PutWebhookResponse.newBuilder()
                    .setSecretString(webhooks.put(webhook.getWebhookId().getCacheName(),
                            webhook.getWebhookId().getWebhookName(), webhook.getTopicName(),
                            webhook.getDestination().getPostUrl()))
                    .build());
        });
        GrpcCalls.unary(server, DELETE, errors, (request, message) -> {
            requireSuperUser(request);
            return offLoop(() -> {
                webhooks.delete(message.getWebhookId().getCacheName(), message.getWebhookId().getWebhookName());
                return _DeleteWebhookResponse.getDefaultInstance();
            });
        });
        GrpcCalls.unary(server, LIST, errors, (request, message) -> {
            requireSuperUser(request);
            return offLoop(() -> {
                _ListWebhooksResponse.Builder answer = _ListWebhooksResponse.newBuilder();
                webhooks.list(message.getCacheName()).forEach(webhook -> answer.addWebhook(encode(webhook)));
                return answer.build();
            });
        });
        GrpcCalls.unary(server, GET_SECRET, errors, (request, message) -> {
            requireSuperUser(request);
            return offLoop(() -> {
                Webhook webhook = webhooks.require(message.getCacheName(), message.getWebhookName());
                return _GetWebhookSecretResponse.newBuilder()
                        .setCacheName(webhook.cacheName())
                        .setWebhookName(webhook.name())
                        .setSecretString(webhook.secret())
                        .build();
            });
        });
        GrpcCalls.unary(server, ROTATE_SECRET, errors, (request, message) -> {
            requireSuperUser(request);
            return offLoop(() -> _RotateWebhookSecretResponse.newBuilder()
                    .setSecretString(webhooks.rotateSecret(message.getWebhookId().getCacheName(),
                            message.getWebhookId().getWebhookName()))
                    .build());
        });
    }

    private <T> Future<T> offLoop(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    private void requireSuperUser(GrpcServerRequest<?, ?> request) {
        authorizer.requireSuperUser(gateway.authenticate(GrpcCalls.credential(request)));
    }

    private static _Webhook encode(Webhook webhook) {
        return _Webhook.newBuilder()
                .setWebhookId(_WebhookId.newBuilder().setCacheName(webhook.cacheName()).setWebhookName(webhook.name()))
                .setTopicName(webhook.topicName())
                .setDestination(_WebhookDestination.newBuilder().setPostUrl(webhook.url()))
                .build();
    }
}
