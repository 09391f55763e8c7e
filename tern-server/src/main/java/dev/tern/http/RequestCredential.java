package dev.tern.http;

import dev.tern.error.TernException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** Where an HTTP client puts its token: the {@code Authorization} header (raw or {@code Bearer}) or {@code ?token=}. */
public final class RequestCredential {
    private static final String BEARER = "Bearer ";

    private RequestCredential() {
    }

    /** The credential of the request, or null when there is none; 400 when it is given both ways. */
    public static String of(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        String query = request.getParam("token");
        if (header != null && query != null) {
            throw TernException.badRequest("pass the token either as the Authorization header or as ?token=, not both");
        }
        if (header != null) {
            return header.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? header.substring(BEARER.length()).trim() : header.trim();
        }
        return query;
    }
}
