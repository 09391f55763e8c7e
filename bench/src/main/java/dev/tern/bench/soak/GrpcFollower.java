package dev.tern.bench.soak;

import grpc.cache_client.pubsub.PubsubGrpc;
import grpc.cache_client.pubsub._SubscriptionItem;
import grpc.cache_client.pubsub._SubscriptionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * A Momento {@code Subscribe} stream: resumes with {@code resume_at_topic_sequence_number} (last + 1) and
 * {@code sequence_page}; live at its first heartbeat; ended by the server with UNAUTHENTICATED (token expired) or
 * NOT_FOUND (cache deleted). It has a channel of its own; when its client churns the stream it also replaces the
 * channel, so churn closes HTTP/2 connections, not only streams.
 */
final class GrpcFollower extends Follower {
    private ManagedChannel channel;
    private ClientCallStreamObserver<_SubscriptionRequest> call;

    GrpcFollower(String cache, int topic, SoakClients clients) {
        super("gRPC", cache, topic, clients);
    }

    @Override
    protected synchronized void open(int generation, String token) {
        if (channel == null) {
            channel = GrpcAuth.channel(clients.host, clients.port);
        }
        long[] at = check.resumeAt();
        _SubscriptionRequest request = _SubscriptionRequest.newBuilder().setCacheName(cache).setTopic("t" + topic)
                .setResumeAtTopicSequenceNumber(at[1]).setSequencePage(at[0]).build();
        PubsubGrpc.newStub(channel).withInterceptors(GrpcAuth.with(token)).subscribe(request,
                new ClientResponseObserver<_SubscriptionRequest, _SubscriptionItem>() {
                    private boolean heard;

                    @Override
                    public void beforeStart(ClientCallStreamObserver<_SubscriptionRequest> stream) {
                        synchronized (GrpcFollower.this) {
                            call = stream;
                        }
                    }

                    @Override
                    public void onNext(_SubscriptionItem item) {
                        if (!heard) {
                            heard = true;
                            live(generation);
                        }
                        switch (item.getKindCase()) {
                            case ITEM: {
                                byte[] text = item.getItem().getValue().getTextBytes().toByteArray();
                                check.item(item.getItem().getSequencePage(), item.getItem().getTopicSequenceNumber(),
                                        text, 0, text.length);
                                break;
                            }
                            case DISCONTINUITY:
                                check.discontinuity(item.getDiscontinuity().getLastTopicSequence(),
                                        item.getDiscontinuity().getNewTopicSequence(),
                                        item.getDiscontinuity().getNewSequencePage());
                                break;
                            default:
                                break;
                        }
                    }

                    @Override
                    public void onError(Throwable error) {
                        Status.Code code = Status.fromThrowable(error).getCode();
                        End how = code == Status.Code.UNAUTHENTICATED ? End.TOKEN_EXPIRED
                                : code == Status.Code.NOT_FOUND ? End.CACHE_DELETED : End.UNEXPECTED;
                        ended(generation, how, String.valueOf(Status.fromThrowable(error)));
                    }

                    @Override
                    public void onCompleted() {
                        ended(generation, End.UNEXPECTED, "stream completed by the server");
                    }
                });
    }

    @Override
    protected synchronized void close(int generation) {
        if (call != null) {
            call.cancel("churn", null);
        }
        if (channel != null) {
            channel.shutdownNow(); // the next connection is a new channel
            channel = null;
        }
    }
}
