package org.openbwc.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Finds out before starting anything whether a TCP port can be bound, so a clash is reported by name. */
final class PortCheck {
    private PortCheck() {}

    static boolean isFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port the OS considers free right now on host. */
    static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UserFacingException("cannot find a free TCP port on " + host + ": " + e.getMessage(), 1, e);
        }
    }

    /** Fails with the port's purpose and the option that picks another. */
    static void requireFree(String host, int port, String purpose, String option) {
        if (!isFree(host, port)) {
            throw new UserFacingException(
                    "port " + port + " on " + host + " (" + purpose + ") is already in use; "
                            + "stop whatever uses it or choose another with " + option + " PORT",
                    3);
        }
    }
}
