package org.revenant.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class NameBasedUuidTest {

    @Test
    void matchesTheRfcExampleForTheDnsNamespace() {
        // RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        assertEquals(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"), NameBasedUuid.v5(dns, "www.example.com"));
    }

    @Test
    void revenantNamesAreStableVersion5AndDistinct() {
        UUID id = NameBasedUuid.of("ms-celeb-1m|github:x/y@s1#OPENED");
        // Python's uuid.uuid5 gives the same for this namespace and name.
        assertEquals(UUID.fromString("0171501c-cb7d-5ea8-9111-cef2c63bb1f1"), id);
        assertEquals(5, id.version());
        assertEquals(2, id.variant());
        assertNotEquals(id, NameBasedUuid.of("ms-celeb-1m|github:x/y@s1#RESOLVED"));
    }
}
