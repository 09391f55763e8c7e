package dev.tern.webhook;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.topic.Discontinuity;
import dev.tern.topic.TopicItem;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The JSON body of one delivery, in Momento's field names, plus {@code sequence_page}. A text value is {@code text};
 * a binary value is {@code binary}, base64 (Momento's webhook pages document text values only). A discontinuity
 * carries {@code discontinuity} instead of a value.
 *
 * @param id   the Standard Webhooks message id: the same for every attempt at the same message
 * @param body the raw JSON bytes that are signed and sent
 */
public record DeliveryRequest(String id, byte[] body) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Looking the algorithm up costs more than a digest of a few bytes: one instance per thread. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(DeliveryRequest::sha256);

    /**
     * @param publishedAtMillis when the message was published, or received from an engine that does not keep that
     *                          (see docs/webhooks.md)
     */
    public static DeliveryRequest of(Webhook webhook, TopicItem item, long publishedAtMillis, long nowMillis) {
        byte[] body = write(json -> {
            common(json, webhook, nowMillis);
            json.writeNumberField("publish_timestamp", publishedAtMillis);
            json.writeNumberField("topic_sequence_number", item.sequenceNumber());
            json.writeNumberField("sequence_page", item.sequencePage());
            json.writeStringField("token_id", item.publisherId() == null ? "" : item.publisherId());
            if (item.value().isText()) {
                json.writeStringField("text", item.value().text());
            } else {
                json.writeStringField("binary", Base64.getEncoder().encodeToString(item.value().bytes()));
            }
        });
        return new DeliveryRequest(id(webhook, item.sequencePage() + "-" + item.sequenceNumber()), body);
    }

    public static DeliveryRequest of(Webhook webhook, Discontinuity gap, long nowMillis) {
        byte[] body = write(json -> {
            common(json, webhook, nowMillis);
            json.writeNumberField("sequence_page", gap.newSequencePage());
            json.writeObjectFieldStart("discontinuity");
            json.writeNumberField("last_topic_sequence_number", gap.lastSequence());
            json.writeNumberField("new_topic_sequence_number", gap.newSequence());
            json.writeNumberField("new_sequence_page", gap.newSequencePage());
            json.writeEndObject();
        });
        return new DeliveryRequest(id(webhook, "gap-" + gap.newSequencePage() + "-" + gap.lastSequence()
                + "-" + gap.newSequence()), body);
    }

    private static void common(JsonGenerator json, Webhook webhook, long nowMillis) throws IOException {
        json.writeStringField("cache", webhook.cacheName());
        json.writeStringField("topic", webhook.topicName());
        json.writeNumberField("event_timestamp", nowMillis);
    }

    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] write(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code msg_} and a digest of cache, topic and position: unique per topic message, stable across retries. */
    private static String id(Webhook webhook, String position) {
        byte[] digest = SHA256.get().digest((webhook.cacheName() + "/" + webhook.topicName()
                + "/" + position).getBytes(StandardCharsets.UTF_8));
        return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 24);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
