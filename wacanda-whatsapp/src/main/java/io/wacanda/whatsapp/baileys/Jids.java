package io.wacanda.whatsapp.baileys;

import java.util.Locale;

/** WhatsApp JIDs: {@code <digits>@s.whatsapp.net}, {@code <id>@lid}, {@code <id>@g.us}. */
final class Jids {
  static final String PERSON = "@s.whatsapp.net";
  static final String LID = "@lid";
  static final String GROUP = "@g.us";
  static final String BROADCAST = "@broadcast";

  private Jids() {}

  static boolean isGroup(String jid) {
    return jid.toLowerCase(Locale.ROOT).endsWith(GROUP);
  }

  static boolean isLid(String jid) {
    return jid.toLowerCase(Locale.ROOT).endsWith(LID);
  }

  static boolean isPerson(String jid) {
    return jid.toLowerCase(Locale.ROOT).endsWith(PERSON);
  }

  static boolean isBroadcast(String jid) {
    return jid.toLowerCase(Locale.ROOT).endsWith(BROADCAST);
  }

  /** The phone digits of a person JID ({@code 5511...@s.whatsapp.net}, device suffix dropped). */
  static String phone(String jid) {
    String user = jid.contains("@") ? jid.substring(0, jid.indexOf('@')) : jid;
    int colon = user.indexOf(':');
    if (colon >= 0) {
      user = user.substring(0, colon);
    }
    return user.replaceAll("[^0-9]", "");
  }

  /**
   * What to put in a send's {@code number}: digits for a phone (JID or {@code +55 11 ...}), the
   * full JID for groups and LIDs.
   */
  static String number(String chatId) {
    String c = chatId.strip();
    if (c.contains("@")) {
      return isPerson(c) ? phone(c) : c;
    }
    return c.replaceAll("[^0-9]", "");
  }
}
