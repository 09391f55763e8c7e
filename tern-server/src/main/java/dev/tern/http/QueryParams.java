package dev.tern.http;

import dev.tern.error.TernException;
import io.vertx.core.http.HttpServerRequest;

/** Typed query values with a 400 for anything malformed. */
public final class QueryParams {
    private QueryParams() {
    }

    public static long nonNegativeLong(HttpServerRequest request, String name) {
        String value = request.getParam(name);
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw TernException.badRequest(name + " must be a non-negative integer");
    }
}
