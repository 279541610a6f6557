package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class UnitMainTest {

    @Test
    void thePlainFormsRunWithoutTheCommandLineFramework() {
        assertThat(UnitMain.parse(new String[] {"--config", "u.yaml"}))
                .isEqualTo(new DeviceRunner(Path.of("u.yaml"), null, null));
        assertThat(UnitMain.parse(new String[] {"--config=u.yaml", "--hal", "pi"}))
                .isEqualTo(new DeviceRunner(Path.of("u.yaml"), "pi", null));
        assertThat(UnitMain.parse(new String[] {"--hal=mock", "--sim-port", "8090", "--config", "u.yaml"}))
                .isEqualTo(new DeviceRunner(Path.of("u.yaml"), "mock", 8090));
    }

    @Test
    void everythingElseGoesToTheFullCommandLine() {
        String[][] others = {
            {},
            {"--help"},
            {"-h"},
            {"--version"},
            {"--config"},
            {"--hal", "mock"},
            {"--config", "a", "--config", "b"},
            {"--config", "u.yaml", "--hal", "arduino"},
            {"--config", "u.yaml", "--sim-port", "x"},
            {"--config", "u.yaml", "--sim-port", "70000"},
            {"--config", "u.yaml", "extra"},
            {"--config", ""},
            {"--config", "u.yaml", "--hal", "pi", "--hal", "mock"},
            {"--config", "a\0b"},
        };
        for (String[] args : others)
            assertThat(UnitMain.parse(args)).as(String.join(" ", args)).isNull();
    }

    @Test
    void optionMistakesAreUsageErrors() {
        assertThatThrownBy(() -> new DeviceRunner(null, null, null))
                .isInstanceOf(DeviceRunner.BadOptions.class)
                .hasMessage("--config FILE is required");
        assertThatThrownBy(() -> new DeviceRunner(Path.of("u.yaml"), "arduino", null))
                .hasMessage("--hal 'arduino' is invalid (allowed: mock, pi)");
        assertThatThrownBy(() -> new DeviceRunner(Path.of("u.yaml"), null, 70000))
                .hasMessage("--sim-port 70000 is out of range 0..65535");
    }

    @Test
    void onAUnitsOwnClasspathHelpAndMistakesGoToTheFullCommandLineInAJvmOfItsOwn() throws Exception {
        // as ./bwc device runs it: no CLI framework and no Jackson on the classpath, the full one named by a property
        String full = testClasspath();
        String unitOnly = unitClasspath();
        assertThat(unitOnly).as("the test's classpath has picocli to leave out").isNotEqualTo(full);

        BwcCliTest.Run help = unitMain(unitOnly, full, "--help");
        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).isEqualTo(BwcCliTest.bwc("device", "--help").out());

        BwcCliTest.Run mistake = unitMain(unitOnly, full, "--hal", "mock");
        BwcCliTest.Run expected = BwcCliTest.bwc("device", "--hal", "mock");
        assertThat(mistake.exit()).isEqualTo(expected.exit()).isEqualTo(2);
        assertThat(mistake.err()).isEqualTo(expected.err()).contains("Missing required option: '--config=FILE'");

        BwcCliTest.Run nowhere = unitMain(unitOnly, null, "--help");
        assertThat(nowhere.exit()).isEqualTo(2);
        assertThat(nowhere.err()).contains("for --help and any form other than", "run ./bwc device");

        BwcCliTest.Run wrongPlace = unitMain(unitOnly, unitOnly, "--help");
        assertThat(wrongPlace.exit())
                .as("a classpath without picocli named: one more JVM, which says so")
                .isEqualTo(2);
        assertThat(wrongPlace.err()).contains("for --help and any form other than");
    }

    /** The tests' classpath (surefire runs them from a jar whose manifest holds it, and names it in a property). */
    static String testClasspath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** The tests' classpath without the CLI framework's and Jackson's jars, as a unit runs without them. */
    static String unitClasspath() {
        return Arrays.stream(testClasspath().split(File.pathSeparator))
                .filter(entry -> {
                    String name = Path.of(entry).getFileName().toString();
                    return !name.startsWith("picocli") && !name.startsWith("jackson");
                })
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Runs UnitMain in a JVM of its own on {@code classpath}, the full command line's being {@code cli} (or none). */
    static BwcCliTest.Run unitMain(String classpath, String cli, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-Xshare:off"));
        if (cli != null) cmd.add("-D" + UnitMain.CLI_CLASSPATH + "=" + cli);
        cmd.addAll(List.of("-cp", classpath, UnitMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS))
                .as("UnitMain " + String.join(" ", args) + " ends")
                .isTrue();
        return new BwcCliTest.Run(p.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
    }
}
