package dev.tern.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * How Tern writes its log (standard output, the access log included): {@code text} for people, {@code json} (one
 * object per line) for log collectors. The format belongs to the process, not to one server, so it is set once by
 * {@code tern serve --log-format} before the server starts.
 */
public enum LogFormat {
    TEXT, JSON;

    /** The vertx-redis-client class whose log is turned off (why: {@link #configure}). */
    private static final String REDIS_CONNECTION_POOL = "io.vertx.redis.client.impl.RedisConnectionManager";
    private static volatile LogFormat current = TEXT;

    public static LogFormat fromOption(String option) {
        return switch (option == null ? "" : option.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("--log-format must be text or json, not " + option);
        };
    }

    /** The format in force; what is written outside the log (the new super-user key) depends on it. */
    public static LogFormat current() {
        return current;
    }

    /** Makes this the format of every logger from now on. */
    public void apply() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            configure(context);
        }
        current = this;
    }

    void configure(LoggerContext context) {
        context.reset();
        Encoder<ILoggingEvent> encoder = this == JSON ? new JsonLogEncoder() : textEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        context.getLogger("io.netty").setLevel(Level.WARN);
        // vertx-redis-client 5.0.7 gives each pooled connection a default exception handler that logs any failure of
        // it at ERROR ("Unhandled Error", e.g. "Connection reset by peer" when Redis crashes, fails over or is cut
        // off): an outage, not a fault of Tern. It is reported where it matters, at WARN: RedisBackend's health
        // check ("Redis at ... is unreachable", "the Redis primary ... moved"), RedisChannels ("pub/sub connection
        // ... lost"), and the commands that were on the connection fail to their callers (a publish answers 503).
        // That handler is the only thing this logger writes above DEBUG.
        context.getLogger(REDIS_CONNECTION_POOL).setLevel(Level.OFF);
    }


    private static PatternLayoutEncoder textEncoder() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %level %logger{0} - %msg%n");
        return encoder;
    }
}
