package org.revenant.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The CloudEvents 1.0 rules Revenant's envelopes must keep (docs/decisions/017-integrations.md),
 * checked on the attributes as a receiver sees them (strings): the four required attributes are
 * present and non-empty, {@code specversion} is 1.0, {@code source} is a URI-reference,
 * {@code type} starts with a reverse-DNS name, {@code time} is an RFC 3339 timestamp, and
 * attribute names are lower-case letters and digits.
 */
public final class CloudEventRules {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]{1,20}");
    private static final Pattern REVERSE_DNS = Pattern.compile("[a-z0-9-]+(\\.[a-z0-9-]+)+(\\.[A-Za-z0-9_-]+)*");
    /** RFC 3339 section 5.6 date-time: full date, 'T', time with optional fraction, 'Z' or an offset. */
    private static final Pattern RFC3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})");

    private CloudEventRules() {}

    /** Checks the context attributes of one event, by attribute name (without any {@code ce_} prefix). */
    public static void check(Map<String, String> attributes) {
        for (String name : attributes.keySet()) {
            assertTrue(NAME.matcher(name).matches(), "attribute name '" + name + "' is lower-case letters and digits");
        }
        for (String required : new String[] {"specversion", "id", "source", "type"}) {
            assertNotNull(attributes.get(required), "required attribute " + required);
            assertFalse(attributes.get(required).isEmpty(), "required attribute " + required + " is non-empty");
        }
        assertEquals("1.0", attributes.get("specversion"));
        URI.create(attributes.get("source")); // a URI-reference, or this throws
        assertTrue(
                REVERSE_DNS.matcher(attributes.get("type")).matches(),
                "type is reverse-DNS: " + attributes.get("type"));
        if (attributes.containsKey("subject")) {
            assertFalse(attributes.get("subject").isEmpty(), "subject, when present, is non-empty");
        }
        if (attributes.containsKey("time")) {
            String time = attributes.get("time");
            assertTrue(RFC3339.matcher(time).matches(), "time is RFC 3339: " + time);
            OffsetDateTime.parse(time, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
    }
}
