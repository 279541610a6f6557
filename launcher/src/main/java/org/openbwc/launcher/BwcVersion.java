package org.openbwc.launcher;

import picocli.CommandLine;

/** Reports the build version from the jar manifest. */
final class BwcVersion implements CommandLine.IVersionProvider {
    static String version() {
        String v = Bwc.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"bwc " + version(), "Java " + Runtime.version()};
    }
}
