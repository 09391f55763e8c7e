package dev.tern.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * A Redis behind Sentinel:
 * {@code redis+sentinel://[[user]:password@]host1:26379,host2:26379/mymaster[/db][?sentinel_password=…[&sentinel_user=…]]}
 * ({@code rediss+sentinel://} for TLS). The Sentinels are asked where the primary named {@code mymaster} is; the
 * credentials and database before the query apply to that primary. Sentinels that require a password
 * ({@code requirepass} in their configuration) get the {@code sentinel_password} (and {@code sentinel_user}, for an
 * ACL user); without it they are contacted without credentials, and never with the primary's. Over TLS when the
 * scheme asks for it.
 *
 * @param tls              TLS to the Sentinels and the primary
 * @param userInfo         {@code user:password} or {@code :password} as written (URL-encoded), or null
 * @param sentinels        {@code host:port} of each Sentinel, in the order given
 * @param masterName       the name the Sentinels monitor the primary under
 * @param database         the database number, or null for the default
 * @param sentinelUserInfo the Sentinels' {@code user:password} or {@code :password} (URL-encoded), or null
 */
public record SentinelUrl(boolean tls, String userInfo, List<String> sentinels, String masterName, Integer database,
                          String sentinelUserInfo) {
    public static final String SCHEME = "redis+sentinel://";
    public static final String TLS_SCHEME = "rediss+sentinel://";
    private static final int DEFAULT_SENTINEL_PORT = 26379;

    public static boolean isSentinel(String url) {
        return url != null && (url.startsWith(SCHEME) || url.startsWith(TLS_SCHEME));
    }

    /** Parses a Sentinel URL; fails with a message that says what is wrong (never echoing the password). */
    public static SentinelUrl parse(String url) {
        boolean tls = url.startsWith(TLS_SCHEME);
        if (!tls && !url.startsWith(SCHEME)) {
            throw new IllegalArgumentException("a Sentinel --redis-url starts with " + SCHEME + " or " + TLS_SCHEME);
        }
        String rest = url.substring(tls ? TLS_SCHEME.length() : SCHEME.length());
        String example = " (e.g. " + SCHEME + "host1:26379,host2:26379/mymaster)";
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("a Sentinel --redis-url names the primary after the Sentinels" + example);
        }
        String authority = rest.substring(0, slash);
        String pathAndQuery = rest.substring(slash + 1);
        String sentinelUserInfo = null;
        int question = pathAndQuery.indexOf('?');
        if (question >= 0) {
            sentinelUserInfo = sentinelCredentials(pathAndQuery.substring(question + 1), example);
            pathAndQuery = pathAndQuery.substring(0, question);
        }
        String[] path = pathAndQuery.split("/", -1);
        String userInfo = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
        }
        List<String> sentinels = new ArrayList<>();
        for (String part : authority.split(",")) {
            String hostPort = part.trim();
            if (hostPort.isEmpty()) {
                continue;
            }
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0 || hostPort.endsWith("]")) {
                hostPort = hostPort + ":" + DEFAULT_SENTINEL_PORT;
            } else {
                String port = hostPort.substring(colon + 1);
                if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
                    throw new IllegalArgumentException("a Sentinel --redis-url has a bad port '" + port + "'" + example);
                }
            }
            sentinels.add(hostPort);
        }
        if (sentinels.isEmpty()) {
            throw new IllegalArgumentException("a Sentinel --redis-url names at least one Sentinel" + example);
        }
        String masterName = path[0];
        if (masterName.isEmpty() || path.length > 2) {
            throw new IllegalArgumentException("a Sentinel --redis-url ends with /<primary name>[/<database>]" + example);
        }
        Integer database = null;
        if (path.length == 2) {
            if (!path[1].matches("\\d{1,5}")) {
                throw new IllegalArgumentException("a Sentinel --redis-url has a bad database '" + path[1] + "'" + example);
            }
            database = Integer.parseInt(path[1]);
        }
        return new SentinelUrl(tls, userInfo, List.copyOf(sentinels), masterName, database, sentinelUserInfo);
    }

    /** {@code sentinel_password=…[&sentinel_user=…]} as the Sentinels' {@code user:password} (still URL-encoded). */
    private static String sentinelCredentials(String query, String example) {
        String user = "";
        String password = null;
        for (String parameter : query.split("&")) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            String value = equals < 0 ? "" : parameter.substring(equals + 1);
            switch (name) {
                case "sentinel_password" -> password = value;
                case "sentinel_user" -> user = value;
                default -> throw new IllegalArgumentException("a Sentinel --redis-url takes only sentinel_password and"
                        + " sentinel_user after '?', not '" + name + "'" + example);
            }
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a Sentinel --redis-url with a query names a non-empty sentinel_password"
                    + " (e.g. " + SCHEME + "host1:26379/mymaster?sentinel_password=secret)");
        }
        return user + ":" + password;
    }

    /** The URL of one Sentinel (with the Sentinels' credentials, if any), for the client that asks it. */
    String sentinelEndpoint(String hostPort) {
        return (tls ? "rediss://" : "redis://") + (sentinelUserInfo == null ? "" : sentinelUserInfo + "@") + hostPort;
    }

    /** The URL of the primary the Sentinels named, with this URL's credentials and database. */
    String primaryEndpoint(String host, int port) {
        String address = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "rediss://" : "redis://") + (userInfo == null ? "" : userInfo + "@") + address + ":" + port
                + (database == null ? "" : "/" + database);
    }

    /** For logs and errors: the Sentinels and the primary's name, without credentials. */
    String describe() {
        return (tls ? TLS_SCHEME : SCHEME) + String.join(",", sentinels) + "/" + masterName;
    }
}
