package dev.tern.topic;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-topic publish rate of topic introspection: publishes of the last 60 seconds, divided by 60. */
class PublishRateWindowTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long START = 1_000 * SECOND;

    @Test
    void aTopicNeverPublishedToHasNoRate() {
        assertThat(new PublishRateWindow().perSecond(START)).isZero();
    }

    @Test
    void countsThePublishesOfTheLastMinute() {
        PublishRateWindow window = new PublishRateWindow();
        for (int s = 0; s < 60; s++) {
            for (int i = 0; i < 2; i++) {
                window.record(START + s * SECOND + i);
            }
        }
        assertThat(window.perSecond(START + 59 * SECOND)).isEqualTo(2.0);
        // Ten seconds later the first ten seconds' publishes have left the window.
        assertThat(window.perSecond(START + 69 * SECOND)).isEqualTo(100 / 60.0);
        // A minute after the last publish nothing is left.
        assertThat(window.perSecond(START + 119 * SECOND)).isZero();
    }

    @Test
    void bucketsOfSecondsWithoutPublishesAreNotCountedAgainAMinuteLater() {
        PublishRateWindow window = new PublishRateWindow();
        for (int i = 0; i < 30; i++) {
            window.record(START);
        }
        // 61 seconds later, the bucket of START is reused for a new second: it must start from zero.
        window.record(START + 60 * SECOND);
        assertThat(window.perSecond(START + 60 * SECOND)).isEqualTo(1 / 60.0);
        // After a pause of several minutes only the new publishes count.
        window.record(START + 500 * SECOND);
        window.record(START + 500 * SECOND + 1);
        assertThat(window.perSecond(START + 500 * SECOND)).isEqualTo(2 / 60.0);
        assertThat(window.perSecond(START + 530 * SECOND)).isEqualTo(2 / 60.0);
    }

    @Test
    void aClockReadJustBehindTheNewestSecondStillCounts() {
        PublishRateWindow window = new PublishRateWindow();
        window.record(START + 5 * SECOND);
        window.record(START + 4 * SECOND);
        assertThat(window.perSecond(START + 5 * SECOND)).isEqualTo(2 / 60.0);
    }
}
