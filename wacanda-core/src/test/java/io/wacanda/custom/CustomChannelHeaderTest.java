package io.wacanda.custom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CustomChannelHeaderTest {

  @Test
  void keepsPlainKeysAsTheWebhookId() {
    assertThat(CustomChannel.headerSafe("out:int_1:m-1:0")).isEqualTo("out:int_1:m-1:0");
  }

  @Test
  void hashesKeysThatCannotBeAHeaderValueStably() {
    String weird = "out:int_1:línea\nnueva 👋:0";
    assertThat(CustomChannel.headerSafe(weird)).startsWith("sha256:").hasSize(71)
        .isEqualTo(CustomChannel.headerSafe(weird));
    assertThat(CustomChannel.headerSafe("x".repeat(300))).startsWith("sha256:");
    assertThat(CustomChannel.headerSafe("")).startsWith("sha256:");
  }
}
