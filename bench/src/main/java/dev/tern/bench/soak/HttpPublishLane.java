package dev.tern.bench.soak;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /topics/{cache}/{topic}} on the shared keep-alive pool; while churn is on, one publish in 50 says
 * {@code Connection: close}, so publishing connections are replaced all along (the close follows the answer, so no
 * publish is left in doubt).
 */
final class HttpPublishLane extends PublishLane {
    private static final int CLOSE_ONE_IN = 50;
    private boolean closeAfterThis;

    HttpPublishLane(int lane, String cache, int topics, double rate, SoakClients clients, Acknowledged acknowledged,
                    CountDownLatch done) {
        super(lane, cache, topics, rate, clients, acknowledged, done);
    }

    @Override
    protected void beforeNewMessage() {
        closeAfterThis = clients.churning() && ThreadLocalRandom.current().nextInt(CLOSE_ONE_IN) == 0;
        if (closeAfterThis) {
            clients.stats.publisherReconnects.increment();
        }
    }

    @Override
    protected void send(String topic, byte[] body, String token) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI("/topics/" + cache + "/" + topic)
                .putHeader("Content-Type", "text/plain").putHeader("Authorization", token);
        if (closeAfterThis) {
            request.putHeader("Connection", "close");
        }
        clients.requests.request(request)
                .compose(r -> r.send(Buffer.buffer(body)).compose(response -> response.body().map(b -> response.statusCode())))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        answered(Outcome.FAILED, "no answer: " + ar.cause());
                    } else if (ar.result() == 204) {
                        answered(Outcome.STORED, "");
                    } else if (ar.result() == 401) {
                        answered(Outcome.TOKEN_EXPIRED, "");
                    } else {
                        answered(Outcome.FAILED, "HTTP " + ar.result());
                    }
                });
    }

    @Override
    protected void later(long millis, Runnable task) {
        clients.vertx.setTimer(Math.max(1, millis), t -> task.run());
    }
}
