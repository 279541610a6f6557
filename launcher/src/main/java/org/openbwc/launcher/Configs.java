package org.openbwc.launcher;

import java.nio.file.Path;
import java.util.stream.Collectors;
import org.openbwc.config.ConfigException;
import org.openbwc.config.ConfigLoader;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.UnitConfig;

/** Loads config files for the CLI, turning validation failures into the same listing as {@code bwc config validate}. */
final class Configs {
    private Configs() {}

    static UnitConfig loadUnit(Path file) {
        try {
            return ConfigLoader.loadUnit(file);
        } catch (ConfigException e) {
            throw invalid(e);
        }
    }

    static GatewayConfig loadGateway(Path file) {
        try {
            return ConfigLoader.loadGateway(file);
        } catch (ConfigException e) {
            throw invalid(e);
        }
    }

    private static UserFacingException invalid(ConfigException e) {
        String list = e.problems().stream().map(Object::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
        return new UserFacingException("invalid configuration:" + list, 2, e);
    }
}
