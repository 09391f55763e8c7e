package dev.tern.bench.soak;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * A topic WebSocket: resumes with {@code sequence_number} (last + 1) and {@code sequence_page} in the query; live at
 * its first frame (the server sends a heartbeat first); ended by the server with a close code (4401: the token
 * expired, 4404: the cache was deleted).
 */
final class WebSocketFollower extends Follower {
    private WebSocket socket;

    WebSocketFollower(String cache, int topic, SoakClients clients) {
        super("WebSocket", cache, topic, clients);
    }

    @Override
    protected void open(int generation, String token) {
        long[] at = check.resumeAt();
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(clients.host).setPort(clients.port)
                .setURI(topicPath() + "?sequence_number=" + at[1] + "&sequence_page=" + at[0])
                .addHeader("Authorization", token);
        clients.webSockets.connect(options).onComplete(ar -> {
            if (ar.failed()) {
                ended(generation, End.UNEXPECTED, "connect: " + ar.cause());
                return;
            }
            WebSocket ws = ar.result();
            synchronized (this) {
                socket = ws;
            }
            boolean[] heard = {false};
            ws.textMessageHandler(frame -> {
                if (!heard[0]) {
                    heard[0] = true;
                    live(generation);
                }
                onFrame(frame);
            });
            ws.exceptionHandler(e -> { }); // the close handler follows and says how it ended
            ws.closeHandler(v -> {
                Short code = ws.closeStatusCode();
                int status = code == null ? -1 : code;
                End how = status == 4401 ? End.TOKEN_EXPIRED : status == 4404 ? End.CACHE_DELETED : End.UNEXPECTED;
                ended(generation, how, "closed with " + status + " " + ws.closeReason());
            });
        });
    }

    private void onFrame(String frame) {
        if (frame.startsWith("{\"item\"")) {
            JsonObject item = new JsonObject(frame).getJsonObject("item");
            byte[] text = item.getJsonObject("value").getString("text", "").getBytes(StandardCharsets.UTF_8);
            check.item(item.getLong("sequence_page"), item.getLong("topic_sequence_number"), text, 0, text.length);
        } else if (frame.startsWith("{\"discontinuity\"")) {
            JsonObject d = new JsonObject(frame).getJsonObject("discontinuity");
            check.discontinuity(d.getLong("last_topic_sequence"), d.getLong("new_topic_sequence"),
                    d.getLong("new_sequence_page"));
        }
    }

    @Override
    protected synchronized void close(int generation) {
        if (socket != null) {
            socket.close();
        }
    }
}
