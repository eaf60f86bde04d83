package org.revenant.cli;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.revenant.http.Analysts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "analyst-token",
        mixinStandardHelpOptions = true,
        description = {
            "Make a new analyst token: the line for the --analysts file goes to standard output, the token itself",
            "to standard error, once (it is not stored anywhere; give it to the analyst)."
        })
final class AnalystTokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The analyst's name (1 to 64 letters, digits, '.', '_' or '-').")
    String name;

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            defaultValue = "ANALYST",
            description = "analyst (records decisions) or reader (refused every action); default analyst.")
    String role;

    @Override
    public Integer call() {
        Analysts.Role chosen;
        try {
            chosen = Analysts.Role.valueOf(role.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--role must be analyst or reader");
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        String line;
        try {
            line = Analysts.line(name, chosen, token);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "NAME: " + e.getMessage());
        }
        spec.commandLine().getOut().println(line);
        spec.commandLine().getErr().println("token for " + name + " (shown once): " + token);
        return 0;
    }
}
