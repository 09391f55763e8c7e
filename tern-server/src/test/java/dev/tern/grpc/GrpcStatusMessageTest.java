package dev.tern.grpc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** grpc-message encoding per the gRPC HTTP/2 spec: only non-printable bytes and '%' are encoded. */
class GrpcStatusMessageTest {

    @Test
    void printableAsciiStaysAsItIs() {
        assertThat(GrpcStatusMessage.percentEncode("Tern does not implement /auth.Auth/GenerateApiToken; it serves a, b"))
                .isEqualTo("Tern does not implement /auth.Auth/GenerateApiToken; it serves a, b");
    }

    @Test
    void percentAndNonPrintableBytesAreEncodedAsUtf8() {
        assertThat(GrpcStatusMessage.percentEncode("100% sure\n\u00e9\u20ac\u007f"))
                .isEqualTo("100%25 sure%0A%C3%A9%E2%82%AC%7F");
    }
}
