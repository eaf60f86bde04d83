package org.revenant.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.UUID;

/**
 * Name-based UUIDs, version 5 (SHA-1, RFC 9562 section 5.5): the same namespace and name give the
 * same UUID on every machine and every run, so ids Revenant publishes (Atom entry ids, STIX and MISP
 * ids) stay stable across fetches and exports (docs/decisions/020-feeds-and-exports.md).
 */
public final class NameBasedUuid {

    /** Revenant's own namespace, for names Revenant makes up (event ids, dataset ids, hashes). */
    public static final UUID REVENANT = UUID.fromString("6c1f4f4e-3d52-4b8a-9a3e-7f0d2c1b5e90");

    private NameBasedUuid() {}

    public static UUID v5(UUID namespace, String name) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
        sha1.update(ByteBuffer.allocate(16)
                .putLong(namespace.getMostSignificantBits())
                .putLong(namespace.getLeastSignificantBits())
                .array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }

    /** A name in Revenant's namespace. */
    public static UUID of(String name) {
        return v5(REVENANT, name);
    }
}
