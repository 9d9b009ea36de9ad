package io.wacanda.whatsapp.cloud;

import java.util.Objects;

/**
 * The bytes of a media file a customer sent, fetched by its media id.
 *
 * @param mediaId the id from {@link io.wacanda.channel.MessageContent.Media#reference()}
 * @param mimeType as WhatsApp reports it, e.g. {@code image/jpeg}
 */
public record MediaDownload(String mediaId, String mimeType, byte[] bytes) {
  public MediaDownload {
    Objects.requireNonNull(mediaId, "mediaId");
    mimeType = mimeType == null ? "" : mimeType;
    Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public String toString() {
    return "MediaDownload[" + mediaId + ", " + mimeType + ", " + bytes.length + " bytes]";
  }
}
