package dev.tern.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One Vert.x context per event loop of the load generator. (Contexts made with getOrCreateContext from one plain
 * thread all share one loop, so they come from verticle instances, which Vert.x spreads over the loops.)
 */
final class EventLoops {
    private EventLoops() {
    }

    static List<Context> of(Vertx vertx, int count) {
        List<Context> contexts = new CopyOnWriteArrayList<>();
        Blocking.await(vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                contexts.add(context);
                return Future.succeededFuture();
            }
        }, new DeploymentOptions().setInstances(count)));
        return List.copyOf(contexts);
    }
}
