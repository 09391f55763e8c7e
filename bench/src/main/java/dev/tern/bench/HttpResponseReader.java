package dev.tern.bench;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one HTTP/1.1 response at a time from a keep-alive connection (no pipelining): the status line, the headers,
 * then a body framed by Content-Length or chunked encoding (none for 204/304), and reports the status when the
 * response is complete. Enough HTTP for publish answers; nothing is kept but the status.
 */
final class HttpResponseReader {
    private enum State { HEADERS, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER }

    private Buffer pending = Buffer.buffer();
    private int scanFrom;
    private State state = State.HEADERS;
    private int status;
    private long remaining;
    private boolean closeAfter;

    /** Feeds bytes; returns the status once a whole response was read, else 0. */
    int feed(Buffer bytes) {
        pending.appendBuffer(bytes);
        while (true) {
            switch (state) {
                case HEADERS: {
                    int end = indexOf("\r\n\r\n");
                    if (end < 0) {
                        return 0;
                    }
                    parseHead(pending.getString(0, end, "ISO-8859-1"));
                    consume(end + 4);
                    if (state == State.HEADERS) {
                        return finished();
                    }
                    break;
                }
                case FIXED_BODY: {
                    long take = Math.min(remaining, pending.length());
                    consume((int) take);
                    remaining -= take;
                    if (remaining > 0) {
                        return 0;
                    }
                    state = State.HEADERS;
                    return finished();
                }
                case CHUNK_SIZE: {
                    int end = indexOf("\r\n");
                    if (end < 0) {
                        return 0;
                    }
                    String size = pending.getString(0, end, "ISO-8859-1");
                    int semicolon = size.indexOf(';');
                    remaining = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                    consume(end + 2);
                    state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
                    break;
                }
                case CHUNK_DATA: {
                    long take = Math.min(remaining, pending.length());
                    consume((int) take);
                    remaining -= take;
                    if (remaining > 0) {
                        return 0;
                    }
                    state = State.CHUNK_DATA_END;
                    break;
                }
                case CHUNK_DATA_END: {
                    if (pending.length() < 2) {
                        return 0;
                    }
                    consume(2);
                    state = State.CHUNK_SIZE;
                    break;
                }
                case TRAILER: {
                    int end = indexOf("\r\n");
                    if (end < 0) {
                        return 0;
                    }
                    consume(end + 2);
                    if (end == 0) {
                        state = State.HEADERS;
                        return finished();
                    }
                    break;
                }
                default:
                    throw new IllegalStateException(state.toString());
            }
        }
    }

    /** Whether the last response asked for the connection to be closed. */
    boolean closeAfter() {
        return closeAfter;
    }

    private void parseHead(String head) {
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        status = Integer.parseInt(statusLine[1]);
        long contentLength = -1;
        boolean chunked = false;
        closeAfter = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("content-length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                closeAfter = true;
            }
        }
        if (status == 204 || status == 304 || status / 100 == 1) {
            state = State.HEADERS;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength > 0) {
            remaining = contentLength;
            state = State.FIXED_BODY;
        } else {
            state = State.HEADERS;
        }
    }

    private int finished() {
        int result = status;
        status = 0;
        return result;
    }

    private void consume(int count) {
        pending = pending.getBuffer(count, pending.length());
        scanFrom = 0;
    }

    private int indexOf(String marker) {
        byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = scanFrom; i <= pending.length() - m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (pending.getByte(i + j) != m[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
