package org.revenant.http.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature a receiver checks: {@code sha256=} + hex HMAC-SHA256, keyed with the
 * subscription's secret, over {@code <timestamp>.<body>} (the timestamp is sent in
 * {@value #TIMESTAMP_HEADER}, so an old delivery cannot be replayed as new).
 */
public final class WebhookSigner {

    public static final String SIGNATURE_HEADER = "X-Revenant-Signature";
    public static final String TIMESTAMP_HEADER = "X-Revenant-Timestamp";

    private WebhookSigner() {}

    public static String sign(byte[] secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
