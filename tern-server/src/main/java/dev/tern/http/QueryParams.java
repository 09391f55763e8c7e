package dev.tern.http;

import dev.tern.error.TernException;
import io.vertx.core.http.HttpServerRequest;

/** Typed query values with a 400 for anything malformed. */
public final class QueryParams {
    private QueryParams() {
    }

    /**
     * Fails a request whose query string cannot be percent-decoded with a 400, before any route reads it. Otherwise
     * the decoder's exception would surface as a 500, and its message, which quotes the whole URI (a {@code ?token=}
     * included), would be logged.
     */
    static void requireDecodable(HttpServerRequest request) {
        try {
            request.params();
        } catch (IllegalArgumentException e) {
            throw TernException.badRequest("malformed percent-encoding in the query string");
        }
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
