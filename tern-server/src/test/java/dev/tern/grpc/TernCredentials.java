package dev.tern.grpc;

import momento.sdk.auth.CredentialProvider;

/**
 * Points the Momento Java SDK at a Tern server: every endpoint is one host, the control client uses {@code port}
 * with TLS when {@code secure}. (The SDK's topic and token clients always dial TLS on 443 of the same host.)
 */
final class TernCredentials extends CredentialProvider {
    private final String apiKey;
    private final String host;
    private final int port;
    private final boolean secure;

    TernCredentials(String apiKey, String host, int port) {
        this(apiKey, host, port, false);
    }

    TernCredentials(String apiKey, String host, int port, boolean secure) {
        this.apiKey = apiKey;
        this.host = host;
        this.port = port;
        this.secure = secure;
    }

    @Override
    public String getAuthToken() {
        return apiKey;
    }

    @Override
    public String getControlEndpoint() {
        return host;
    }

    @Override
    public String getCacheEndpoint() {
        return host;
    }

    @Override
    public String getStorageEndpoint() {
        return host;
    }

    @Override
    public String getTokenEndpoint() {
        return host;
    }

    @Override
    public boolean isEndpointSecure() {
        return secure;
    }

    @Override
    public int getPort() {
        return port;
    }
}
