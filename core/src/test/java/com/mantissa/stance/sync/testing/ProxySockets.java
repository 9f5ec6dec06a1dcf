package com.mantissa.stance.sync.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/** The socket plumbing of {@link FaultInjectingProxy}: listening on loopback, resetting, closing. */
final class ProxySockets {
    private ProxySockets() {
    }

    static ServerSocket bind(int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException alreadyClosed) {
            // Closing below is all that is left to do.
        }
        closeQuietly(s);
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Tearing down: nothing useful to do with the failure.
        }
    }
}
