package dev.tern.redis;

import dev.tern.topic.SubscriberTransport;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The text one node's topic figures travel in through Redis, read back by nodes of this and other versions. */
class SharedTopicFiguresTest {

    @Test
    void figuresSurviveTheTripThroughText() {
        TopicFigures busy = new TopicFigures();
        busy.addSubscriber(SubscriberTransport.SSE);
        busy.addSubscriber(SubscriberTransport.SSE);
        busy.addSubscriber(SubscriberTransport.GRPC);
        busy.addPublishes(42);
        busy.publishedAt(1_764_700_000_123L);
        Map<String, TopicFigures> topics = new LinkedHashMap<>();
        topics.put("busy", busy);
        topics.put("chat:lobby", new TopicFigures());

        Map<String, TopicFigures> read = SharedTopicFigures.decode(SharedTopicFigures.encode(topics));

        assertThat(read).containsOnlyKeys("busy", "chat:lobby");
        assertThat(read.get("busy").subscribers(SubscriberTransport.SSE)).isEqualTo(2);
        assertThat(read.get("busy").subscribers(SubscriberTransport.GRPC)).isEqualTo(1);
        assertThat(read.get("busy").subscribers(SubscriberTransport.LONG_POLL)).isZero();
        assertThat(read.get("busy").publishesLastMinute()).isEqualTo(42);
        assertThat(read.get("busy").lastPublishMillis()).isEqualTo(1_764_700_000_123L);
        assertThat(read.get("chat:lobby").publishesLastMinute()).isZero();
    }

    @Test
    void anUnknownTransportCountsAsOtherAndBadLinesAreSkipped() {
        String fromANewerNode = """
                sse carrier_pigeon
                t 1 4 7 99
                broken 1 x 7 99
                short 1
                """;
        Map<String, TopicFigures> read = SharedTopicFigures.decode(fromANewerNode);
        assertThat(read).containsOnlyKeys("t");
        assertThat(read.get("t").subscribers(SubscriberTransport.SSE)).isEqualTo(1);
        assertThat(read.get("t").subscribers(SubscriberTransport.OTHER)).isEqualTo(4);
        assertThat(read.get("t").publishesLastMinute()).isEqualTo(7);
        assertThat(SharedTopicFigures.decode("")).isEmpty();
    }
}
