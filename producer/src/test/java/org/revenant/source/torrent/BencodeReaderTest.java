package org.revenant.source.torrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BencodeReaderTest {

    private static BencodeReader.Document read(String s) throws TorrentException {
        return BencodeReader.read(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String rejection(String s) {
        return assertThrows(TorrentException.class, () -> read(s)).getMessage();
    }

    @Test
    void readsAllFourTypes() throws Exception {
        BencodeValue root = read("d3:agei-42e4:listl1:ai0ee4:name4:spame").root();
        BencodeValue.BDict dict = (BencodeValue.BDict) root;
        assertEquals(-42, ((BencodeValue.BInt) dict.get("age")).value());
        assertArrayEquals("spam".getBytes(StandardCharsets.US_ASCII), ((BencodeValue.BBytes) dict.get("name")).bytes());
        assertEquals(2, ((BencodeValue.BList) dict.get("list")).items().size());
    }

    @Test
    void readsExtremeLongs() throws Exception {
        assertEquals(
                Long.MAX_VALUE,
                ((BencodeValue.BInt) read("i9223372036854775807e").root()).value());
        assertEquals(
                Long.MIN_VALUE,
                ((BencodeValue.BInt) read("i-9223372036854775808e").root()).value());
    }

    @Test
    void recordsRawSpanOfTopLevelInfoDictionary() throws Exception {
        String text = "d4:infod1:zi1e1:ai2ee3:zzz0:e";
        BencodeReader.Document doc = read(text);
        assertTrue(doc.hasInfo());
        assertEquals("d1:zi1e1:ai2ee", text.substring(doc.infoStart(), doc.infoEnd()));
    }

    @Test
    void ignoresInfoKeysThatAreNotAtTopLevel() throws Exception {
        assertFalse(read("d5:outerd4:infod1:ai1eeee").hasInfo());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "i03e                 | integer with a leading zero at offset 0",
                "i-0e                 | negative zero integer at offset 0",
                "i-e                  | integer without digits at offset 0",
                "ie                   | integer without digits at offset 0",
                "i12a4e               | invalid character in integer at offset 3",
                "i9223372036854775808e | integer overflows 64 bits at offset 0",
                "i-9223372036854775809e | integer overflows 64 bits at offset 0",
                "i42                  | truncated integer at offset 0",
                "5:abc                | truncated byte string (declares 5 bytes, 3 remain) at offset 0",
                "05:abcde             | byte string length with a leading zero at offset 0",
                "l4:spam              | truncated list at offset 7",
                "d3:fooi1e            | truncated dictionary at offset 9",
                "di1ei2ee             | dictionary key is not a byte string at offset 1",
                "d1:ai1e1:ai2ee       | duplicate dictionary key at offset 7",
                "i1ei2e               | trailing data after the top-level value at offset 3",
                "x                    | unexpected byte 0x78 where a value should start at offset 0",
            })
    void rejectsMalformedInputWithOffset(String input, String message) {
        assertEquals(message, rejection(input));
    }

    @Test
    void rejectsHugeLengthPrefixWithoutAllocating() {
        String message = rejection("999999999999:abc");
        assertTrue(message.startsWith("truncated byte string (declares 999999999999 bytes"), message);
    }

    @Test
    void rejectsLengthPrefixTooLongForALong() {
        assertEquals("byte string length too long at offset 0", rejection("99999999999999999999999:x"));
    }

    @Test
    @Timeout(5)
    void rejectsTenThousandNestedListsWithoutStackOverflow() {
        String deep = "l".repeat(10_000) + "e".repeat(10_000);
        assertEquals("nesting deeper than 64 at offset 64", rejection(deep));
    }

    @Test
    void acceptsNestingUpToTheLimit() throws Exception {
        read("l".repeat(64) + "e".repeat(64));
    }

    @Test
    void rejectsInputLargerThanTheLimit() {
        byte[] data = new byte[101];
        Arrays.fill(data, (byte) 'x');
        TorrentException e = assertThrows(
                TorrentException.class, () -> BencodeReader.read(data, new BencodeReader.Limits(100, 64, 1000)));
        assertEquals("input is 101 bytes, more than the limit of 100", e.getMessage());
    }

    @Test
    void rejectsTooManyValues() {
        byte[] data = ("l" + "i1e".repeat(20) + "e").getBytes(StandardCharsets.US_ASCII);
        TorrentException e = assertThrows(
                TorrentException.class, () -> BencodeReader.read(data, new BencodeReader.Limits(1000, 64, 10)));
        assertTrue(e.getMessage().startsWith("more than 10 values"), e.getMessage());
    }

    @Test
    void rejectsEmptyInput() {
        assertEquals("empty input", rejection(""));
    }
}
