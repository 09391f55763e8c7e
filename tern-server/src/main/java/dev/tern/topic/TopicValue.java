package dev.tern.topic;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A published value: text (valid UTF-8) or binary. Both are held as bytes so that size limits,
 * history accounting and encoders see one representation. The array is never modified after construction.
 */
public final class TopicValue {
    public enum Kind { TEXT, BINARY }

    private final Kind kind;
    private final byte[] bytes;

    private TopicValue(Kind kind, byte[] bytes) {
        this.kind = kind;
        this.bytes = bytes;
    }

    public static TopicValue text(String text) {
        return new TopicValue(Kind.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A text value from bytes that must be valid UTF-8. */
    public static TopicValue utf8(byte[] bytes) throws CharacterCodingException {
        StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes));
        return new TopicValue(Kind.TEXT, bytes);
    }

    public static TopicValue binary(byte[] bytes) {
        return new TopicValue(Kind.BINARY, bytes);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isText() {
        return kind == Kind.TEXT;
    }

    /** The raw bytes; callers must not modify them. */
    public byte[] bytes() {
        return bytes;
    }

    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicValue other && kind == other.kind && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return kind == Kind.TEXT ? "text(" + text() + ")" : "binary(" + bytes.length + " bytes)";
    }
}
