package org.openbwc.device.mqtt;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;

/** What the link needs around Paho's API: action listeners from lambdas, MQTT 5 reason codes, readable errors. */
final class Paho {
    private Paho() {}

    /** The first MQTT 5 reason code that means failure (0x80 and up), or -1. */
    static int firstErrorCode(int[] reasonCodes) {
        if (reasonCodes == null) return -1;
        for (int code : reasonCodes) if (code >= 0x80) return code;
        return -1;
    }

    /** The error's message and, when the cause says more, its root cause's. */
    static String describe(Throwable error) {
        if (error == null) return "no reason given";
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return root == error || root.getMessage() == null ? message : message + ": " + root.getMessage();
    }

    static MqttActionListener listener(Consumer<IMqttToken> onSuccess, BiConsumer<IMqttToken, Throwable> onFailure) {
        return new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                onSuccess.accept(token);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable error) {
                onFailure.accept(token, error);
            }
        };
    }
}
