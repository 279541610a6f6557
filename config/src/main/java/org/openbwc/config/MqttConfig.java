package org.openbwc.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** How a unit or gateway connects to the MQTT broker; credentials are only ever referenced as files. */
@RejectedKey(
        key = "username",
        problem = "inline credentials are not allowed",
        allowed = "usernameFile/passwordFile pointing to a file")
@RejectedKey(
        key = "password",
        problem = "inline credentials are not allowed",
        allowed = "usernameFile/passwordFile pointing to a file")
public record MqttConfig(
        @Doc("Broker address. Use ssl:// or wss:// when the broker is on another machine.")
        @DefaultValue("tcp://127.0.0.1:1883")
        @UrlSchemes({"tcp", "ssl", "ws", "wss"})
        String url,

        @Doc("MQTT client identifier; must be unique per broker.")
        @NullMeans("use the unitId or gatewayId")
        @Pattern(regex = "[!-~]{1,64}", allowed = "1 to 64 printable ASCII characters without spaces")
        String clientId,

        @Doc("File holding the MQTT user name (surrounding whitespace is ignored). A relative path is relative to the"
                + " working directory. Not checked at load time, because the file may live only on the target machine.")
        @NullMeans("connect without a user name")
        @TextLength(min = 1, max = 4096)
        String usernameFile,

        @Doc("File holding the MQTT password (surrounding whitespace is ignored); keep it readable only by the service"
                + " user. Not checked at load time.")
        @NullMeans("connect without a password")
        @TextLength(min = 1, max = 4096)
        String passwordFile,

        @Doc("Interval of MQTT keep-alive pings; the broker drops the client after 1.5 times this without traffic.")
        @DefaultValue("10")
        @IntRange(min = 2, max = 300)
        int keepAliveSeconds,

        @Doc("How long to wait for the broker to accept a connection.")
        @DefaultValue("10")
        @IntRange(min = 1, max = 120)
        int connectTimeoutSeconds,

        @Doc("Longest wait between reconnection attempts; waits grow from 1 second up to this.")
        @DefaultValue("30")
        @IntRange(min = 1, max = 600)
        int reconnectMaxSeconds) {

    public MqttConfig {
        Constraints.check(
                MqttConfig.class,
                url,
                clientId,
                usernameFile,
                passwordFile,
                keepAliveSeconds,
                connectTimeoutSeconds,
                reconnectMaxSeconds);
    }

    /** Defaults: local broker, no credentials, clientId to be filled in from the unit or gateway id. */
    public static MqttConfig defaults() {
        return (MqttConfig) RecordSpec.of(MqttConfig.class).defaults(Map.of());
    }

    /** Copy with another broker URL. */
    public MqttConfig withUrl(String newUrl) {
        return new MqttConfig(
                newUrl,
                clientId,
                usernameFile,
                passwordFile,
                keepAliveSeconds,
                connectTimeoutSeconds,
                reconnectMaxSeconds);
    }

    /** Copy with another client id; null means "use the unit or gateway id". */
    public MqttConfig withClientId(String newClientId) {
        return new MqttConfig(
                url,
                newClientId,
                usernameFile,
                passwordFile,
                keepAliveSeconds,
                connectTimeoutSeconds,
                reconnectMaxSeconds);
    }

    /** Copy with other credential files; null for none. */
    public MqttConfig withCredentialFiles(String newUsernameFile, String newPasswordFile) {
        return new MqttConfig(
                url,
                clientId,
                newUsernameFile,
                newPasswordFile,
                keepAliveSeconds,
                connectTimeoutSeconds,
                reconnectMaxSeconds);
    }

    /**
     * The user name from {@link #usernameFile()}, trimmed; empty if no file is configured.
     *
     * @throws UncheckedIOException naming the file if it cannot be read
     */
    public Optional<String> readUsername() {
        return readSecret(usernameFile, "mqtt.usernameFile");
    }

    /**
     * The password from {@link #passwordFile()}, trimmed; empty if no file is configured.
     *
     * @throws UncheckedIOException naming the file if it cannot be read
     */
    public Optional<String> readPassword() {
        return readSecret(passwordFile, "mqtt.passwordFile");
    }

    private static Optional<String> readSecret(String file, String key) {
        if (file == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(Path.of(file)).trim());
        } catch (NoSuchFileException e) {
            throw unreadable(file, key, "no such file", e);
        } catch (AccessDeniedException e) {
            throw unreadable(file, key, "permission denied", e);
        } catch (IOException e) {
            throw unreadable(file, key, e.toString(), e);
        } catch (InvalidPathException e) {
            throw unreadable(file, key, "not a valid path", new IOException(e));
        }
    }

    private static UncheckedIOException unreadable(String file, String key, String reason, IOException cause) {
        // The message names the file and the key that points at it but never the content.
        return new UncheckedIOException("cannot read " + file + " (set by " + key + "): " + reason, cause);
    }
}
