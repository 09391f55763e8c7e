package dev.tern.bench;

import java.util.Arrays;

/**
 * The benchmark message: fixed-width ASCII fields at the front, padded to {@link #SIZE} bytes:
 * {@code LLLLL SSSSSSSSSS NNNNNNNNNNNNNNNNNNN TTTTTT ....} = lane, lane sequence, send time (nanoseconds on
 * {@link BenchClock}), topic index. Subscribers parse it straight from the received bytes.
 */
public final class Payload {
    public static final int SIZE = 128;
    private static final int LANE = 0, LANE_WIDTH = 5;
    private static final int SEQ = 6, SEQ_WIDTH = 10;
    private static final int TIME = 17, TIME_WIDTH = 19;
    private static final int TOPIC = 37, TOPIC_WIDTH = 6;
    private static final byte[] TEMPLATE = template();

    public final int lane;
    public final long laneSequence;
    public final long sentNanos;
    public final int topic;

    public Payload(int lane, long laneSequence, long sentNanos, int topic) {
        this.lane = lane;
        this.laneSequence = laneSequence;
        this.sentNanos = sentNanos;
        this.topic = topic;
    }

    public byte[] encode() {
        byte[] bytes = TEMPLATE.clone();
        writeDigits(bytes, LANE, LANE_WIDTH, lane);
        writeDigits(bytes, SEQ, SEQ_WIDTH, laneSequence);
        writeDigits(bytes, TIME, TIME_WIDTH, sentNanos);
        writeDigits(bytes, TOPIC, TOPIC_WIDTH, topic);
        return bytes;
    }

    /** Parses the fields from {@code bytes[offset, offset+length)}; null when it is not a benchmark payload. */
    public static Payload decode(byte[] bytes, int offset, int length) {
        if (length != SIZE) {
            return null;
        }
        long lane = readDigits(bytes, offset + LANE, LANE_WIDTH);
        long seq = readDigits(bytes, offset + SEQ, SEQ_WIDTH);
        long time = readDigits(bytes, offset + TIME, TIME_WIDTH);
        long topic = readDigits(bytes, offset + TOPIC, TOPIC_WIDTH);
        if (lane < 0 || seq < 0 || time < 0 || topic < 0) {
            return null;
        }
        return new Payload((int) lane, seq, time, (int) topic);
    }

    private static byte[] template() {
        byte[] bytes = new byte[SIZE];
        Arrays.fill(bytes, (byte) '.');
        for (int gap : new int[] {LANE + LANE_WIDTH, SEQ + SEQ_WIDTH, TIME + TIME_WIDTH, TOPIC + TOPIC_WIDTH}) {
            bytes[gap] = ' ';
        }
        return bytes;
    }

    private static void writeDigits(byte[] bytes, int at, int width, long value) {
        long rest = value;
        for (int i = at + width - 1; i >= at; i--) {
            bytes[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        if (rest != 0) {
            throw new IllegalArgumentException("value " + value + " does not fit in " + width + " digits");
        }
    }

    /** The number, or -1 when a non-digit is found. */
    private static long readDigits(byte[] bytes, int at, int width) {
        long value = 0;
        for (int i = at; i < at + width; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
