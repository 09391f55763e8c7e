package dev.tern.grpc;

import dev.tern.auth.Principal;
import dev.tern.error.TernException;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.Heartbeats;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.PublishReceipt;
import dev.tern.topic.StartPosition;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicValue;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.cache_client.pubsub._SubscriptionItem;
import grpc.cache_client.pubsub._SubscriptionRequest;
import grpc.cache_client.pubsub._TopicValue;
import grpc.common._Empty;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;

import java.time.Duration;

/** {@code cache_client.pubsub.Pubsub}: Publish and Subscribe, through the topic gateway like every transport. */
final class PubsubService {
    static final ServiceName SERVICE = ServiceName.create("cache_client.pubsub", "Pubsub");
    static final ServiceMethod<_PublishRequest, _Empty> PUBLISH =
            GrpcCalls.method(SERVICE, "Publish", _PublishRequest.getDefaultInstance());
    static final ServiceMethod<_SubscriptionRequest, _SubscriptionItem> SUBSCRIBE =
            GrpcCalls.method(SERVICE, "Subscribe", _SubscriptionRequest.getDefaultInstance());

    private final TopicGateway gateway;
    private final GrpcErrors errors;
    /** Heartbeats for idle Subscribe streams: one timer per event loop. */
    private final Heartbeats heartbeats;
    private final TernMetrics metrics;

    PubsubService(Vertx vertx, TopicGateway gateway, GrpcErrors errors, Duration heartbeatInterval, TernMetrics metrics) {
        this.gateway = gateway;
        this.errors = errors;
        this.heartbeats = new Heartbeats(vertx, heartbeatInterval);
        this.metrics = metrics;
    }

    void register(GrpcServer server) {
        GrpcCalls.unary(server, PUBLISH, errors, this::publish);
        server.callHandler(SUBSCRIBE, GrpcCalls.guarded(errors, this::subscribe));
    }

    private Future<_Empty> publish(GrpcServerRequest<_PublishRequest, _Empty> request, _PublishRequest message) {
        return publish(message, GrpcCalls.credential(request)).map(receipt -> _Empty.getDefaultInstance());
    }

    /** A Publish call's work, however the call arrived (here, or {@link Http2PublishCalls}); may throw a TernException. */
    Future<PublishReceipt> publish(_PublishRequest message, String credential) {
        TopicKey topic = TopicGateway.topicKey(message.getCacheName(), message.getTopic());
        TopicValue value = value(message.getValue());
        Principal principal = gateway.authenticate(credential);
        return gateway.publish(principal, topic, value);
    }

    private void subscribe(GrpcServerRequest<_SubscriptionRequest, _SubscriptionItem> request) {
        HttpServerRequest http = GrpcCalls.httpRequest();
        request.last().onComplete(received -> {
            if (received.failed()) {
                errors.fail(request.response(), TernException.badRequest("malformed or missing subscription request"));
                return;
            }
            try {
                _SubscriptionRequest message = received.result();
                TopicKey topic = TopicGateway.topicKey(message.getCacheName(), message.getTopic());
                StartPosition from = startPosition(message);
                Principal principal = gateway.authenticate(GrpcCalls.credential(request));
                SubscribeCall.start(heartbeats, gateway, errors, metrics, request, http, principal, topic, from);
            } catch (RuntimeException e) {
                errors.fail(request.response(), e);
            }
        });
    }

    /**
     * Both resume styles land here: Java and JS SDKs send the sequence after the last one they saw, Go and Rust the
     * last one itself (which they then receive again rather than lose a message).
     */
    static StartPosition startPosition(_SubscriptionRequest message) {
        long sequence = message.getResumeAtTopicSequenceNumber();
        long page = message.getSequencePage();
        if (sequence < 0 || page < 0) {
            throw TernException.badRequest("resume_at_topic_sequence_number and sequence_page must be below 2^63");
        }
        return new StartPosition(sequence, page);
    }

    static TopicValue value(_TopicValue value) {
        switch (value.getKindCase()) {
            case TEXT:
                return TopicValue.text(value.getText()); // protobuf has already checked it is UTF-8
            case BINARY:
                return TopicValue.binary(value.getBinary().toByteArray());
            default:
                throw TernException.badRequest("the published value must be text or binary");
        }
    }
}
