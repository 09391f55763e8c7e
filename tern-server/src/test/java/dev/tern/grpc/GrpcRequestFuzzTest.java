package dev.tern.grpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.cache_client.pubsub._SubscriptionRequest;
import momento.token._GenerateDisposableTokenRequest;

/**
 * Fuzzes gRPC request messages as Tern reads them after protobuf decoding: names, resume positions, values and
 * disposable-token requests. Undecodable bytes are answered INVALID_ARGUMENT by the call plumbing; what decodes may
 * only fail with a TernException (a gRPC status the SDKs map).
 * Seeds: {@code src/test/resources/dev/tern/grpc/GrpcRequestFuzzTestInputs/<method>/}.
 */
class GrpcRequestFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void subscriptionRequests(byte[] input) {
        _SubscriptionRequest message;
        try {
            message = _SubscriptionRequest.parseFrom(input);
        } catch (InvalidProtocolBufferException undecodable) {
            return;
        }
        try {
            TopicGateway.topicKey(message.getCacheName(), message.getTopic());
            PubsubService.startPosition(message);
        } catch (TernException expected) {
            // INVALID_ARGUMENT
        }
    }

    @FuzzTest(maxDuration = "10s")
    void publishRequests(byte[] input) {
        _PublishRequest message;
        try {
            message = _PublishRequest.parseFrom(input);
        } catch (InvalidProtocolBufferException undecodable) {
            return;
        }
        try {
            TopicGateway.topicKey(message.getCacheName(), message.getTopic());
            PubsubService.value(message.getValue());
        } catch (TernException expected) {
            // INVALID_ARGUMENT
        }
    }

    @FuzzTest(maxDuration = "10s")
    void disposableTokenRequests(byte[] input) {
        _GenerateDisposableTokenRequest message;
        try {
            message = _GenerateDisposableTokenRequest.parseFrom(input);
        } catch (InvalidProtocolBufferException undecodable) {
            return;
        }
        try {
            TokenService.request(message);
        } catch (TernException expected) {
            // INVALID_ARGUMENT
        }
    }
}
