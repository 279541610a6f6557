package org.openbwc.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The agency PKI kept in the gateway's data directory ({@code <dataDir>/pki/}, made by {@code bwc pki init}). */
public record PkiConfig(
        @Doc("Agency name written into the CA and every certificate it issues (used by `bwc pki init`).")
        @DefaultValue("openbwc agency")
        @TextLength(min = 1, max = 64)
        String agencyName,

        @Doc("Comma-separated host names and IP addresses units and browsers use to reach this gateway, e.g."
                + " \"gateway.police.local, 10.20.0.5\"; the gateway's server certificate (MQTT, uplink, HTTPS) is"
                + " issued for them.")
        @DefaultValue("localhost, 127.0.0.1")
        @Pattern(
                regex = "[A-Za-z0-9.:\\-]+(\\s*,\\s*[A-Za-z0-9.:\\-]+)*",
                allowed = "host names or IP addresses separated by commas")
        String serverHosts,

        @Doc("Days a server or gateway certificate issued by the agency CA stays valid; the gateway renews its own"
                + " server certificates at start when less than a third is left.")
        @DefaultValue("397")
        @IntRange(min = 1, max = 3650)
        int serverCertificateDays,

        @Doc("Days a unit's certificate stays valid.") @DefaultValue("1825") @IntRange(min = 1, max = 7300)
        int unitCertificateDays) {

    public PkiConfig {
        Constraints.check(PkiConfig.class, agencyName, serverHosts, serverCertificateDays, unitCertificateDays);
    }

    /** The server host names as a list. */
    public List<String> serverHostList() {
        List<String> out = new ArrayList<>();
        for (String h : serverHosts.split(",")) if (!h.isBlank()) out.add(h.trim());
        return out;
    }

    public static PkiConfig defaults() {
        return (PkiConfig) RecordSpec.of(PkiConfig.class).defaults(Map.of());
    }
}
