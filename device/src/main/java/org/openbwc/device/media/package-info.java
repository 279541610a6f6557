/**
 * The video pipeline: camera and microphone to one fragmented-MP4 (CMAF-style) stream that the pre-event buffer,
 * the evidence writer and the live uplink all consume.
 * <pre>
 * V4L2 camera / lavfi testsrc2 --grab (YUV420P)--> drawtext overlay --copy into a slot--> bounded queue --+
 * ALSA mic / lavfi sine --------grab (S16)-------> silence unless audioAllowed --> queue ----------------+
 *                                                                                                        v
 *            FragmentSink <-- FragmentSplitter <-- FFmpegFrameRecorder (H.264 + AAC, mp4, frag_keyframe+empty_moov
 *            (onInit, onFragment on the encoder thread)                  +default_base_moof, frag_duration, flush_packets)
 * </pre>
 * {@link org.openbwc.device.media.MediaPipeline} runs it, {@link org.openbwc.device.media.EncoderSettings} says
 * how, {@link org.openbwc.device.media.FragmentSplitter} cuts the muxer's bytes into
 * {@link org.openbwc.device.media.InitSegment} and {@link org.openbwc.device.media.Fragment}s.
 * {@link org.openbwc.device.media.PipelineTrial} and {@link org.openbwc.device.media.FfmpegCli} serve benchmarks.
 * <p>
 * The default natives are LGPL and encode with openh264; {@code -Pgpl} swaps in the natives that also have libx264.
 */
package org.openbwc.device.media;
