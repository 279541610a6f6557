package org.openbwc.launcher;

import picocli.CommandLine;

/** Reports the build version from the jar manifest. */
final class BwcVersion {
    private BwcVersion() {}

    static String version() {
        String v = BwcVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** {@code bwc --version}; a class of its own so that a unit, which only needs {@link #version()}, loads no CLI code. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bwc " + version(), "Java " + Runtime.version()};
        }
    }
}
