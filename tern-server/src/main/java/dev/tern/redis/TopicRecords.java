package dev.tern.redis;

import dev.tern.topic.TopicItem;
import dev.tern.topic.TopicValue;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How a topic's messages are written in Redis and read back: stream entries ({@code <seq>-0} with fields
 * {@code k}, {@code p}, {@code v}) and channel messages ({@code "<page> <seq> <kind> <publisher length> "}, then the
 * publisher id, then the value's bytes, as written by {@code publish.lua}).
 */
final class TopicRecords {
    static final String TEXT = "t";
    static final String BINARY = "b";

    private TopicRecords() {
    }

    static String kind(TopicValue value) {
        return value.isText() ? TEXT : BINARY;
    }

    /** A channel message, or null when it is not in Tern's format. */
    static TopicItem fromChannel(Buffer payload) {
        byte[] bytes = payload.getBytes();
        int[] position = {0};
        try {
            long page = Long.parseLong(token(bytes, position));
            long seq = Long.parseLong(token(bytes, position));
            String kind = token(bytes, position);
            int publisherLength = Integer.parseInt(token(bytes, position));
            int start = position[0];
            String publisher = publisherLength == 0 ? null
                    : new String(bytes, start, publisherLength, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(bytes, start + publisherLength, bytes.length);
            return new TopicItem(page, seq, value(kind, value), publisher);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String token(byte[] bytes, int[] position) {
        int start = position[0];
        int end = start;
        while (bytes[end] != ' ') {
            end++;
        }
        position[0] = end + 1;
        return new String(bytes, start, end - start, StandardCharsets.US_ASCII);
    }

    /** The entries of an XRANGE reply on the given page. */
    static List<TopicItem> fromStream(long page, Response entries) {
        List<TopicItem> items = new ArrayList<>(entries == null ? 0 : entries.size());
        if (entries == null) {
            return items;
        }
        for (Response entry : entries) {
            String id = entry.get(0).toString();
            long seq = Long.parseLong(id.substring(0, id.indexOf('-')));
            Response fields = entry.get(1);
            String kind = BINARY;
            String publisher = null;
            byte[] value = new byte[0];
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String field = fields.get(i).toString();
                Response content = fields.get(i + 1);
                switch (field) {
                    case "k" -> kind = content.toString();
                    case "p" -> publisher = content.toString().isEmpty() ? null : content.toString();
                    case "v" -> value = content.toBytes();
                    default -> { }
                }
            }
            items.add(new TopicItem(page, seq, value(kind, value), publisher));
        }
        return items;
    }

    private static TopicValue value(String kind, byte[] bytes) {
        // Text was checked to be UTF-8 when it was published, so it is not checked again here.
        return TEXT.equals(kind) ? TopicValue.text(new String(bytes, StandardCharsets.UTF_8)) : TopicValue.binary(bytes);
    }
}
