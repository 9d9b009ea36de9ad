package io.wacanda.conversation;

import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.OutboundMessage.Button;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fits replies to a channel: splits long texts, turns buttons into a numbered menu. */
final class ReplyShaper {
  private static final String MENU_HEADER = "Reply with a number:";
  private static final Pattern MENU_LINE = Pattern.compile("^(\\d{1,2})\\. (.+)$", Pattern.MULTILINE);
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?…。](\\s)");

  private ReplyShaper() {}

  /**
   * Splits text into parts of at most {@code max} characters, preferring paragraph breaks, then
   * line breaks, then sentence ends, then spaces; never splits a surrogate pair.
   */
  static List<String> split(String text, int max) {
    List<String> parts = new ArrayList<>();
    String rest = text.strip();
    while (rest.length() > max) {
      int cut = lastBreak(rest, max);
      parts.add(rest.substring(0, cut).strip());
      rest = rest.substring(cut).strip();
    }
    if (!rest.isEmpty() || parts.isEmpty()) {
      parts.add(rest);
    }
    return parts;
  }

  private static int lastBreak(String s, int max) {
    String window = s.substring(0, max);
    int minUseful = max / 3;
    int p = window.lastIndexOf("\n\n");
    if (p >= minUseful) {
      return p;
    }
    p = window.lastIndexOf('\n');
    if (p >= minUseful) {
      return p;
    }
    int sentence = -1;
    Matcher m = SENTENCE_END.matcher(window);
    while (m.find()) {
      sentence = m.start(1);
    }
    if (sentence >= minUseful) {
      return sentence;
    }
    p = window.lastIndexOf(' ');
    if (p >= minUseful) {
      return p;
    }
    int cut = max;
    if (Character.isLowSurrogate(s.charAt(cut)) && Character.isHighSurrogate(s.charAt(cut - 1))) {
      cut--;
    }
    return cut;
  }

  /** Text with a numbered menu appended, for channels without buttons. */
  static String withMenu(String text, List<Button> buttons) {
    StringBuilder sb = new StringBuilder(text.strip());
    sb.append("\n\n").append(MENU_HEADER);
    for (int i = 0; i < buttons.size(); i++) {
      sb.append('\n').append(i + 1).append(". ").append(buttons.get(i).title());
    }
    return sb.toString();
  }

  /** Buttons cut to the channel's count and title length. */
  static List<Button> fit(List<Button> buttons, ChannelLimits limits) {
    List<Button> out = new ArrayList<>();
    for (Button b : buttons) {
      if (out.size() == limits.maxButtons()) {
        break;
      }
      String title = b.title();
      if (limits.maxButtonTitleLength() > 0 && title.length() > limits.maxButtonTitleLength()) {
        title = title.substring(0, limits.maxButtonTitleLength());
      }
      out.add(new Button(b.id(), title));
    }
    return out;
  }

  /**
   * If {@code reply} is a bare number and {@code lastBotText} ended with a numbered menu, the menu
   * entry's title.
   */
  static Optional<String> menuChoice(String reply, String lastBotText) {
    String r = reply.strip();
    if (!r.matches("\\d{1,2}") || !lastBotText.contains(MENU_HEADER)) {
      return Optional.empty();
    }
    String menu = lastBotText.substring(lastBotText.lastIndexOf(MENU_HEADER));
    Matcher m = MENU_LINE.matcher(menu);
    while (m.find()) {
      if (m.group(1).equals(String.valueOf(Integer.parseInt(r)))) {
        return Optional.of(m.group(2).strip());
      }
    }
    return Optional.empty();
  }
}
