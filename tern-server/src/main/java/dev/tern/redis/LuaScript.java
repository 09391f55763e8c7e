package dev.tern.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A server-side Lua script shipped as a resource, run by its SHA-1 (EVALSHA) and sent again when Redis lost it. */
record LuaScript(String name, String source, String sha1) {

    /** The rule that gives a topic its page, shared by every script that gives out or reads positions. */
    private static final String TOPIC_PAGE = "topic_page.lua";
    static final LuaScript PUBLISH = load(TOPIC_PAGE, "publish.lua");
    static final LuaScript READ = load(TOPIC_PAGE, "read.lua");
    static final LuaScript TOUCH = load("touch.lua");
    static final LuaScript RATE = load("rate.lua");
    static final LuaScript TOPIC_STATE = load("topic-state.lua");
    static final LuaScript FIGURES_SHARE = load("figures-share.lua");
    static final LuaScript FIGURES_READ = load("figures-read.lua");
    static final LuaScript TOPIC_COUNT = load("topic-count.lua");
    static final LuaScript TOPIC_COUNT_KEEP = load("topic-count-keep.lua");
    static final LuaScript CONSUME_REFRESH = load("consume-refresh.lua");
    static final LuaScript WEBHOOK_LEASE = load("webhook-lease.lua");
    static final LuaScript WEBHOOK_CURSORS = load("webhook-cursors.lua");
    static final LuaScript WEBHOOK_RELEASE = load("webhook-release.lua");

    /** One script from resources, in order (a shared function first, then the script that calls it). */
    private static LuaScript load(String... resources) {
        StringBuilder text = new StringBuilder();
        for (String resource : resources) {
            text.append(read(resource)).append('\n');
        }
        String source = text.toString();
        String resource = resources[resources.length - 1];
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(resource, source, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
