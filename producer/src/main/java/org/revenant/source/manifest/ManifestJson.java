package org.revenant.source.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;

/**
 * Reads the public manifest format (architecture section 9, {@code docs/manifest-format.md}): one mirror
 * and its files, written by a user's own crawler.
 *
 * <p>The file is read token by token with Jackson's streaming parser, never as a tree, so the
 * memory it needs beyond the entries themselves stays small even for millions of files. The first
 * problem found stops the read with a {@link ManifestException} naming the file, line, column and
 * JSON path.
 */
public final class ManifestJson {

    public static final long MAX_FILE_BYTES = 1L << 30;
    public static final int MAX_TEXT_BYTES = 1 << 20;
    public static final int MAX_FILES = 5_000_000;
    public static final long MAX_SIZE = 1L << 53;
    public static final int MAX_PATH_CHARS = 4096;
    /** Any single string; {@code text} longer than {@link #MAX_TEXT_BYTES} but within this is truncated. */
    public static final int MAX_STRING_CHARS = 16 << 20;

    public static final int MAX_DEPTH = 16;
    static final int MAX_URL_CHARS = 8192;
    static final int MAX_SHORT_CHARS = 1024;
    static final int MAX_DESCRIPTION_CHARS = 64 * 1024;

    static final List<String> TOP_FIELDS = List.of("mirror", "observedAt", "text", "files");
    static final List<String> MIRROR_FIELDS =
            List.of("platform", "locator", "url", "title", "description", "owner", "status", "statusDetail");
    static final List<String> FILE_FIELDS =
            List.of("path", "size", "sha256", "sha1", "md5", "gitBlobSha1", "lfsSha256", "btih", "kind", "ref");

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNameLength(MAX_SHORT_CHARS)
                    .maxNumberLength(64)
                    .maxDocumentLength(MAX_FILE_BYTES)
                    .build())
            .build();

    private static final char LINE_SEPARATOR = 0x2028;
    private static final char PARAGRAPH_SEPARATOR = 0x2029;
    private static final Pattern SOURCE_REF = Pattern.compile("\\[Source:[^\\]]*?; line: (\\d+), column: (\\d+)\\]");
    private static final Pattern CONSTRAINT_REF = Pattern.compile(",? from `[^`]*`");

    private ManifestJson() {}

    /** Reads a manifest; a missing {@code observedAt} means now. */
    public static Manifest read(Path file) throws ManifestException, IOException {
        return read(file, Clock.systemUTC());
    }

    /**
     * @param clock gives {@code observedAt} when the manifest has none
     * @throws ManifestException the file is too large or its content is not a valid manifest
     * @throws IOException the file cannot be read (a missing file is a {@link java.nio.file.NoSuchFileException})
     */
    public static Manifest read(Path file, Clock clock) throws ManifestException, IOException {
        String name = file.toString();
        long bytes = Files.size(file);
        if (bytes > MAX_FILE_BYTES) {
            throw ManifestException.ofFile(
                    name,
                    String.format(
                            Locale.ROOT, "%,d bytes is more than a manifest may be (%,d)", bytes, MAX_FILE_BYTES));
        }
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            return new Reader(name, parser, clock, 0).document();
        }
    }

    /**
     * Reads one manifest given as one line of a JSON Lines stream; errors name {@code name} and
     * the line's number in the stream.
     *
     * @param line the line's bytes, without its line break; at most {@link #MAX_FILE_BYTES}
     */
    public static Manifest readLine(String name, long lineNumber, byte[] line, int length, Clock clock)
            throws ManifestException {
        if (length > MAX_FILE_BYTES) {
            throw ManifestException.ofFile(name, "line " + lineNumber + " is more than a manifest may be");
        }
        try (JsonParser parser = JSON.createParser(line, 0, length)) {
            return new Reader(name, parser, clock, (int) Math.min(Integer.MAX_VALUE, lineNumber - 1)).document();
        } catch (IOException e) {
            throw ManifestException.ofFile(
                    name, "line " + lineNumber + ": " + printable(String.valueOf(e.getMessage())));
        }
    }

    /** The JSON path of the parser's current token, such as {@code files[3].size}. */
    static String path(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                if (c.getCurrentIndex() >= 0 && c.hasCurrentIndex()) {
                    parts.push("[" + c.getCurrentIndex() + "]");
                }
            } else if (c.getCurrentName() != null) {
                parts.push("." + printable(c.getCurrentName()));
            }
        }
        String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }

    /** Values are quoted in messages, shortened so a huge string cannot make a huge error line. */
    static String quote(String value) {
        int cut = 64;
        if (value.length() > cut && Character.isHighSurrogate(value.charAt(cut - 1))) {
            cut--;
        }
        return "'" + printable(value.length() > cut ? value.substring(0, cut) + "…" : value) + "'";
    }

    /**
     * Text from the manifest as it may appear in an error: control characters and line separators
     * are written as escapes, so the error stays on one line whatever the file holds.
     */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean escape = Character.isISOControl(c) || c == LINE_SEPARATOR || c == PARAGRAPH_SEPARATOR;
            if (escape && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escape) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** One read: the parser, the file name for messages and what has been read so far. */
    private static final class Reader {
        private final String file;
        private final JsonParser p;
        private final Clock clock;
        private final int lineOffset;
        private final List<String> notes = new ArrayList<>();
        // Where the last entry's path was, so a duplicate is reported at its second occurrence.
        private JsonLocation lastPathAt;
        private String lastPathJson;
        private JsonLocation lastRefAt;

        Reader(String file, JsonParser parser, Clock clock, int lineOffset) {
            this.file = file;
            this.p = parser;
            this.clock = clock;
            this.lineOffset = lineOffset;
        }

        Manifest document() throws ManifestException, IOException {
            try {
                return manifest();
            } catch (StreamConstraintsException e) {
                throw jackson(e, "exceeds a limit: ");
            } catch (JsonProcessingException e) {
                throw jackson(e, "malformed JSON: ");
            } catch (CharConversionException e) {
                // Jackson's UTF-16/32 decoders report bad bytes as I/O errors; they are the content's fault.
                JsonLocation location = p.currentLocation();
                throw new ManifestException(
                        file,
                        location.getLineNr() + lineOffset,
                        location.getColumnNr(),
                        here(),
                        "not valid text: " + printable(String.valueOf(e.getMessage())),
                        e);
            }
        }

        private Manifest manifest() throws ManifestException, IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw here("a manifest is a JSON object");
            }
            JsonLocation start = p.currentTokenLocation();
            Mirror mirror = null;
            Instant observedAt = null;
            String text = null;
            List<ManifestEntry> entries = null;
            Set<String> seen = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                once(seen, field);
                if (!TOP_FIELDS.contains(field)) {
                    throw unknownField(TOP_FIELDS);
                }
                p.nextToken();
                switch (field) {
                    case "mirror" -> mirror = mirror();
                    case "observedAt" -> observedAt = instant();
                    case "text" -> text = text();
                    default -> entries = files();
                }
            }
            if (p.nextToken() != null) {
                throw here("unexpected content after the manifest object");
            }
            if (mirror == null) {
                throw at(start, "", "missing required field 'mirror'");
            }
            if (entries == null) {
                throw at(start, "", "missing required field 'files' (it may be an empty list)");
            }
            return new Manifest(mirror, observedAt != null ? observedAt : clock.instant(), text, entries, notes);
        }

        private Mirror mirror() throws ManifestException, IOException {
            expectObject();
            JsonLocation start = p.currentTokenLocation();
            String path = here();
            Map<String, String> values = new LinkedHashMap<>();
            MirrorStatus status = MirrorStatus.PRESENT;
            JsonLocation locatorAt = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (values.containsKey(field)) {
                    throw here("appears more than once");
                }
                if (!MIRROR_FIELDS.contains(field)) {
                    throw unknownField(MIRROR_FIELDS);
                }
                p.nextToken();
                switch (field) {
                    case "platform" -> {
                        String platform = string();
                        if (platform.length() > MirrorKeys.MAX_PLATFORM_CHARS
                                || !MirrorKeys.PLATFORM.matcher(platform).matches()) {
                            throw here("must match [a-z0-9][a-z0-9-]* (at most " + MirrorKeys.MAX_PLATFORM_CHARS
                                    + " characters), got " + quote(platform));
                        }
                        values.put(field, platform);
                    }
                    case "locator" -> {
                        locatorAt = p.currentTokenLocation();
                        String locator = string();
                        if (locator.isEmpty()
                                || locator.length() > MirrorKeys.MAX_LOCATOR_CHARS
                                || hasControl(locator)) {
                            throw here("must be 1 to " + MirrorKeys.MAX_LOCATOR_CHARS
                                    + " characters without control characters");
                        }
                        values.put(field, locator);
                    }
                    case "status" -> {
                        String value = optionalString(MAX_SHORT_CHARS);
                        values.put(field, value);
                        if (value != null) {
                            status = symbol(MirrorStatus.class, value);
                        }
                    }
                    case "url" -> values.put(field, optionalString(MAX_URL_CHARS));
                    case "description" -> values.put(field, optionalString(MAX_DESCRIPTION_CHARS));
                    default -> values.put(field, optionalString(MAX_SHORT_CHARS));
                }
            }
            String platform = values.get("platform");
            String locator = values.get("locator");
            if (platform == null) {
                throw at(start, path, "missing required field 'platform'");
            }
            if (locator == null) {
                throw at(start, path, "missing required field 'locator'");
            }
            String normalized;
            try {
                normalized = MirrorKeys.locator(platform, locator);
            } catch (IllegalArgumentException e) {
                throw at(locatorAt, join(path, "locator"), e.getMessage() + ", got " + quote(locator));
            }
            Map<String, String> identifiers = new LinkedHashMap<>();
            if ("torrent".equals(platform)) {
                identifiers.put(normalized.startsWith("btmh:") ? "btmh" : "btih", normalized.replace("btmh:", ""));
            }
            return Mirror.newBuilder()
                    .setKey(MirrorKeys.key(platform, normalized))
                    .setPlatform(platform)
                    .setLocator(normalized)
                    .setUrl(values.get("url"))
                    .setTitle(values.get("title"))
                    .setDescription(values.get("description"))
                    .setOwner(values.get("owner"))
                    .setStatus(status)
                    .setStatusDetail(values.get("statusDetail"))
                    .setIdentifiers(identifiers)
                    .build();
        }

        private Instant instant() throws ManifestException, IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            String value = string();
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                throw here("must be an ISO-8601 time with an offset such as 2026-11-22T00:00:00Z, got " + quote(value));
            }
        }

        private String text() throws ManifestException, IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            String text = string();
            int cut = utf8Cut(text, MAX_TEXT_BYTES);
            if (cut < text.length()) {
                notes.add(String.format(
                        Locale.ROOT,
                        "text: truncated to its first %,d bytes (it has %,d characters)",
                        MAX_TEXT_BYTES,
                        text.length()));
                return text.substring(0, cut);
            }
            return text;
        }

        private List<ManifestEntry> files() throws ManifestException, IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw here("must be a list");
            }
            List<ManifestEntry> entries = new ArrayList<>();
            Set<String> paths = new HashSet<>();
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (entries.size() >= MAX_FILES) {
                    throw here("more than " + MAX_FILES + " files");
                }
                if (t != JsonToken.START_OBJECT) {
                    throw here("must be an object");
                }
                ManifestEntry entry = file(entries.size());
                entries.add(entry);
                if (!paths.add(entry.getPath())) {
                    throw at(lastPathAt, lastPathJson, "duplicate path " + quote(entry.getPath()));
                }
            }
            return entries;
        }

        private ManifestEntry file(int index) throws ManifestException, IOException {
            JsonLocation start = p.currentTokenLocation();
            int seen = 0;
            ManifestEntry.Builder entry = ManifestEntry.newBuilder();
            String path = null;
            String btih = null;
            String ref = null;
            EntryKind kind = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int bit = FILE_FIELDS.indexOf(field);
                if (bit < 0) {
                    throw unknownField(FILE_FIELDS);
                }
                if ((seen & (1 << bit)) != 0) {
                    throw here("appears more than once");
                }
                seen |= 1 << bit;
                p.nextToken();
                switch (field) {
                    case "path" -> {
                        lastPathAt = p.currentTokenLocation();
                        lastPathJson = here();
                        path = filePath();
                    }
                    case "size" -> entry.setSize(size());
                    case "sha256" -> entry.setSha256(hex(64));
                    case "lfsSha256" -> entry.setLfsSha256(hex(64));
                    case "sha1" -> entry.setSha1(hex(40));
                    case "gitBlobSha1" -> entry.setGitBlobSha1(hex(40));
                    case "md5" -> entry.setMd5(hex(32));
                    case "btih" -> btih = hex(40, 64);
                    case "kind" -> {
                        String value = optionalString(MAX_SHORT_CHARS);
                        kind = value == null ? null : symbol(EntryKind.class, value);
                    }
                    default -> {
                        lastRefAt = p.currentTokenLocation();
                        ref = optionalString(MAX_URL_CHARS);
                    }
                }
            }
            if (path == null) {
                throw at(start, "files[" + index + "]", "missing required field 'path'");
            }
            if (kind == null) {
                kind = btih != null ? EntryKind.TORRENT_REF : EntryKind.FILE;
            }
            entry.setPath(path).setKind(kind).setRef(reference(kind, btih, ref, start, index));
            return entry.build();
        }

        /** The ref of an entry from its kind, btih and ref fields, checked against each other. */
        private String reference(EntryKind kind, String btih, String ref, JsonLocation start, int index)
                throws ManifestException {
            String where = "files[" + index + "]";
            switch (kind) {
                case TORRENT_REF, MAGNET_REF -> {
                    if (btih == null && ref == null) {
                        throw at(start, where, "a " + kind + " entry needs a btih");
                    }
                    if (ref == null) {
                        return btih;
                    }
                    String fromRef = ref.toLowerCase(Locale.ROOT);
                    if (!isHex(fromRef, 40, 64)) {
                        throw at(
                                lastRefAt,
                                join(where, "ref"),
                                "must be a btih (40 or 64 hex digits) in a " + kind + " entry");
                    }
                    if (btih != null && !btih.equals(fromRef)) {
                        throw at(start, where, "btih and ref differ");
                    }
                    return fromRef;
                }
                case LINK -> {
                    if (btih != null) {
                        throw at(start, where, "a LINK entry has no btih");
                    }
                    if (ref == null || ref.isEmpty()) {
                        throw at(start, where, "a LINK entry needs a ref (the URL)");
                    }
                    return ref;
                }
                default -> {
                    if (btih != null || ref != null) {
                        throw at(start, where, "a FILE entry has no btih or ref (a file with a btih is a TORRENT_REF)");
                    }
                    return null;
                }
            }
        }

        private String filePath() throws ManifestException, IOException {
            String path = string();
            if (path.isEmpty()) {
                throw here("must not be empty");
            }
            if (path.length() > MAX_PATH_CHARS) {
                throw here("is longer than " + MAX_PATH_CHARS + " characters");
            }
            if (path.indexOf('\0') >= 0) {
                throw here("must not contain NUL");
            }
            if (path.startsWith("/") || path.startsWith("\\") || (path.length() > 1 && path.charAt(1) == ':')) {
                throw here("must be relative, got " + quote(path));
            }
            for (String part : path.split("/", -1)) {
                if (part.equals("..")) {
                    throw here("must not contain a '..' component, got " + quote(path));
                }
            }
            return path;
        }

        private Long size() throws ManifestException, IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw here("must be a non-negative integer");
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw here(
                        p.getBigIntegerValue().signum() < 0
                                ? "must be a non-negative integer"
                                : "must be at most 2^53 (" + MAX_SIZE + ")");
            }
            long size = p.getLongValue();
            if (size < 0) {
                throw here("must be a non-negative integer");
            }
            if (size > MAX_SIZE) {
                throw here("must be at most 2^53 (" + MAX_SIZE + ")");
            }
            return size;
        }

        /** An optional hash, lower-cased. */
        private String hex(int... lengths) throws ManifestException, IOException {
            String value = optionalString(MAX_SHORT_CHARS);
            if (value == null) {
                return null;
            }
            String lower = value.toLowerCase(Locale.ROOT);
            if (!isHex(lower, lengths)) {
                String digits = Arrays.stream(lengths).mapToObj(String::valueOf).collect(Collectors.joining(" or "));
                throw here("must be " + digits + " hex digits, got " + quote(value));
            }
            return lower;
        }

        private <E extends Enum<E>> E symbol(Class<E> type, String value) throws ManifestException {
            // UNKNOWN is what a reader makes of a symbol from a newer release, never input.
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(value) && !constant.name().equals("UNKNOWN")) {
                    return constant;
                }
            }
            String allowed = Arrays.stream(type.getEnumConstants())
                    .map(Enum::name)
                    .filter(n -> !n.equals("UNKNOWN"))
                    .collect(Collectors.joining(", "));
            throw here("unknown value " + quote(value) + " (one of " + allowed + ")");
        }

        private String string() throws ManifestException, IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw here("must be a string");
            }
            return p.getText();
        }

        private String optionalString(int maxChars) throws ManifestException, IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            String value = string();
            if (value.length() > maxChars) {
                throw here("is longer than " + maxChars + " characters");
            }
            return value;
        }

        private void expectObject() throws ManifestException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw here("must be an object");
            }
        }

        private void once(Set<String> seen, String field) throws ManifestException {
            if (!seen.add(field)) {
                throw here("appears more than once");
            }
        }

        private ManifestException unknownField(List<String> known) {
            return here("unknown field (known: " + String.join(", ", known) + ")");
        }

        private String here() {
            return path(p.getParsingContext());
        }

        /** A problem with the current token. */
        private ManifestException here(String problem) {
            return at(p.currentTokenLocation(), here(), problem);
        }

        private ManifestException at(JsonLocation location, String jsonPath, String problem) {
            return new ManifestException(
                    file, location.getLineNr() + lineOffset, location.getColumnNr(), jsonPath, problem);
        }

        private ManifestException jackson(JsonProcessingException e, String kind) {
            JsonLocation location = e.getLocation() != null ? e.getLocation() : p.currentLocation();
            String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
            message = SOURCE_REF.matcher(message).replaceAll("line $1, column $2");
            message = printable(CONSTRAINT_REF
                    .matcher(message)
                    .replaceAll("")
                    .replaceAll("\\s+", " ")
                    .strip());
            return new ManifestException(
                    file, location.getLineNr() + lineOffset, location.getColumnNr(), here(), kind + message, e);
        }
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    static boolean isHex(String lower, int... lengths) {
        boolean lengthOk = false;
        for (int length : lengths) {
            lengthOk |= lower.length() == length;
        }
        if (!lengthOk) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    /** The largest prefix length whose UTF-8 encoding fits in maxBytes, never splitting a surrogate pair. */
    static int utf8Cut(String s, int maxBytes) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int width;
            if (c < 0x80) {
                width = 1;
            } else if (c < 0x800) {
                width = 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (bytes + 4 > maxBytes) {
                    return i;
                }
                bytes += 4;
                i++;
                continue;
            } else {
                width = 3;
            }
            if (bytes + width > maxBytes) {
                return i;
            }
            bytes += width;
        }
        return s.length();
    }
}
