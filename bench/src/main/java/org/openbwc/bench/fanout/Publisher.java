package org.openbwc.bench.fanout;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/** A publishing connection shared by many units; caps its in-flight QoS 1 messages below the broker's limit. */
final class Publisher {
    private final FanoutBench bench;
    final MqttAsyncClient client;
    final Semaphore inflight;
    final int slots;

    Publisher(FanoutBench bench, int n) throws MqttException {
        this.bench = bench;
        int[] rm = new int[1];
        client = bench.connect("fanpub-" + bench.run + "-" + n, new Quiet(null), rm);
        // Stay a little below the broker's Receive Maximum (Mosquitto: max_inflight_messages, default 20).
        slots = bench.inflightCap > 0 ? bench.inflightCap : Math.max(1, Math.min(rm[0], 1000) - 2);
        inflight = new Semaphore(slots);
    }

    void publish(String topic, byte[] payload, boolean retained) throws InterruptedException {
        publish(topic, payload, retained, -1, 0);
    }

    /** {@code idx} >= 0: record in {@link #written} when Paho has written it to the socket (QoS 0 only). */
    void publish(String topic, byte[] payload, boolean retained, int idx, long stamp) throws InterruptedException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(bench.qos);
        m.setRetained(retained);
        if (bench.qos == 0) {
            try {
                if (idx < 0) {
                    client.publish(topic, m);
                } else {
                    client.publish(topic, m, null, new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken t) {
                            bench.written[idx] = Math.max(0, FanoutBench.wallMicros() - stamp);
                        }

                        @Override
                        public void onFailure(IMqttToken t, Throwable e) {
                            bench.publishErrors.incrementAndGet();
                        }
                    });
                }
            } catch (MqttException e) {
                bench.publishErrors.incrementAndGet();
            }
            return;
        }
        if (!inflight.tryAcquire()) {
            long w = System.nanoTime();
            inflight.acquire();
            bench.inflightWaitNanos.addAndGet(System.nanoTime() - w);
        }
        for (int attempt = 0; ; attempt++) {
            try {
                client.publish(topic, m, null, new MqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken t) {
                        inflight.release();
                        // Mosquitto answers a publish it will not forward (e.g. 0x97 quota exceeded) with a PUBACK
                        // carrying an error code, which Paho still reports as success.
                        if (t.getResponse() instanceof org.eclipse.paho.mqttv5.common.packet.MqttPubAck ack
                                && ack.getReturnCode() >= 0x80) {
                            bench.pubackRefused.incrementAndGet();
                            bench.lastRefusal = ack.getReturnCode();
                        }
                    }

                    @Override
                    public void onFailure(IMqttToken t, Throwable e) {
                        inflight.release();
                        bench.publishErrors.incrementAndGet();
                    }
                });
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() == 32202 /* max in-flight */ && attempt < 200) {
                    bench.publishRetries.incrementAndGet();
                    LockSupport.parkNanos(100_000);
                    continue;
                }
                inflight.release();
                bench.publishErrors.incrementAndGet();
                return;
            }
        }
    }

    void awaitIdle(long millis) throws InterruptedException {
        // Take every permit back: all in-flight publishes are acknowledged.
        if (inflight.tryAcquire(slots, millis, TimeUnit.MILLISECONDS)) inflight.release(slots);
    }
}
