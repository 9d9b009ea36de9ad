package io.wacanda.whatsapp.baileys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.Result;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.wacanda.WacandaException;
import io.wacanda.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** What the renderer draws decodes back, with ZXing, to the same string. */
class QrCodeTest {
  /** A real Evolution login code's shape (ref, public key, identity key, adv secret). */
  private static final String LOGIN = "2@y8Qz3vFJk7cT0lZx1yPq9aWm4sHn6bEr2dGu5iKo8jLp3fVw7tMe1cNx"
      + "0hBz9gSa,R3p5mJq8vYw2ZtK6nF1xH4bC7dL9gE0sA=,Yk4uT7pW2qN8vM1cZ6xB3jH9fR5dL0gS=,"
      + "Q8wE1rT4yU7iO0pA3sD6fG9hJ2kL5zX=";

  private static String decode(BufferedImage img) throws Exception {
    int[] pixels = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    LuminanceSource source = new RGBLuminanceSource(img.getWidth(), img.getHeight(), pixels);
    Result r = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)),
        Map.of(DecodeHintType.PURE_BARCODE, Boolean.FALSE, DecodeHintType.TRY_HARDER,
            Boolean.TRUE));
    return r.getText();
  }

  @Test
  void thePngDecodesToTheLoginCode() throws Exception {
    byte[] png = QrCode.encode(LOGIN).toPng();

    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    assertThat(decode(ImageIO.read(new ByteArrayInputStream(png)))).isEqualTo(LOGIN);
  }

  @Test
  void theFixturesQrCodeDecodesToo() throws Exception {
    String code = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(Fixtures.bytes("baileys-gateway/qrcode_updated.json"))
        .path("data").path("qrcode").path("code").asText();

    assertThat(decode(ImageIO.read(new ByteArrayInputStream(QrCode.encode(code).toPng(3)))))
        .isEqualTo(code);
  }

  @Test
  void theTerminalTextDecodesToTheSameString() throws Exception {
    for (boolean dark : new boolean[] {true, false}) {
      String text = QrCode.encode(LOGIN).toTerminal(dark);
      assertThat(decode(fromTerminal(text, dark))).isEqualTo(LOGIN);
    }
  }

  @Test
  void unicodeSurvivesTheRoundTrip() throws Exception {
    String s = "Olá, você — 👍";
    assertThat(decode(ImageIO.read(new ByteArrayInputStream(QrCode.encode(s).toPng()))))
        .isEqualTo(s);
  }

  @Test
  void rejectsBlankAndOversizedPayloadsAndBadScales() {
    assertThatThrownBy(() -> QrCode.encode(" ")).isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> QrCode.encode("x".repeat(QrCode.MAX_PAYLOAD + 1)))
        .isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> QrCode.encode("x").toPng(0)).isInstanceOf(WacandaException.class);
    assertThat(QrCode.encode(LOGIN).toString()).doesNotContain(LOGIN.substring(0, 10));
  }

  /**
   * Reads half-block terminal text back into an image, 4 pixels per module: a drawn half is light
   * on a dark terminal (dark on a light one).
   */
  private static BufferedImage fromTerminal(String text, boolean darkBackground) {
    String[] lines = text.split("\n");
    int width = lines[0].length();
    int height = lines.length * 2;
    int scale = 4;
    BufferedImage img = new BufferedImage(width * scale, height * scale,
        BufferedImage.TYPE_INT_RGB);
    for (int row = 0; row < lines.length; row++) {
      for (int x = 0; x < width; x++) {
        char c = lines[row].charAt(x);
        boolean top = c == '\u2588' || c == '\u2580';
        boolean bottom = c == '\u2588' || c == '\u2584';
        paint(img, x, row * 2, top == darkBackground, scale);
        paint(img, x, row * 2 + 1, bottom == darkBackground, scale);
      }
    }
    return img;
  }

  private static void paint(BufferedImage img, int mx, int my, boolean light, int scale) {
    int rgb = light ? 0xFFFFFF : 0x000000;
    for (int dy = 0; dy < scale; dy++) {
      for (int dx = 0; dx < scale; dx++) {
        img.setRGB(mx * scale + dx, my * scale + dy, rgb);
      }
    }
  }
}
