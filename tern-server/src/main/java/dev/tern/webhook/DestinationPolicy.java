package dev.tern.webhook;

import dev.tern.error.TernException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where webhooks may send requests. A webhook makes the server send requests wherever its creator says, so addresses
 * that reach the machine's own cloud metadata service or link-local neighbours are refused by default. Checked when
 * a webhook is put and again for every address a delivery connects to (a name may resolve elsewhere later).
 * <p>
 * Without allowed networks, any address outside the denied networks may be used. With allowed networks, only those
 * may, and they override the denied networks. Loopback is allowed by default, for local development.
 */
public final class DestinationPolicy {
    /** Link-local and cloud metadata addresses (AWS, GCP, Azure, Alibaba, Oracle), unspecified and multicast. */
    public static final List<String> DEFAULT_DENIED = List.of(
            "169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128", "100.100.100.200/32", "0.0.0.0/8", "::/128",
            "224.0.0.0/4", "ff00::/8");
    private static final int MAX_URL_LENGTH = 2048;

    private final List<Network> allowed;
    private final List<Network> denied;

    public DestinationPolicy(List<Network> allowed, List<Network> denied) {
        this.allowed = List.copyOf(allowed);
        this.denied = List.copyOf(denied);
    }

    /** The default policy plus extra denied networks. */
    public static DestinationPolicy standard() {
        return new DestinationPolicy(List.of(), DEFAULT_DENIED.stream().map(Network::parse).toList());
    }

    /** A well-formed destination: http or https, a host, no credentials, no fragment. 400 otherwise. */
    public static URI parseUrl(String url) {
        if (url == null || url.isBlank()) {
            throw TernException.badRequest("the webhook destination URL must not be empty");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw TernException.badRequest("the webhook destination URL must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw TernException.badRequest("the webhook destination is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw TernException.badRequest("the webhook destination must be an http:// or https:// URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw TernException.badRequest("the webhook destination URL must not contain credentials (user:password@)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw TernException.badRequest("the webhook destination URL must name a host");
        }
        if (uri.getRawFragment() != null) {
            throw TernException.badRequest("the webhook destination URL must not contain a fragment (#...)");
        }
        return uri;
    }

    /** The host of a destination as a resolver takes it (IPv6 literals without brackets). */
    public static String host(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    public static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    public boolean permits(InetAddress address) {
        InetAddress effective = unmapped(address);
        if (!allowed.isEmpty()) {
            return allowed.stream().anyMatch(network -> network.contains(effective));
        }
        return denied.stream().noneMatch(network -> network.contains(effective));
    }

    /**
     * Resolves the destination's host (blocking: call it off the event loops) and checks every address it resolves to;
     * 400 naming the refused address when one is not permitted.
     */
    public List<InetAddress> resolveAndCheck(URI uri) {
        String host = host(uri);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw TernException.badRequest("the webhook destination host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!permits(address)) {
                throw TernException.badRequest("the webhook destination " + host + " resolves to " + address.getHostAddress()
                        + ", a link-local, metadata or otherwise refused address (see --webhook-allowed-networks and"
                        + " --webhook-denied-networks)");
            }
        }
        return List.of(addresses);
    }

    /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as the IPv4 address it maps. */
    private static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            boolean mapped = bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = bytes[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[]{bytes[12], bytes[13], bytes[14], bytes[15]});
                } catch (UnknownHostException impossible) {
                    return address;
                }
            }
        }
        return address;
    }
}
