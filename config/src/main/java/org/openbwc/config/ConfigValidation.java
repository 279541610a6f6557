package org.openbwc.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks configuration files without starting anything, for {@code bwc config validate FILE...}. */
public final class ConfigValidation {

    private ConfigValidation() {}

    /**
     * Checks each file as a unit or gateway file, whichever its top level says.
     *
     * @return every problem of every file, file by file in the given order and by line within a file; empty if all
     *     files are valid
     */
    public static List<ConfigProblem> validate(List<Path> files) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                ConfigFile config = ConfigFile.read(file);
                switch (config.kind()) {
                    case UNIT -> RecordBinder.bind(config, UnitConfig.class);
                    case GATEWAY -> RecordBinder.bind(config, GatewayConfig.class);
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        return List.copyOf(problems);
    }
}
