package dev.tern.http.stream;

import dev.tern.testing.RunningTern;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client on a bare socket (RFC 6455), for what library clients do not allow: never answering pings.
 * It performs the handshake and reads the server's frames; it sends nothing else.
 */
public final class RawWebSocket implements AutoCloseable {
    static final int CLOSE = 0x8;
    static final int PING = 0x9;

    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }
    }

    private final Socket socket;
    private final DataInputStream in;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    public static RawWebSocket connect(RunningTern tern, String pathAndQuery) throws IOException {
        return connect(tern, pathAndQuery, "");
    }

    /** Connects with extra header lines (each ending in CR LF), e.g. {@code "Origin: https://a.example\r\n"}. */
    public static RawWebSocket connect(RunningTern tern, String pathAndQuery, String extraHeaders) throws IOException {
        Socket socket = new Socket("127.0.0.1", tern.port());
        socket.setSoTimeout(10_000);
        String key = Base64.getEncoder().encodeToString("tern-raw-socket!".getBytes(StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        RawWebSocket raw = new RawWebSocket(socket);
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) raw.in.readUnsignedByte());
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head);
        }
        return raw;
    }

    /** The next frame from the server (servers do not mask). */
    Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
