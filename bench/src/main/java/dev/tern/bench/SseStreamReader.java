package dev.tern.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The response side of one SSE connection on a raw socket: reads the status line and headers, then hands the body
 * to the SSE parser, undoing chunked transfer encoding in line when the server uses it (Tern does, Nchan streams
 * the body raw). Doing this on the bytes, rather than through an HTTP client that makes an object per chunk, keeps
 * the load generator's cost per delivery small and the same for both framings.
 */
final class SseStreamReader {
    /** What the reader learnt about the response head. */
    interface HeadListener {
        void onHead(int status);
    }

    private enum State { HEAD, RAW_BODY, CHUNK_SIZE, CHUNK_EXTENSION, CHUNK_SIZE_LF, CHUNK_DATA, CHUNK_DATA_CR,
        CHUNK_DATA_LF, DONE }

    private final SseParser parser;
    private final HeadListener headListener;
    private State state = State.HEAD;
    private final StringBuilder head = new StringBuilder();
    private long chunkRemaining;
    private boolean sawChunkDigit;

    SseStreamReader(SseParser parser, HeadListener headListener) {
        this.parser = parser;
        this.headListener = headListener;
    }

    /** True once the server ended the body (last chunk). */
    boolean done() {
        return state == State.DONE;
    }

    void feed(byte[] bytes) {
        int i = 0;
        int length = bytes.length;
        while (i < length) {
            switch (state) {
                case HEAD: {
                    head.append((char) (bytes[i++] & 0xff));
                    int n = head.length();
                    if (n >= 4 && head.charAt(n - 1) == '\n' && head.charAt(n - 2) == '\r'
                            && head.charAt(n - 3) == '\n' && head.charAt(n - 4) == '\r') {
                        parseHead();
                    }
                    break;
                }
                case RAW_BODY:
                    parser.feed(bytes, i, length - i);
                    i = length;
                    break;
                case CHUNK_SIZE: {
                    byte b = bytes[i++];
                    int digit = Character.digit(b, 16);
                    if (digit >= 0) {
                        chunkRemaining = chunkRemaining * 16 + digit;
                        sawChunkDigit = true;
                    } else if (b == '\r') {
                        state = State.CHUNK_SIZE_LF;
                    } else if (b == ';' || b == ' ') {
                        state = State.CHUNK_EXTENSION;
                    } else {
                        throw new IllegalStateException("bad chunk size byte " + b);
                    }
                    break;
                }
                case CHUNK_EXTENSION:
                    if (bytes[i++] == '\r') {
                        state = State.CHUNK_SIZE_LF;
                    }
                    break;
                case CHUNK_SIZE_LF:
                    i++; // LF
                    if (!sawChunkDigit) {
                        throw new IllegalStateException("empty chunk size");
                    }
                    state = chunkRemaining == 0 ? State.DONE : State.CHUNK_DATA;
                    sawChunkDigit = false;
                    break;
                case CHUNK_DATA: {
                    int take = (int) Math.min(chunkRemaining, length - i);
                    parser.feed(bytes, i, take);
                    i += take;
                    chunkRemaining -= take;
                    if (chunkRemaining == 0) {
                        state = State.CHUNK_DATA_CR;
                    }
                    break;
                }
                case CHUNK_DATA_CR:
                    i++;
                    state = State.CHUNK_DATA_LF;
                    break;
                case CHUNK_DATA_LF:
                    i++;
                    state = State.CHUNK_SIZE;
                    break;
                case DONE:
                default:
                    return;
            }
        }
    }

    private void parseHead() {
        String text = head.toString();
        String[] lines = text.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].toLowerCase(Locale.ROOT);
            if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                chunked = true;
            }
        }
        head.setLength(0);
        state = chunked ? State.CHUNK_SIZE : State.RAW_BODY;
        headListener.onHead(status);
    }

    static byte[] request(Target target, String host, int topic) {
        return request(target, host, target.topicPath(topic));
    }

    static byte[] request(Target target, String host, String pathAndQuery) {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(target.subscriberPort()).append("\r\n")
                .append("Accept: text/event-stream\r\n");
        if (target.token() != null && !target.token().isEmpty()) {
            request.append("Authorization: ").append(target.token()).append("\r\n");
        }
        return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
