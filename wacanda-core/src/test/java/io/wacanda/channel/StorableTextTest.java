package io.wacanda.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.rag.Answer;
import io.wacanda.rag.Document;
import io.wacanda.rag.ParsedDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Text from outside (platform messages, parsed documents, model answers) never carries U+0000:
 * PostgreSQL refuses it, which failed a webhook event for good or an ingestion with a 500.
 */
class StorableTextTest {
  private static final String NUL = "a\0b";
  private static final String REPLACED = "a\uFFFDb";

  @Test
  void inboundMessagesReplaceNulInIdsNamesAndEveryKindOfContent() {
    InboundMessage m = new InboundMessage(NUL, NUL, NUL, NUL, Instant.EPOCH,
        new MessageContent.Text(NUL), NUL);
    assertThat(List.of(m.messageId(), m.chatId(), m.senderId(), m.senderName(),
        m.replyToMessageId(), m.content().asText())).containsOnly(REPLACED);

    var media = new MessageContent.Media(MessageContent.MediaKind.IMAGE, NUL, NUL, NUL, NUL);
    assertThat(List.of(media.reference(), media.mimeType(), media.caption(), media.fileName()))
        .containsOnly(REPLACED);
    var location = new MessageContent.Location(1, 2, NUL, NUL);
    assertThat(List.of(location.name(), location.address())).containsOnly(REPLACED);
    var reply = new MessageContent.InteractiveReply(NUL, NUL);
    assertThat(List.of(reply.id(), reply.title())).containsOnly(REPLACED);
    var reaction = new MessageContent.Reaction(NUL, NUL);
    assertThat(List.of(reaction.targetMessageId(), reaction.emoji())).containsOnly(REPLACED);
    var contact = new MessageContent.Contact(NUL, NUL);
    assertThat(List.of(contact.name(), contact.phone())).containsOnly(REPLACED);
    assertThat(new MessageContent.Unsupported(NUL).platformType()).isEqualTo(REPLACED);
  }

  @Test
  void unpairedSurrogatesAreReplacedAndProperPairsKept() {
    assertThat(io.wacanda.internal.Texts.storable("a\uD800b")).isEqualTo(REPLACED);
    assertThat(io.wacanda.internal.Texts.storable("a\uDC00b")).isEqualTo(REPLACED);
    assertThat(io.wacanda.internal.Texts.storable("end \uD83D")).isEqualTo("end \uFFFD");
    assertThat(io.wacanda.internal.Texts.storable("\uDE00\uD83D\uDE00\uD83D"))
        .isEqualTo("\uFFFD\uD83D\uDE00\uFFFD"); // reversed pair, then a pair, then a lone high
    assertThat(io.wacanda.internal.Texts.storable("\0\uD83D\uDE00\0"))
        .isEqualTo("\uFFFD\uD83D\uDE00\uFFFD");
    InboundMessage m = InboundMessage.text("m\uD800", "s", "n\uDFFF", Instant.EPOCH, "hi \uD800");
    assertThat(List.of(m.messageId(), m.senderName(), m.content().asText()))
        .containsExactly("m\uFFFD", "n\uFFFD", "hi \uFFFD");
    // What was replaced can be written as UTF-8 and read back unchanged.
    String json = io.wacanda.internal.Json.writeString(m);
    assertThat(new String(json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(json);
  }

  @Test
  void problemNamesNulAndUnpairedSurrogatesAndPassesText() {
    assertThat(io.wacanda.internal.Texts.problem("a\0b")).contains("NUL");
    assertThat(io.wacanda.internal.Texts.problem("a\uD800b")).contains("unpaired surrogate")
        .contains("\\ud800");
    assertThat(io.wacanda.internal.Texts.problem("Déjà vu \uD83D\uDE00")).isNull();
  }

  @Test
  void overLongDisplayNamesAreCutWithoutSplittingASurrogatePair() {
    String name = "n".repeat(1_000);
    assertThat(InboundMessage.text("m", "s", name, Instant.EPOCH, "hi").senderName())
        .hasSize(256);
    String straddling = "n".repeat(255) + "\uD83D\uDE00" + "tail";
    assertThat(InboundMessage.text("m", "s", straddling, Instant.EPOCH, "hi").senderName())
        .isEqualTo("n".repeat(255));
    String exact = "n".repeat(254) + "\uD83D\uDE00";
    assertThat(InboundMessage.text("m", "s", exact, Instant.EPOCH, "hi").senderName())
        .isSameAs(exact);
  }

  @Test
  void textWithoutNulIsKeptAsItIs() {
    String text = "Déjà vu \uD83D\uDE00 \t tab";
    assertThat(InboundMessage.text("m", "s", "n", Instant.EPOCH, text).content().asText())
        .isSameAs(text);
  }

  @Test
  void parsedDocumentsDocumentsAndAnswersReplaceNul() {
    ParsedDocument parsed = new ParsedDocument(NUL,
        List.of(new ParsedDocument.Section(List.of(NUL), NUL)));
    assertThat(parsed.title()).isEqualTo(REPLACED);
    assertThat(parsed.sections().get(0).headingPath()).containsExactly(REPLACED);
    assertThat(parsed.sections().get(0).text()).isEqualTo(REPLACED);

    Document d = new Document("id", NUL, NUL, "text/plain", "content", Map.of());
    assertThat(List.of(d.title(), d.source())).containsOnly(REPLACED);

    assertThat(new Answer(NUL, List.of(), 0.5, Optional.empty()).text()).isEqualTo(REPLACED);
  }
}
