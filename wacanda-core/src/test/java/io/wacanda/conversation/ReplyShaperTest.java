package io.wacanda.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.OutboundMessage.Button;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyShaperTest {

  @Test
  void keepsShortTextsWhole() {
    assertThat(ReplyShaper.split("Hello there.", 4096)).containsExactly("Hello there.");
  }

  @Test
  void splitsAtParagraphsThenSentencesAndNeverExceedsTheLimit() {
    String para = "First sentence here. Second sentence follows. ".repeat(40);
    String text = para + "\n\n" + para;
    List<String> parts = ReplyShaper.split(text, 500);
    assertThat(parts).hasSizeGreaterThan(4).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(500));
    assertThat(parts).allSatisfy(p -> assertThat(p).endsWith("."));
    assertThat(String.join(" ", parts).replaceAll("\\s+", " "))
        .isEqualTo(text.strip().replaceAll("\\s+", " "));
  }

  @Test
  void cutsUnbrokenTextWithoutSplittingSurrogatePairs() {
    String emoji = "😀".repeat(100); // 200 chars, no spaces
    List<String> parts = ReplyShaper.split(emoji, 51);
    assertThat(parts).allSatisfy(p -> {
      assertThat(p.length()).isLessThanOrEqualTo(51);
      assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
    });
    assertThat(String.join("", parts)).isEqualTo(emoji);
  }

  @Test
  void rendersButtonsAsANumberedMenuAndResolvesNumberReplies() {
    String text = ReplyShaper.withMenu("Not sure.", List.of(new Button("a", "Talk to a person"),
        new Button("b", "Track my order")));
    assertThat(text).contains("1. Talk to a person").contains("2. Track my order");
    assertThat(ReplyShaper.menuChoice("2", text)).contains("Track my order");
    assertThat(ReplyShaper.menuChoice(" 1 ", text)).contains("Talk to a person");
    assertThat(ReplyShaper.menuChoice("3", text)).isEmpty();
    assertThat(ReplyShaper.menuChoice("1", "no menu here")).isEmpty();
  }

  @Test
  void fitsButtonsToTheChannel() {
    List<Button> fitted = ReplyShaper.fit(List.of(new Button("1", "A very long button title indeed"),
        new Button("2", "b"), new Button("3", "c"), new Button("4", "d")),
        new ChannelLimits(4096, 3, 20, true));
    assertThat(fitted).hasSize(3);
    assertThat(fitted.get(0).title()).hasSize(20);
  }
}
