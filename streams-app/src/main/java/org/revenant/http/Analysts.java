package org.revenant.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may act through the HTTP API (docs/decisions/025): named analysts, each with a bearer token
 * of their own, known here only by its SHA-256, and a role ({@code analyst} records decisions,
 * {@code reader} is refused every action). {@code REVENANT_ADMIN_TOKEN} still works and is the
 * analyst {@code admin}. Without any, actions are refused; reading never needs a token. Tokens are
 * compared in constant time through their digests and never logged.
 */
public final class Analysts {

    /** What an analyst may do. */
    public enum Role {
        ANALYST,
        READER
    }

    /** A named analyst and their role. */
    public record Analyst(String name, Role role) {
        public Analyst {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
        }
    }

    /** The answer for an {@code Authorization} header. */
    public enum Verdict {
        ALLOWED,
        READ_ONLY,
        NOT_CONFIGURED,
        MISSING,
        WRONG
    }

    /** A verdict, and who it is about when the token was known. */
    public record Check(Verdict verdict, Optional<Analyst> who) {}

    /** A file of analysts that cannot be used: the message names the file, the line and what is wrong. */
    public static final class InvalidAnalysts extends Exception {
        InvalidAnalysts(String message) {
            super(message);
        }
    }

    static final int MAX_FILE_BYTES = 1 << 20;
    static final int MAX_ANALYSTS = 10_000;
    private static final Pattern LINE =
            Pattern.compile("([A-Za-z0-9._-]{1,64})\\s*:\\s*([A-Za-z]+)\\s+(?i:sha256):([0-9a-fA-F]{64})");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private record Entry(Analyst analyst, byte[] digest) {}

    private final List<Entry> entries;

    private Analysts(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Nobody may act. */
    public static Analysts none() {
        return new Analysts(List.of());
    }

    /** Only the admin token (null or blank: nobody may act). */
    public static Analysts ofAdminToken(String token) {
        return with(none(), token);
    }

    /** These analysts, plus {@code admin} with the admin token when one is set. */
    public static Analysts with(Analysts analysts, String adminToken) {
        if (adminToken == null || adminToken.isBlank()) {
            return analysts;
        }
        List<Entry> all = new ArrayList<>(analysts.entries);
        all.add(new Entry(new Analyst("admin", Role.ANALYST), sha256(adminToken.strip())));
        return new Analysts(all);
    }

    /**
     * Reads a file of analysts, one per line: {@code name: role sha256:<64 hex digits>}, where the
     * hex is the SHA-256 of the UTF-8 token ({@code printf %s "$TOKEN" | sha256sum}); blank lines
     * and lines starting with {@code #} are skipped. Names and token digests must be unique.
     */
    public static Analysts load(Path file) throws InvalidAnalysts {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new InvalidAnalysts("cannot read the analysts file " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new InvalidAnalysts("the analysts file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidAnalysts("the analysts file " + file + " is not UTF-8");
        }
        return parse(text, file.toString());
    }

    static Analysts parse(String text, String source) throws InvalidAnalysts {
        Map<String, Entry> byName = new LinkedHashMap<>();
        Map<String, String> nameByDigest = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1) + ": ";
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                String name = line.contains(":")
                        ? line.substring(0, line.indexOf(':')).strip()
                        : "";
                throw new InvalidAnalysts(where
                        + (NAME.matcher(name).matches()
                                ? "expected '" + name + ": analyst|reader sha256:<64 hex digits>'"
                                : "expected 'name: analyst|reader sha256:<64 hex digits>' with a name of 1 to 64"
                                        + " letters, digits, '.', '_' or '-'"));
            }
            Role role;
            try {
                role = Role.valueOf(m.group(2).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidAnalysts(where + "the role must be analyst or reader");
            }
            String name = m.group(1);
            String hex = m.group(3).toLowerCase(Locale.ROOT);
            if (byName.containsKey(name)) {
                throw new InvalidAnalysts(where + "'" + name + "' is listed twice");
            }
            String other = nameByDigest.putIfAbsent(hex, name);
            if (other != null) {
                throw new InvalidAnalysts(where + "'" + name + "' has the same token as '" + other + "'");
            }
            if (byName.size() == MAX_ANALYSTS) {
                throw new InvalidAnalysts(where + "more than " + MAX_ANALYSTS + " analysts");
            }
            byName.put(name, new Entry(new Analyst(name, role), HexFormat.of().parseHex(hex)));
        }
        return new Analysts(new ArrayList<>(byName.values()));
    }

    public boolean configured() {
        return !entries.isEmpty();
    }

    /** How many analysts have each role, for the start line and {@code /health}. */
    public Map<Role, Integer> countByRole() {
        Map<Role, Integer> counts = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            counts.put(role, 0);
        }
        entries.forEach(e -> counts.merge(e.analyst().role(), 1, Integer::sum));
        return counts;
    }

    /** "2 analysts and 1 reader", for the start lines. */
    public String describe() {
        Map<Role, Integer> counts = countByRole();
        int analysts = counts.get(Role.ANALYST);
        int readers = counts.get(Role.READER);
        return analysts + (analysts == 1 ? " analyst" : " analysts") + " and " + readers
                + (readers == 1 ? " reader" : " readers");
    }

    /** Who an {@code Authorization: Bearer <token>} header belongs to, and what they may do. */
    public Check check(String authorization) {
        if (entries.isEmpty()) {
            return new Check(Verdict.NOT_CONFIGURED, Optional.empty());
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Check(Verdict.MISSING, Optional.empty());
        }
        byte[] digest = sha256(authorization.substring(7).strip());
        Entry found = null;
        for (Entry e : entries) { // every entry is compared, so the time says nothing of which matched
            if (MessageDigest.isEqual(e.digest(), digest) && found == null) {
                found = e;
            }
        }
        if (found == null) {
            return new Check(Verdict.WRONG, Optional.empty());
        }
        return new Check(
                found.analyst().role() == Role.ANALYST ? Verdict.ALLOWED : Verdict.READ_ONLY,
                Optional.of(found.analyst()));
    }

    /** The line of an analysts file for this token. */
    public static String line(String name, Role role, String token) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a name is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return name + ": " + role.name().toLowerCase(Locale.ROOT) + " sha256:"
                + HexFormat.of().formatHex(sha256(token));
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
        return "Analysts" + countByRole(); // never a digest
    }
}
