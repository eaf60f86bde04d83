package org.revenant.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bearer token that analyst actions need ({@code REVENANT_ADMIN_TOKEN}). Without a configured
 * token every action is refused; reading never needs it. The token is compared in constant time
 * through its digest and never logged.
 */
final class AdminToken {

    enum Verdict {
        ALLOWED,
        NOT_CONFIGURED,
        MISSING,
        WRONG
    }

    private final byte[] digest;

    AdminToken(String token) {
        this.digest = token == null || token.isBlank() ? null : sha256(token.strip());
    }

    boolean configured() {
        return digest != null;
    }

    Verdict check(String authorization) {
        if (digest == null) {
            return Verdict.NOT_CONFIGURED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Verdict.MISSING;
        }
        return MessageDigest.isEqual(digest, sha256(authorization.substring(7).strip()))
                ? Verdict.ALLOWED
                : Verdict.WRONG;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return configured() ? "AdminToken[configured]" : "AdminToken[none]";
    }
}
