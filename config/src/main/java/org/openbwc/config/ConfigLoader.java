package org.openbwc.config;

import java.nio.file.Path;
import java.util.List;
import org.tinylog.Logger;

/** Loads unit and gateway configuration files into validated records. */
public final class ConfigLoader {

    private ConfigLoader() {}

    /**
     * Loads a unit file; keys left out take their documented defaults.
     *
     * @throws ConfigException listing every problem in the file
     */
    public static UnitConfig loadUnit(Path file) {
        UnitConfig config = RecordBinder.bind(read(file, ConfigFile.Kind.UNIT), UnitConfig.class);
        Logger.debug("Loaded configuration of unit {} from {}", config.unitId(), file);
        return config;
    }

    /**
     * Loads a gateway file; keys left out take their documented defaults.
     *
     * @throws ConfigException listing every problem in the file
     */
    public static GatewayConfig loadGateway(Path file) {
        GatewayConfig config = RecordBinder.bind(read(file, ConfigFile.Kind.GATEWAY), GatewayConfig.class);
        Logger.debug("Loaded configuration of gateway {} from {}", config.gatewayId(), file);
        return config;
    }

    /**
     * Reads a file that should be of the {@code expected} kind. A file of the other kind gets one clear problem instead
     * of an "unknown key" for the other id plus a missing id, which would hide that simply the wrong file was given.
     */
    private static ConfigFile read(Path file, ConfigFile.Kind expected) {
        ConfigFile config = ConfigFile.read(file);
        String ownId = expected == ConfigFile.Kind.UNIT ? "unitId" : "gatewayId";
        String otherId = expected == ConfigFile.Kind.UNIT ? "gatewayId" : "unitId";
        YamlNode.Entry other = config.root().get(otherId);
        if (other != null && config.root().get(ownId) == null) {
            String kind = expected == ConfigFile.Kind.UNIT ? "unit" : "gateway";
            String otherKind = expected == ConfigFile.Kind.UNIT ? "gateway" : "unit";
            throw new ConfigException(List.of(new ConfigProblem(
                    file,
                    other.line(),
                    otherId,
                    null,
                    "makes this a " + otherKind + " file, but a " + kind + " file is expected here",
                    "a " + kind + " file, which starts with " + ownId + ":")));
        }
        return config;
    }

    /**
     * Tells whether a file configures a unit (top-level {@code unitId}) or a gateway ({@code gatewayId}).
     *
     * @throws ConfigException if the file cannot be read or parsed, or has neither or both ids
     */
    public static ConfigFile.Kind detect(Path file) {
        return ConfigFile.read(file).kind();
    }
}
