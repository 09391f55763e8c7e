package dev.tern.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The browser console: a static page at {@code /} with its script and style under {@code /console/}. The files
 * are read from the jar once, at start, and served from memory.
 */
public final class ConsolePage {
    private static final String RESOURCES = "/console/";
    /** The page talks to Tern only (any Tern, the server URL can be changed), and loads nothing from elsewhere. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self' http: https: ws: wss:; "
            + "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");

    private final Map<String, Buffer> contents;

    private ConsolePage(Map<String, Buffer> contents) {
        this.contents = contents;
    }

    /** Adds {@code GET /} and {@code GET /console/{file}} to the router. */
    public static void mount(Router router) {
        ConsolePage page = new ConsolePage(Map.of(
                "index.html", load("index.html"),
                "console.js", load("console.js"),
                "console.css", load("console.css")));
        router.get("/").handler(ctx -> page.serve(ctx, "index.html"));
        router.get("/console/:file").handler(ctx -> {
            String file = ctx.pathParam("file");
            if (page.contents.containsKey(file)) {
                page.serve(ctx, file);
            } else {
                ctx.next();
            }
        });
    }

    private void serve(RoutingContext ctx, String file) {
        ctx.response()
                .putHeader("Content-Type", FILES.get(file))
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .end(contents.get(file));
    }

    private static Buffer load(String file) {
        try (InputStream in = ConsolePage.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("console file " + file + " is missing from the jar");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
