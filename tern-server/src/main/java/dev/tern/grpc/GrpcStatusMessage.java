package dev.tern.grpc;

import java.nio.charset.StandardCharsets;

/**
 * The {@code grpc-message} value as the gRPC HTTP/2 spec asks: UTF-8, with only bytes outside printable ASCII
 * (0x20-0x7E) and {@code %} percent-encoded. Vert.x encodes it as a URL component instead ({@code /}, {@code ;},
 * {@code ,} and spaces too), which clients then show encoded; Tern sets the value itself so Vert.x leaves it alone.
 */
final class GrpcStatusMessage {
    static final String HEADER = "grpc-message";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private GrpcStatusMessage() {
    }

    static String percentEncode(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder encoded = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return encoded.toString();
    }
}
