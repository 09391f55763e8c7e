package dev.tern.grpc;

import dev.tern.auth.CredentialEnd;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.tern.auth.Principal;
import dev.tern.error.TernException;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.Heartbeats;
import dev.tern.pubsub.ResumingSubscription;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.Discontinuity;
import dev.tern.topic.Heartbeat;
import dev.tern.topic.StartPosition;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.TopicItem;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicValue;
import dev.tern.topic.SubscriberTransport;
import grpc.cache_client.pubsub._Discontinuity;
import grpc.cache_client.pubsub._Heartbeat;
import grpc.cache_client.pubsub._SubscriptionItem;
import grpc.cache_client.pubsub._SubscriptionRequest;
import grpc.cache_client.pubsub._TopicItem;
import grpc.cache_client.pubsub._TopicValue;
import io.netty.buffer.ByteBuf;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;


/**
 * One Subscribe stream: a heartbeat first (the Java SDK insists), then the topic's events, heartbeats while it is
 * idle, and a status that tells the SDK what to do when the stream ends: NOT_FOUND when the cache was deleted,
 * UNAVAILABLE (reconnect) when the server shuts down.
 */
final class SubscribeCall implements ResumingSubscription.Sink {
    static final _SubscriptionItem HEARTBEAT =
            _SubscriptionItem.newBuilder().setHeartbeat(_Heartbeat.getDefaultInstance()).build();

    private final GrpcErrors errors;
    private final TopicKey topic;
    private final GrpcServerResponse<_SubscriptionRequest, _SubscriptionItem> response;
    /** Binary protobuf on the wire (not gRPC's JSON format), so pre-encoded items can be written as they are. */
    private final boolean protobuf;
    /** Pre-encoded messages straight to the HTTP/2 stream (gRPC over HTTP/2 in protobuf); null: through Vert.x. */
    private Http2MessageOutput output;
    private ResumingSubscription subscription;
    private Heartbeats.Beat heartbeat;
    private boolean wroteSinceHeartbeat;
    private boolean ended;

    private SubscribeCall(GrpcErrors errors, TopicKey topic,
                          GrpcServerResponse<_SubscriptionRequest, _SubscriptionItem> response, boolean protobuf) {
        this.errors = errors;
        this.topic = topic;
        this.response = response;
        this.protobuf = protobuf;
    }

    /** Subscribes (throwing the gateway's error before anything was sent) and starts streaming. */
    static void start(Heartbeats heartbeats, TopicGateway gateway, GrpcErrors errors, TernMetrics metrics,
                      GrpcServerRequest<_SubscriptionRequest, _SubscriptionItem> request, HttpServerRequest http,
                      Principal principal, TopicKey topic, StartPosition from) {
        SubscribeCall call = new SubscribeCall(errors, topic, request.response(),
                request.format() == WireFormat.PROTOBUF);
        call.subscription = ResumingSubscription.open(gateway, principal, topic, from, call, metrics);
        // Written now, before the engine's replay task runs on this context, so it is always the first message.
        if (call.protobuf && http != null && http.version() == HttpVersion.HTTP_2) {
            call.response.writeHead(); // the headers leave through Vert.x; every message after them below it
            call.output = Http2MessageOutput.attach(http);
        }
        if (call.output != null) {
            call.output.write(EncodedItems.heartbeat());
        } else {
            call.response.write(HEARTBEAT);
        }
        call.heartbeat = heartbeats.register(call::heartbeatIfIdle);
        request.exceptionHandler(failure -> call.release());
        request.errorHandler(error -> call.release());
        call.response.exceptionHandler(failure -> call.release());
    }

    @Override
    public void write(SubscriptionEvent event) {
        if (ended) {
            return;
        }
        wroteSinceHeartbeat = true;
        if (output != null) {
            if (event instanceof TopicItem item) {
                output.write(EncodedItems.wire(item));
            } else {
                ByteBuf encoded = EncodedItems.wire(encode(event));
                output.write(encoded);
                encoded.release();
            }
        } else if (protobuf && event instanceof TopicItem item) {
            response.writeMessage(EncodedItems.protobuf(item));
        } else {
            response.write(encode(event));
        }
    }

    @Override
    public boolean writeQueueFull() {
        return output != null ? output.writeQueueFull() : response.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable drained) {
        if (output != null) {
            output.onDrain(drained);
        } else {
            ResumingSubscription.Sink.drainOnce(response, drained);
        }
    }

    @Override
    public void end(SubscriptionEnd reason) {
        if (reason == SubscriptionEnd.CACHE_DELETED) {
            finish(GrpcStatus.NOT_FOUND, TernException.cacheNotFound(topic.cacheName()).getMessage());
        } else if (reason.isCredentialEnd()) {
            // The SDKs map UNAUTHENTICATED to an authentication error and do not resubscribe with the same key.
            finish(GrpcStatus.UNAUTHENTICATED, CredentialEnd.of(reason).message());
        } else {
            finish(GrpcStatus.UNAVAILABLE, "server shutting down; reconnect");
        }
    }

    @Override
    public SubscriberTransport transport() {
        return SubscriberTransport.GRPC;
    }

    @Override
    public void fail(TernException error) {
        if (!ended) {
            ended = true;
            stopHeartbeats();
            closeOutput();
            errors.fail(response, error);
        }
    }

    private void finish(GrpcStatus status, String message) {
        if (!ended) {
            ended = true;
            stopHeartbeats();
            closeOutput();
            errors.end(response, status, message);
        }
    }

    private void heartbeatIfIdle() {
        if (ended || subscription.isPaused()) {
            return;
        }
        if (!wroteSinceHeartbeat && !writeQueueFull()) {
            if (output != null) {
                output.write(EncodedItems.heartbeat());
            } else {
                response.write(HEARTBEAT);
            }
        }
        wroteSinceHeartbeat = false;
    }

    /** The client cancelled or the connection closed. */
    private void release() {
        ended = true;
        stopHeartbeats();
        closeOutput();
        subscription.close();
    }

    private void closeOutput() {
        if (output != null) {
            output.close();
        }
    }

    private void stopHeartbeats() {
        if (heartbeat != null) {
            heartbeat.cancel();
            heartbeat = null;
        }
    }

    static _SubscriptionItem encode(SubscriptionEvent event) {
        if (event instanceof TopicItem item) {
            _TopicItem.Builder encoded = _TopicItem.newBuilder()
                    .setTopicSequenceNumber(item.sequenceNumber())
                    .setSequencePage(item.sequencePage())
                    .setValue(value(item.value()));
            if (item.publisherId() != null) {
                encoded.setPublisherId(item.publisherId());
            }
            return _SubscriptionItem.newBuilder().setItem(encoded).build();
        }
        if (event instanceof Discontinuity gap) {
            return _SubscriptionItem.newBuilder().setDiscontinuity(_Discontinuity.newBuilder()
                    .setLastTopicSequence(gap.lastSequence())
                    .setNewTopicSequence(gap.newSequence())
                    .setNewSequencePage(gap.newSequencePage())).build();
        }
        if (event instanceof Heartbeat) {
            return HEARTBEAT;
        }
        throw new IllegalArgumentException("unknown subscription event " + event);
    }

    private static _TopicValue value(TopicValue value) {
        // The value's bytes are never modified after publish, so they are shared rather than copied.
        ByteString bytes = UnsafeByteOperations.unsafeWrap(value.bytes());
        return value.isText()
                ? _TopicValue.newBuilder().setTextBytes(bytes).build()
                : _TopicValue.newBuilder().setBinary(bytes).build();
    }
}
