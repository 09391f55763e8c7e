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

    static final LuaScript PUBLISH = load("publish.lua");
    static final LuaScript READ = load("read.lua");
    static final LuaScript TOUCH = load("touch.lua");
    static final LuaScript RATE = load("rate.lua");
    static final LuaScript WEBHOOK_LEASE = load("webhook-lease.lua");
    static final LuaScript WEBHOOK_CURSORS = load("webhook-cursors.lua");
    static final LuaScript WEBHOOK_RELEASE = load("webhook-release.lua");

    private static LuaScript load(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(resource, source, HexFormat.of().formatHex(digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
