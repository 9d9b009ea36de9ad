package io.wacanda.whatsapp.cloud;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;

/**
 * WhatsApp refused a free-form message because more than 24 hours passed since the customer's last
 * message (Graph error 131047, "re-engagement message"). Final for free-form messages: retrying
 * will not help. To reach the customer again, send an approved template with
 * {@link WhatsAppCloudChannel#sendTemplate}; the customer's reply reopens the window.
 */
public final class TemplateRequiredException extends WacandaException {
  private static final long serialVersionUID = 1L;
  /** Graph's error code for a closed customer-service window. */
  public static final int GRAPH_CODE = GraphError.REENGAGEMENT;
  private final String recipientId;

  public TemplateRequiredException(String recipientId, String detail) {
    super(ErrorCode.CHANNEL_ERROR, "the 24-hour customer service window with " + recipientId
        + " is closed (" + detail + "); only an approved template message can be sent now: "
        + "use WhatsAppCloudChannel.sendTemplate(...)");
    this.recipientId = recipientId;
  }

  /** The customer's WhatsApp id the message was for. */
  public String recipientId() {
    return recipientId;
  }
}
