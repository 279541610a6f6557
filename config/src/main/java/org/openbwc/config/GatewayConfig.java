package org.openbwc.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Complete configuration of a gateway. The constructor fills an absent {@code mqtt.clientId} with the gateway id, so
 * the effective configuration always has one.
 */
@CrossCheck(GatewayConfig.Listeners.class)
public record GatewayConfig(
        @Doc("Identifier of this gateway; it appears in MQTT topics and the gateway's records.")
        @Pattern(regex = IdFormat.REGEX, allowed = IdFormat.ALLOWED)
        String gatewayId,

        @Doc("The gateway's own connection to the MQTT broker (the embedded one or an external one).")
        MqttConfig mqtt,

        @Doc("Optional MQTT 5 broker inside the gateway process.")
        BrokerConfig broker,

        @Doc("Web console and HTTP API.") HttpConfig http,

        @Doc("How long the gateway waits for a unit to acknowledge a command before reporting it as failed.")
        @DefaultValue("5000")
        @IntRange(min = 200, max = 60000)
        int commandTimeoutMillis,

        @Doc("Largest MQTT message accepted from a unit; larger ones are dropped and logged.")
        @DefaultValue("65536")
        @IntRange(min = 1024, max = 16_777_216)
        int maxPayloadBytes,

        @Doc("Directory for the gateway's database and uploads. A relative path is relative to the working directory of"
                + " the process.")
        @DefaultValue("gateway-data")
        @TextLength(min = 1, max = 4096)
        String dataDir,

        @Doc("Operators' accounts and sessions.") AuthConfig auth,
        @Doc("The monitoring room's fleet map.") MapConfig map,
        @Doc("Live video from units.") LiveConfig live,

        @Doc("The agency PKI: CA, server certificates, unit certificates.")
        PkiConfig pki,

        @Doc("What raises an alert in the monitoring room.") AlertsConfig alerts,

        @Doc("The database that holds the evidence index.") DatabaseConfig database,

        @Doc("Where offloaded, verified evidence is kept: a folder on this machine or an S3 bucket.")
        EvidenceStoreConfig evidence,

        @Doc("How long recordings are kept, by category, and when the daily retention sweep deletes the rest.")
        RetentionConfig retention,

        @Doc("The agency's keys: the public key units encrypt their recordings to (given to them at enrolment), and"
                + " the private keys, if any, this gateway decrypts with.")
        EncryptionConfig encryption,

        @Doc("Officers assigned to units: what docking does to an assignment.")
        OfficersConfig officers,

        @Doc("Dispatching officers to incidents from the monitoring room.")
        DispatchConfig dispatch) {

    public GatewayConfig {
        Constraints.check(
                GatewayConfig.class,
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
        if (mqtt.clientId() == null) {
            mqtt = mqtt.withClientId(gatewayId);
        }
    }

    /** A gateway with every documented default; its MQTT client id is the gateway id. */
    public static GatewayConfig defaults(String gatewayId) {
        return (GatewayConfig)
                RecordSpec.of(GatewayConfig.class).defaults(Map.of("gatewayId", Objects.requireNonNull(gatewayId)));
    }

    /** Copy with another gateway id; an MQTT client id that followed the old id follows the new one. */
    public GatewayConfig withGatewayId(String newGatewayId) {
        MqttConfig newMqtt = Objects.equals(mqtt.clientId(), gatewayId) ? mqtt.withClientId(null) : mqtt;
        return new GatewayConfig(
                newGatewayId,
                newMqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with other MQTT settings; a null client id in them becomes the gateway id. */
    public GatewayConfig withMqtt(MqttConfig newMqtt) {
        return new GatewayConfig(
                gatewayId,
                newMqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with other embedded-broker settings. */
    public GatewayConfig withBroker(BrokerConfig newBroker) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                newBroker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with other HTTP settings. */
    public GatewayConfig withHttp(HttpConfig newHttp) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                newHttp,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with another data directory. */
    public GatewayConfig withDataDir(String newDataDir) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                newDataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with other sign-in settings. */
    public GatewayConfig withAuth(AuthConfig newAuth) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                newAuth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with other map settings. */
    public GatewayConfig withMap(MapConfig newMap) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                newMap,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with other live-video settings. */
    public GatewayConfig withLive(LiveConfig newLive) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                newLive,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** The wss:// base URL units open their live uplink to: {@code live.uplinkUrl}, or the units' listener. */
    public String uplinkBaseUrl() {
        if (live.uplinkUrl() != null) {
            return live.uplinkUrl().endsWith("/")
                    ? live.uplinkUrl().substring(0, live.uplinkUrl().length() - 1)
                    : live.uplinkUrl();
        }
        String host = http.host().equals("0.0.0.0") || http.host().equals("::") ? "127.0.0.1" : http.host();
        return "wss://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + http.unitPort();
    }

    /** Copy with other PKI settings. */
    public GatewayConfig withPki(PkiConfig newPki) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                newPki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with other alert settings. */
    public GatewayConfig withAlerts(AlertsConfig newAlerts) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                newAlerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with another database. */
    public GatewayConfig withDatabase(DatabaseConfig newDatabase) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                newDatabase,
                evidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with another evidence store. */
    public GatewayConfig withEvidence(EvidenceStoreConfig newEvidence) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                newEvidence,
                retention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with other retention settings. */
    public GatewayConfig withRetention(RetentionConfig newRetention) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                newRetention,
                encryption,
                officers,
                dispatch);
    }

    /** Copy with other agency keys. */
    public GatewayConfig withEncryption(EncryptionConfig newEncryption) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                newEncryption,
                officers,
                dispatch);
    }

    /** Copy with another officer policy. */
    public GatewayConfig withOfficers(OfficersConfig newOfficers) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                newOfficers,
                dispatch);
    }

    /** Where a file evidence store keeps recordings: {@code evidence.path}, or evidence in the data directory. */
    /** Copy with other dispatch settings. */
    public GatewayConfig withDispatch(DispatchConfig newDispatch) {
        return new GatewayConfig(
                gatewayId,
                mqtt,
                broker,
                http,
                commandTimeoutMillis,
                maxPayloadBytes,
                dataDir,
                auth,
                map,
                live,
                pki,
                alerts,
                database,
                evidence,
                retention,
                encryption,
                officers,
                newDispatch);
    }

    public Path evidenceDir() {
        return evidence.path() == null ? Path.of(dataDir).resolve("evidence") : Path.of(evidence.path());
    }

    /** Where the agency CA and the gateway's own certificates are: {@code <dataDir>/pki}. */
    public Path pkiDir() {
        return Path.of(dataDir).resolve("pki");
    }

    /** Where the gateway's own secrets (audit keys) are: {@code <dataDir>/keys}. */
    public Path keysDir() {
        return Path.of(dataDir).resolve("keys");
    }

    /** Where the operators' accounts are: {@code auth.usersFile}, or users.yaml in the data directory. */
    public Path usersFile() {
        return auth.usersFile() == null ? Path.of(dataDir).resolve("users.yaml") : Path.of(auth.usersFile());
    }

    /** The rules over the gateway's listeners. */
    static final class Listeners implements CrossRule {
        @Override
        public void check(ValueLookup values, List<Violation> out) {
            new DistinctPorts().check(values, out);
            new PlainHttpOnLoopback().check(values, out);
        }
    }

    /** The embedded broker, the HTTP server and the uplink listener cannot share a port of one address. */
    static final class DistinctPorts implements CrossRule {
        @Override
        public void check(ValueLookup values, List<Violation> out) {
            if (Boolean.TRUE.equals(values.get("broker.embedded"))
                    && values.get("broker.port") instanceof Integer brokerPort
                    && values.get("http.port") instanceof Integer httpPort
                    && brokerPort.equals(httpPort)
                    && sameAddress(values.get("broker.host"), values.get("http.host"))) {
                out.add(new Violation(
                        "http.port",
                        String.valueOf(httpPort),
                        "is already used by",
                        "a port other than " + brokerPort,
                        "broker"));
            }
            if (values.get("http.unitPort") instanceof Integer unitPort) {
                if (values.get("http.port") instanceof Integer httpPort && unitPort.equals(httpPort)) {
                    out.add(new Violation(
                            "http.unitPort", String.valueOf(unitPort), "is already used by", "another port", "http"));
                } else if (Boolean.TRUE.equals(values.get("broker.embedded"))
                        && values.get("broker.port") instanceof Integer brokerPort
                        && unitPort.equals(brokerPort)) {
                    out.add(new Violation(
                            "http.unitPort", String.valueOf(unitPort), "is already used by", "another port", "broker"));
                }
            }
        }

        private static boolean sameAddress(Object a, Object b) {
            if (!(a instanceof String x) || !(b instanceof String y)) {
                return false;
            }
            // A wildcard address also covers every specific one.
            return x.equals(y) || isWildcard(x) || isWildcard(y);
        }

        private static boolean isWildcard(String host) {
            return host.equals("0.0.0.0") || host.equals("::");
        }
    }

    /** Plain HTTP carries passwords and session cookies in clear, so it may not leave the machine. */
    static final class PlainHttpOnLoopback implements CrossRule {
        @Override
        public void check(ValueLookup values, List<Violation> out) {
            Object host = values.get("http.host");
            Object https = values.get("http.https");
            if (host instanceof String h && Boolean.FALSE.equals(https)) {
                if (!(h.equals("127.0.0.1") || h.equals("::1") || h.equals("[::1]") || h.equals("localhost"))) {
                    out.add(new Violation(
                            "http.https",
                            "false",
                            "must be true when http.host is " + h
                                    + ": plain HTTP would carry passwords and session cookies over the network",
                            "true, or http.host 127.0.0.1 for a console reached only from this machine"));
                }
            }
        }
    }
}
