package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.tern.error.TernException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;

/** Reads and writes the JSON bodies of the control API. */
final class JsonBodies {
    static final ObjectMapper JSON = new ObjectMapper();

    private JsonBodies() {
    }

    /** The request body as JSON; an empty body is JSON null. 400 when it is not JSON. */
    static JsonNode read(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            return NullNode.getInstance();
        }
        try {
            return JSON.readTree(body.getBytes());
        } catch (IOException e) {
            throw TernException.badRequest("request body is not valid JSON");
        }
    }

    static void send(RoutingContext ctx, int status, Object value) {
        try {
            ctx.response().setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(JSON.writeValueAsBytes(value)));
        } catch (IOException e) {
            ctx.fail(e);
        }
    }
}
