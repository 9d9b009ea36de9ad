package io.wacanda.handoff;

/** OPEN waits for an agent; CLAIMED is owned by one; RESOLVED gives the session back to the bot. */
public enum HandoffStatus {
  OPEN,
  CLAIMED,
  RESOLVED
}
