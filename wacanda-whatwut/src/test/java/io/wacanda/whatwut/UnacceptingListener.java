package io.wacanda.whatwut;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose accept queue is full, so a new connection attempt hangs until the client's
 * connect timeout: a fast, local stand-in for a host that does not answer. The listener never
 * accepts; filler connections occupy its backlog.
 */
final class UnacceptingListener implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> fillers = new ArrayList<>();

  UnacceptingListener() {
    try {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      for (int i = 0; i < 8; i++) {
        Socket s = new Socket();
        try {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
              200);
          fillers.add(s);
        } catch (SocketTimeoutException full) {
          s.close();
          return; // the queue is full: the next connection attempt will hang
        }
      }
      throw new IllegalStateException("the accept queue never filled up");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    server.close();
  }
}
