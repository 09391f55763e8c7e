package dev.tern.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The live dashboard at {@code /dashboard}: charts of {@code /metrics} every second and a topic explorer on
 * {@code GET /caches/{cache}/topics}. Its files, and uPlot from its WebJar, are read from the jar once and served
 * from memory: it works where the browser reaches only Tern.
 */
public final class DashboardPage {
    /** uPlot draws on a canvas and sets element styles from script, which this policy allows. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    /** uPlot's files in its WebJar, whose version the pom alone names. */
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/dist/";
    /** Served name, then where it is in the jar and its type. */
    private static final Map<String, String[]> FILES = Map.of(
            "dashboard.html", new String[] {"/console/dashboard.html", "text/html; charset=utf-8"},
            "dashboard.js", new String[] {"/console/dashboard.js", "text/javascript; charset=utf-8"},
            "dashboard.css", new String[] {"/console/dashboard.css", "text/css; charset=utf-8"},
            "uPlot.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

    private final Map<String, Buffer> contents;

    private DashboardPage(Map<String, Buffer> contents) {
        this.contents = contents;
    }

    /** Adds {@code GET /dashboard} and {@code GET /console/dashboard/{file}} to the router. */
    public static void mount(Router router) {
        Map<String, Buffer> contents = new HashMap<>();
        FILES.forEach((name, file) -> contents.put(name, load(file[0])));
        DashboardPage page = new DashboardPage(Map.copyOf(contents));
        router.get("/dashboard").handler(ctx -> page.serve(ctx, "dashboard.html"));
        router.get("/console/dashboard/:file").handler(ctx -> {
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
                .putHeader("Content-Type", FILES.get(file)[1])
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .end(contents.get(file));
    }

    private static String webJarVersion(String artifact) {
        try (InputStream in = DashboardPage.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the " + artifact + " WebJar is missing from the jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Buffer load(String resource) {
        try (InputStream in = DashboardPage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file " + resource + " is missing from the jar");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
