package org.openbwc.config;

import java.util.Map;
import java.util.Objects;

/**
 * Complete configuration of one body-worn camera unit. The constructor fills an absent {@code mqtt.clientId} with the
 * unit id, so the effective configuration always has one.
 */
public record UnitConfig(
        @Doc("Identifier of this unit; it appears in every MQTT topic and recording of the unit.")
        @Pattern(regex = IdFormat.REGEX, allowed = IdFormat.ALLOWED)
        String unitId,

        @Doc("Identifier of the officer the unit is issued to; empty while unassigned.")
        @DefaultValue("")
        @TextLength(max = 64)
        String officerId,

        @Doc("Hardware layer: pi drives the real Raspberry Pi hardware, mock simulates it (for laptops and tests).")
        @DefaultValue("pi")
        HalMode hal,

        @Doc("Directory for recordings, the pre-event buffer and state. A relative path is relative to the working"
                + " directory of the process.")
        @DefaultValue("data")
        @TextLength(min = 1, max = 4096)
        String dataDir,

        @Doc("Connection to the gateway's MQTT broker.") MqttConfig mqtt,
        @Doc("Recording buffer and button timings.") RecordingConfig recording,

        @Doc("Status and location reporting, and warning thresholds.")
        TelemetryConfig telemetry,

        @Doc("Pin assignments of buttons, inputs, LEDs, vibration motor and battery gauge (used when hal is pi).")
        GpioConfig gpio,

        @Doc("Position source.") GnssConfig gnss,
        @Doc("Camera capture and H.264 encoding.") VideoConfig video,
        @Doc("Microphone capture and AAC encoding.") AudioConfig audio,

        @Doc("Evidence storage: segments, limits, storage reserve.")
        EvidenceConfig evidence,

        @Doc("Simulated hardware (used when hal is mock).") MockConfig mock,

        @Doc("Enrolment with the agency's gateway at first boot: where to ask for the unit's certificate, with which"
                + " one-time token, and which agency CA to trust.")
        EnrolmentConfig enrolment,

        @Doc("Live video: where the unit may send it.") UnitLiveConfig live,

        @Doc("Offload: when and where the unit sends its sealed recordings.")
        OffloadConfig offload) {

    public UnitConfig {
        Constraints.check(
                UnitConfig.class,
                unitId,
                officerId,
                hal,
                dataDir,
                mqtt,
                recording,
                telemetry,
                gpio,
                gnss,
                video,
                audio,
                evidence,
                mock,
                enrolment,
                live,
                offload);
        if (mqtt.clientId() == null) {
            mqtt = mqtt.withClientId(unitId);
        }
    }

    /** A unit with every documented default; its MQTT client id is the unit id. */
    public static UnitConfig defaults(String unitId) {
        return (UnitConfig) RecordSpec.of(UnitConfig.class).defaults(Map.of("unitId", Objects.requireNonNull(unitId)));
    }

    /** Copy with another unit id; an MQTT client id that followed the old unit id follows the new one. */
    public UnitConfig withUnitId(String newUnitId) {
        MqttConfig newMqtt = Objects.equals(mqtt.clientId(), unitId) ? mqtt.withClientId(null) : mqtt;
        return new UnitConfig(
                newUnitId, officerId, hal, dataDir, newMqtt, recording, telemetry, gpio, gnss, video, audio, evidence,
                mock, enrolment, live, offload);
    }

    /** Copy with another officer id. */
    public UnitConfig withOfficerId(String newOfficerId) {
        return new UnitConfig(
                unitId,
                newOfficerId,
                hal,
                dataDir,
                mqtt,
                recording,
                telemetry,
                gpio,
                gnss,
                video,
                audio,
                evidence,
                mock,
                enrolment,
                live,
                offload);
    }

    /** Copy with another hardware layer. */
    public UnitConfig withHal(HalMode newHal) {
        return new UnitConfig(
                unitId, officerId, newHal, dataDir, mqtt, recording, telemetry, gpio, gnss, video, audio, evidence,
                mock, enrolment, live, offload);
    }

    /** Copy with another data directory. */
    public UnitConfig withDataDir(String newDataDir) {
        return new UnitConfig(
                unitId,
                officerId,
                hal,
                newDataDir,
                mqtt,
                recording,
                telemetry,
                gpio,
                gnss,
                video,
                audio,
                evidence,
                mock,
                enrolment,
                live,
                offload);
    }

    /** Copy with other MQTT settings; a null client id in them becomes the unit id. */
    public UnitConfig withMqtt(MqttConfig newMqtt) {
        return new UnitConfig(
                unitId, officerId, hal, dataDir, newMqtt, recording, telemetry, gpio, gnss, video, audio, evidence,
                mock, enrolment, live, offload);
    }

    /** Copy with other recording settings. */
    public UnitConfig withRecording(RecordingConfig newRecording) {
        return new UnitConfig(
                unitId,
                officerId,
                hal,
                dataDir,
                mqtt,
                newRecording,
                telemetry,
                gpio,
                gnss,
                video,
                audio,
                evidence,
                mock,
                enrolment,
                live,
                offload);
    }

    /** Copy with other telemetry settings. */
    public UnitConfig withTelemetry(TelemetryConfig newTelemetry) {
        return new UnitConfig(
                unitId,
                officerId,
                hal,
                dataDir,
                mqtt,
                recording,
                newTelemetry,
                gpio,
                gnss,
                video,
                audio,
                evidence,
                mock,
                enrolment,
                live,
                offload);
    }

    /** Copy with other pin assignments. */
    public UnitConfig withGpio(GpioConfig newGpio) {
        return new UnitConfig(
                unitId, officerId, hal, dataDir, mqtt, recording, telemetry, newGpio, gnss, video, audio, evidence,
                mock, enrolment, live, offload);
    }

    /** Copy with another position source. */
    public UnitConfig withGnss(GnssConfig newGnss) {
        return new UnitConfig(
                unitId, officerId, hal, dataDir, mqtt, recording, telemetry, gpio, newGnss, video, audio, evidence,
                mock, enrolment, live, offload);
    }

    /** Copy with other simulated-hardware settings. */
    public UnitConfig withMock(MockConfig newMock) {
        return new UnitConfig(
                unitId, officerId, hal, dataDir, mqtt, recording, telemetry, gpio, gnss, video, audio, evidence,
                newMock, enrolment, live, offload);
    }

    /** Copy with other video settings. */
    public UnitConfig withVideo(VideoConfig newVideo) {
        return new UnitConfig(
                unitId, officerId, hal, dataDir, mqtt, recording, telemetry, gpio, gnss, newVideo, audio, evidence,
                mock, enrolment, live, offload);
    }

    /** Copy with other audio settings. */
    public UnitConfig withAudio(AudioConfig newAudio) {
        return new UnitConfig(
                unitId, officerId, hal, dataDir, mqtt, recording, telemetry, gpio, gnss, video, newAudio, evidence,
                mock, enrolment, live, offload);
    }

    /** Copy with other evidence settings. */
    public UnitConfig withEvidence(EvidenceConfig newEvidence) {
        return new UnitConfig(
                unitId,
                officerId,
                hal,
                dataDir,
                mqtt,
                recording,
                telemetry,
                gpio,
                gnss,
                video,
                audio,
                newEvidence,
                mock,
                enrolment,
                live,
                offload);
    }

    /** Copy with other enrolment settings. */
    public UnitConfig withEnrolment(EnrolmentConfig newEnrolment) {
        return new UnitConfig(
                unitId,
                officerId,
                hal,
                dataDir,
                mqtt,
                recording,
                telemetry,
                gpio,
                gnss,
                video,
                audio,
                evidence,
                mock,
                newEnrolment,
                live,
                offload);
    }

    /** Copy with other live-video settings. */
    public UnitConfig withLive(UnitLiveConfig newLive) {
        return new UnitConfig(
                unitId, officerId, hal, dataDir, mqtt, recording, telemetry, gpio, gnss, video, audio, evidence, mock,
                enrolment, newLive, offload);
    }

    /** Copy with other offload settings. */
    public UnitConfig withOffload(OffloadConfig newOffload) {
        return new UnitConfig(
                unitId,
                officerId,
                hal,
                dataDir,
                mqtt,
                recording,
                telemetry,
                gpio,
                gnss,
                video,
                audio,
                evidence,
                mock,
                enrolment,
                live,
                newOffload);
    }
}
