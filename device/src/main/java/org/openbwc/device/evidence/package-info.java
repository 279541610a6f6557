/**
 * The unit's evidence store: pre-event buffer, crash-safe recording, signed manifests, recovery and export.
 *
 * <p>The format these write (folder layout, journal lines, hash chain, manifest and its signature) and the code that
 * reads and verifies it are in the {@code openbwc-evidence} module, package {@link org.openbwc.evidence}, so that
 * the gateway can check an offloaded recording without the unit's code; its package comment describes the files on
 * disk. Here are what writes them ({@link org.openbwc.device.evidence.EvidenceWriter}, {@code EvidenceJournal},
 * {@code ManifestFile}), what repairs them after a crash ({@link org.openbwc.device.evidence.EvidenceRecovery}) and
 * the unit's signing key ({@link org.openbwc.device.evidence.DeviceKey}), and where the agency key its recordings are
 * encrypted to comes from ({@link org.openbwc.device.evidence.AgencyKeyFile}).
 *
 * <p>Evidence is never deleted by this package.
 */
package org.openbwc.device.evidence;
