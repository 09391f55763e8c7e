package dev.tern.bench;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent Events parser working on bytes (no String per line): lines end in LF, CRLF or CR;
 * {@code data:} lines accumulate, {@code event:} names the event, {@code id:} sets the last event id, a blank line
 * dispatches; comments are ignored.
 */
public final class SseParser {
    /** Receives each dispatched event; {@code data} is valid only during the call. */
    public interface Listener {
        void onEvent(String event, byte[] data, int length);
    }

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);

    private final Listener listener;
    private byte[] line = new byte[512];
    private int lineLength;
    private byte[] data = new byte[512];
    private int dataLength;
    private boolean hasData;
    private String event;
    private boolean lastWasCr;
    private String lastEventId = "";

    public SseParser(Listener listener) {
        this.listener = listener;
    }

    /** The id of the event being dispatched (the SSE spec's last event ID: ids persist until replaced). */
    public String lastEventId() {
        return lastEventId;
    }

    public void feed(Buffer buffer) {
        byte[] bytes = buffer.getBytes();
        feed(bytes, 0, bytes.length);
    }

    void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                endLine();
            } else {
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = b;
            }
        }
    }

    private void endLine() {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            return;
        }
        int colon = indexOf(line, length, (byte) ':');
        int nameEnd = colon < 0 ? length : colon;
        int valueStart = colon < 0 ? length : colon + 1;
        if (valueStart < length && line[valueStart] == ' ') {
            valueStart++;
        }
        if (nameIs(DATA, nameEnd)) {
            appendData(valueStart, length);
        } else if (nameIs(EVENT, nameEnd)) {
            event = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
        } else if (nameIs(ID, nameEnd)) {
            lastEventId = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
        }
    }

    private void appendData(int from, int to) {
        int extra = (hasData ? 1 : 0) + (to - from);
        if (dataLength + extra > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + extra));
        }
        if (hasData) {
            data[dataLength++] = '\n';
        }
        System.arraycopy(line, from, data, dataLength, to - from);
        dataLength += to - from;
        hasData = true;
    }

    private void dispatch() {
        if (hasData) {
            listener.onEvent(event == null ? "message" : event, data, dataLength);
        }
        hasData = false;
        dataLength = 0;
        event = null;
    }

    private boolean nameIs(byte[] name, int nameLength) {
        if (nameLength != name.length) {
            return false;
        }
        for (int i = 0; i < nameLength; i++) {
            if (line[i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, int length, byte wanted) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
