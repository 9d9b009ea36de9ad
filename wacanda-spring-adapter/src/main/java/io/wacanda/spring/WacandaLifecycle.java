package io.wacanda.spring;

import io.wacanda.Wacanda;
import org.springframework.context.SmartLifecycle;

/**
 * Ties the Wacanda runtime to the application context: {@link Wacanda#start()} (inbox workers,
 * channels, housekeeping) once every bean is ready, and {@link Wacanda#close()} (stop claiming,
 * drain in-flight inbox events, close channels) on shutdown. Its phase is below the web server's,
 * so workers start before the port opens and are drained only after the server stopped taking
 * requests.
 */
final class WacandaLifecycle implements SmartLifecycle {
  /** Below the web server's start/stop phase ({@code DEFAULT_PHASE - 2048}). */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final Wacanda wacanda;
  private volatile boolean running;

  WacandaLifecycle(Wacanda wacanda) {
    this.wacanda = wacanda;
  }

  @Override
  public void start() {
    wacanda.start();
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    wacanda.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
