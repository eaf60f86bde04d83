package org.revenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * An existing cluster that demands authentication (SASL_PLAINTEXT, PLAIN) and authorizes with ACLs
 * (deny unless granted): every role reaches it through {@code --command-config} with only the
 * grants the README lists, as the README tells users to. Registry loaded, streams app in
 * its own JVM, snapshot in, alert out; a wrong password fails with a clear error that does not
 * echo the password.
 */
@Tag("broker")
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SaslClusterTest {

    private static final String PASSWORD = "s3cret-Revenant-pw";

    private KafkaClusterTestKit cluster;
    private Path dir;
    private Path clientConfig;

    @BeforeAll
    void startAuthenticatingBroker() throws Exception {
        dir = Files.createTempDirectory("revenant-sasl");
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .setBrokerListenerName(new ListenerName("EXTERNAL"))
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        for (var setting : List.of(
                "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0",
                "sasl.enabled.mechanisms=PLAIN", "sasl.mechanism.inter.broker.protocol=PLAIN")) {
            String[] kv = setting.split("=", 2);
            builder.setConfigProp(kv[0], kv[1]);
        }
        // The testkit turns on the StandardAuthorizer (deny without an ACL); the controller listener
        // stays PLAINTEXT inside the node, so its anonymous principal is a super user, as is the
        // broker's own inter-broker login.
        builder.setConfigProp("super.users", "User:broker;User:ANONYMOUS");
        builder.setConfigProp(
                "listener.name.external.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" password=\"broker-pw\" "
                        + "user_broker=\"broker-pw\" user_revenant=\"" + PASSWORD + "\";");
        cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        clientConfig = Files.writeString(dir.resolve("client.properties"), clientSettings(PASSWORD));
        grantWhatTheReadmeLists();
    }

    /**
     * The ACLs the README's "An existing Kafka cluster" lists, for topic prefix {@code sasl.} and
     * application id {@code sasl-detect} instead of {@code revenant.} and {@code revenant-detect}.
     */
    private void grantWhatTheReadmeLists() throws Exception {
        Properties admin = new Properties();
        admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        admin.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        admin.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        admin.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" password=\"broker-pw\";");
        try (Admin client = Admin.create(admin)) {
            client.createAcls(List.of(
                            allow(ResourceType.TOPIC, "sasl.", AclOperation.ALL),
                            allow(ResourceType.TOPIC, "sasl-detect", AclOperation.ALL),
                            allow(ResourceType.GROUP, "sasl", AclOperation.READ),
                            allow(ResourceType.TRANSACTIONAL_ID, "sasl", AclOperation.WRITE)))
                    .all()
                    .get();
        }
    }

    private static AclBinding allow(ResourceType type, String prefix, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, prefix, PatternType.PREFIXED),
                new AccessControlEntry("User:revenant", "*", operation, AclPermissionType.ALLOW));
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void everyRoleAuthenticatesThroughCommandConfig() throws Exception {
        String prefix = "sasl.";
        String loaded = cli(0, "registry", "load", "--topic-prefix", prefix);
        assertTrue(loaded.matches("(?s).*loaded \\d+ dataset\\(s\\) from the bundled registry.*"), loaded);

        try (StreamsProcesses apps = new StreamsProcesses(cluster.bootstrapServers(), dir, clientSettings(PASSWORD))) {
            StreamsProcesses.App app = apps.start(prefix, "sasl-detect", dir.resolve("state"));
            app.awaitRunning();

            String locator = "sasl/faces-" + System.nanoTime();
            String alertKey = "ms-celeb-1m|github:" + locator;
            Path manifest = Files.writeString(
                    dir.resolve("manifest.json"),
                    RunningRevenant.msCelebCopy(locator, "PRESENT", "faces", "celebrity faces"));
            cli(0, "snapshot", "manifest", manifest.toString(), "--topic-prefix", prefix);

            List<String> seen = new ArrayList<>();
            RunningRevenant.await(
                    Duration.ofSeconds(90),
                    () -> {
                        String out = cli(
                                0,
                                "alerts",
                                "tail",
                                "--from-beginning",
                                "--format",
                                "json",
                                "--timeout",
                                "2s",
                                "--topic-prefix",
                                prefix);
                        seen.add(out);
                        return out.contains("\"alertKey\":\"" + alertKey + "\"")
                                && out.contains("\"event\":\"OPENED\"");
                    },
                    "the OPENED alert on the authenticated cluster; saw " + seen + "\napp output:\n" + app.output());

            HttpResponse<String> viaApi = RunningRevenant.CLIENT.send(
                    HttpRequest.newBuilder(URI.create(app.url("/api/alerts/" + alertKey.replace("|", "%7C"))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, viaApi.statusCode(), viaApi.body());
            assertTrue(viaApi.body().contains("\"severity\":\"CONFIRMED\""), viaApi.body());
            assertFalse(app.output().toString().contains(PASSWORD), "the app printed the password");
        }
    }

    @Test
    void aWrongPasswordIsAClearErrorThatDoesNotEchoIt() throws Exception {
        String wrong = "not-the-password-42";
        Path bad = Files.writeString(dir.resolve("bad.properties"), clientSettings(wrong));
        String err = cliWith(bad, 1, "registry", "load", "--topic-prefix", "sasl-bad.");
        assertTrue(err.toLowerCase(Locale.ROOT).contains("authentication failed"), err);
        assertFalse(err.contains(wrong), "the error echoed the password: " + err);
    }

    @Test
    void topicsOutsideTheGrantsAreRefusedWithAClearError() {
        String err = cli(1, "registry", "load", "--topic-prefix", "ungranted.");
        assertTrue(err.toLowerCase(Locale.ROOT).contains("authoriz"), err);
    }

    private static String clientSettings(String password) {
        return "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"revenant\" password=\"" + password + "\";\n";
    }

    /** Runs the CLI with the good client config; asserts the exit code (see {@link #cliWith}). */
    private String cli(int expectedExit, String... args) {
        return cliWith(clientConfig, expectedExit, args);
    }

    /** Returns stdout when the exit code is 0, otherwise stderr. */
    private String cliWith(Path config, int expectedExit, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", cluster.bootstrapServers(), "--command-config", config.toString()));
        CliTest.Result result = CliTest.run(all.toArray(String[]::new));
        assertEquals(
                expectedExit,
                result.exit(),
                () -> String.join(" ", args) + "\nout: " + result.out() + "\nerr: " + result.err());
        return expectedExit == 0 ? result.out() : result.err();
    }
}
