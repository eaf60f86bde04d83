package org.revenant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.http.Analysts.Role;
import org.revenant.http.Analysts.Verdict;

class AnalystsTest {

    @TempDir
    Path dir;

    private static final String FILE = "# who may act\n"
            + Analysts.line("alice", Role.ANALYST, "alice-secret") + "\n"
            + "\n"
            + "  "
            + Analysts.line("bob.reads", Role.READER, "bob-secret")
                    .toUpperCase()
                    .replace("BOB.READS", "bob.reads")
            + "\r\n";

    @Test
    void eachTokenIsItsAnalystWithTheirRole() throws Exception {
        Analysts analysts = Analysts.parse(FILE, "analysts.txt");
        Analysts.Check alice = analysts.check("Bearer alice-secret");
        assertEquals(Verdict.ALLOWED, alice.verdict());
        assertEquals("alice", alice.who().orElseThrow().name());
        Analysts.Check bob = analysts.check("bearer  bob-secret ");
        assertEquals(Verdict.READ_ONLY, bob.verdict(), "the scheme in any case; hex digits in any case");
        assertEquals("bob.reads", bob.who().orElseThrow().name());
        assertEquals(Verdict.WRONG, analysts.check("Bearer alice-secret2").verdict());
        assertTrue(analysts.check("Bearer alice-secret2").who().isEmpty());
        assertEquals(Verdict.MISSING, analysts.check(null).verdict());
        assertEquals(Verdict.MISSING, analysts.check("Basic YWxpY2U6eA==").verdict());
        assertEquals(Map.of(Role.ANALYST, 1, Role.READER, 1), analysts.countByRole());
    }

    @Test
    void theAdminTokenIsTheAnalystAdminBesideTheNamedOnes() throws Exception {
        Analysts both = Analysts.with(Analysts.parse(FILE, "f"), " admin-secret ");
        assertEquals(
                "admin", both.check("Bearer admin-secret").who().orElseThrow().name());
        assertEquals(Verdict.ALLOWED, both.check("Bearer alice-secret").verdict());
        assertEquals(
                Verdict.NOT_CONFIGURED,
                Analysts.ofAdminToken("  ").check("Bearer x").verdict());
        assertEquals(Verdict.NOT_CONFIGURED, Analysts.none().check("Bearer x").verdict());
        assertFalse(Analysts.ofAdminToken(null).configured());
    }

    @Test
    void aBadFileIsRefusedWithItsLineAndWhatIsWrong() {
        String alice = Analysts.line("alice", Role.ANALYST, "a");
        assertRefused("alice: analyst\n", "f line 1: expected 'alice: analyst|reader sha256:<64 hex digits>'");
        assertRefused("\n\nalice: admin sha256:" + "0".repeat(64), "f line 3: the role must be analyst or reader");
        assertRefused(
                alice + "\n" + alice.replace("alice", "carol"), "f line 2: 'carol' has the same token as 'alice'");
        assertRefused(alice + "\n" + Analysts.line("alice", Role.READER, "b"), "f line 2: 'alice' is listed twice");
        assertRefused("<script>: analyst sha256:" + "0".repeat(64), "f line 1: expected 'name: analyst|reader");
        assertRefused("alice: analyst sha256:" + "0".repeat(63), "f line 1: expected 'alice: analyst|reader");
        assertThrows(IllegalArgumentException.class, () -> Analysts.line("a b", Role.ANALYST, "t"));
    }

    @Test
    void aFileIsReadWithinItsBounds() throws Exception {
        Path good = Files.writeString(dir.resolve("ok.txt"), FILE);
        assertTrue(Analysts.load(good).configured());
        Path huge = dir.resolve("huge.txt");
        Files.write(huge, new byte[Analysts.MAX_FILE_BYTES + 1]);
        Analysts.InvalidAnalysts big = assertThrows(Analysts.InvalidAnalysts.class, () -> Analysts.load(huge));
        assertTrue(big.getMessage().contains("larger than"), big.getMessage());
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'a', (byte) 0xe9, ':'});
        assertTrue(assertThrows(Analysts.InvalidAnalysts.class, () -> Analysts.load(latin1))
                .getMessage()
                .contains("is not UTF-8"));
        assertTrue(assertThrows(Analysts.InvalidAnalysts.class, () -> Analysts.load(dir.resolve("missing")))
                .getMessage()
                .startsWith("cannot read the analysts file"));
    }

    @Test
    void itsTextNeverShowsADigest() throws Exception {
        String shown = Analysts.parse(FILE, "f").toString();
        assertFalse(shown.matches(".*[0-9a-f]{16}.*"), shown);
    }

    private static void assertRefused(String text, String message) {
        Analysts.InvalidAnalysts e = assertThrows(Analysts.InvalidAnalysts.class, () -> Analysts.parse(text, "f"));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
