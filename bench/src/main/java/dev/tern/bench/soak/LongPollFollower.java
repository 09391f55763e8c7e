package dev.tern.bench.soak;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Long polls ({@code GET /topics/..?sequence_number=&sequence_page=}), one after the other, each asking for the
 * message after the last one received. Keep-alive connections; one poll in ten says {@code Connection: close}
 * while churn is on, so the connections churn too. A 401 (the token expired while the poll waited) or 404 (the
 * cache was deleted) ends the "connection" as the other transports' server ends do.
 */
final class LongPollFollower extends Follower {
    private static final int CLOSE_ONE_IN = 10;

    LongPollFollower(String cache, int topic, SoakClients clients) {
        super("long poll", cache, topic, clients);
    }

    @Override
    protected void open(int generation, String token) {
        live(generation);
        poll(generation, token);
    }

    private void poll(int generation, String token) {
        long[] at = check.resumeAt();
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
                .setURI(topicPath() + "?sequence_number=" + at[1] + "&sequence_page=" + at[0])
                .putHeader("Authorization", token);
        if (clients.churning() && ThreadLocalRandom.current().nextInt(CLOSE_ONE_IN) == 0) {
            request.putHeader("Connection", "close");
        }
        clients.requests.request(request)
                .compose(r -> r.send().compose(response -> response.body().map(body -> {
                    int status = response.statusCode();
                    if (status == 200) {
                        read(body.toString(StandardCharsets.UTF_8));
                    }
                    return status;
                })))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ended(generation, End.UNEXPECTED, "poll: " + ar.cause());
                    } else if (ar.result() == 200) {
                        if (closingForChurn(generation)) {
                            ended(generation, End.CHURN, "");
                        } else {
                            poll(generation, clients.tokens.current());
                        }
                    } else {
                        ended(generation, SseFollower.refusal(ar.result()), "HTTP " + ar.result());
                    }
                });
    }

    private void read(String json) {
        JsonArray items = new JsonObject(json).getJsonArray("items");
        for (int i = 0; i < items.size(); i++) {
            JsonObject entry = items.getJsonObject(i);
            JsonObject item = entry.getJsonObject("item");
            if (item != null) {
                byte[] text = item.getJsonObject("value").getString("text", "").getBytes(StandardCharsets.UTF_8);
                check.item(item.getLong("sequence_page"), item.getLong("topic_sequence_number"), text, 0, text.length);
            }
            JsonObject d = entry.getJsonObject("discontinuity");
            if (d != null) {
                check.discontinuity(d.getLong("last_topic_sequence"), d.getLong("new_topic_sequence"),
                        d.getLong("new_sequence_page"));
            }
        }
    }

    @Override
    protected void close(int generation) {
        // A poll in flight is left to answer (the churn timer marked the follower as closing); the next starts anew.
    }
}
