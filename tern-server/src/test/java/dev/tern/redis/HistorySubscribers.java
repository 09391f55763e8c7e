package dev.tern.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.testing.PublishHistory;
import dev.tern.testing.RunningTern;
import grpc.cache_client.pubsub.PubsubGrpc;
import grpc.cache_client.pubsub._SubscriptionItem;
import grpc.cache_client.pubsub._SubscriptionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Real subscribers of one topic, each recording what it receives into a {@link PublishHistory}: a Server-Sent Events
 * stream ({@code ?format=json}), a gRPC subscription (the Momento protocol), and a long-poll client that resumes each
 * poll from its last position. They run until {@link #close()}.
 */
final class HistorySubscribers implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final PublishHistory history;
    private final String cache;
    private final String topic;

    HistorySubscribers(PublishHistory history, String cache, String topic) {
        this.history = history;
        this.cache = cache;
        this.topic = topic;
    }

    void sse(RunningTern node, String name) {
        PublishHistory.Subscriber record = history.subscriber(name);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(node.uri("/topics/" + cache + "/" + topic + "?format=json&token="
                + node.superUserKey())).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the event stream on " + name, e);
        }
        if (response.statusCode() != 200) {
            throw new AssertionError("stream refused with " + response.statusCode());
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        recordJson(record, JSON.readTree(line.substring(6)));
                    }
                }
            } catch (Exception closed) {
                // closed by the test
            }
        }, "sse-" + name);
        reader.setDaemon(true);
        reader.start();
        running.add(() -> {
            response.body().close();
            reader.interrupt();
        });
    }

    void grpc(RunningTern node, String name) {
        PublishHistory.Subscriber record = history.subscriber(name);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), node.superUserKey());
        PubsubGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .subscribe(_SubscriptionRequest.newBuilder().setCacheName(cache).setTopic(topic).build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(_SubscriptionItem event) {
                                if (event.hasItem()) {
                                    record.item(event.getItem().getSequencePage(), event.getItem().getTopicSequenceNumber(),
                                            event.getItem().getValue().getText());
                                } else if (event.hasDiscontinuity()) {
                                    record.discontinuity(event.getDiscontinuity().getNewTopicSequence(),
                                            event.getDiscontinuity().getNewSequencePage());
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
        running.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    }

    /** Long polls, each from the position after the last event, as an HTTP client resuming would. */
    void longPoll(RunningTern node, String name) {
        PublishHistory.Subscriber record = history.subscriber(name);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicBoolean polling = new AtomicBoolean(true);
        long[] position = {0, 0}; // page, next sequence (0: live)
        Thread poller = new Thread(() -> {
            while (polling.get()) {
                String query = position[1] == 0 ? "" : "?sequence_number=" + position[1] + "&sequence_page=" + position[0];
                HttpRequest request = HttpRequest.newBuilder(node.uri("/topics/" + cache + "/" + topic + query))
                        .timeout(Duration.ofSeconds(30)).header("Authorization", node.superUserKey()).GET().build();
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        Thread.sleep(100);
                        continue;
                    }
                    for (JsonNode event : JSON.readTree(response.body()).path("items")) {
                        long[] next = recordJson(record, event);
                        if (next != null) {
                            position[0] = next[0];
                            position[1] = next[1];
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    RedisNodesTest.sleep(100);
                }
            }
        }, "poll-" + name);
        poller.setDaemon(true);
        poller.start();
        running.add(() -> {
            polling.set(false);
            poller.interrupt();
            poller.join(5000);
        });
    }

    /** Records an item or a discontinuity in the long-poll JSON shape; returns the position after it, or null. */
    private static long[] recordJson(PublishHistory.Subscriber record, JsonNode event) {
        if (event.has("discontinuity")) {
            JsonNode gap = event.get("discontinuity");
            long page = gap.path("new_sequence_page").asLong();
            long next = gap.path("new_topic_sequence").asLong();
            record.discontinuity(next, page);
            return new long[] {page, next};
        }
        JsonNode item = event.path("item");
        if (item.isMissingNode()) {
            return null;
        }
        long page = item.path("sequence_page").asLong();
        long sequence = item.path("topic_sequence_number").asLong();
        record.item(page, sequence, item.path("value").path("text").asText());
        return new long[] {page, sequence + 1};
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : running) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }
}
