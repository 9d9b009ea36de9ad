package io.wacanda.whatsapp.baileys;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import io.wacanda.WacandaException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A QR code (the login code a Baileys gateway hands out, or any text) rendered to a PNG or to
 * terminal text. Encoded with ZXing at error-correction level L, UTF-8. Immutable and thread-safe.
 *
 * <pre>{@code
 * channel.connectionControl().flatMap(ConnectionControl::qrCode)
 *     .ifPresent(code -> System.out.println(QrCode.encode(code).toTerminal()));
 * }</pre>
 *
 * <p>The payload of a login QR links a phone to the account while it is valid: do not log it;
 * {@link #toString()} does not show it.
 */
public final class QrCode {
  /** Light modules around the code in a PNG, as the QR specification asks. */
  public static final int PNG_QUIET_ZONE = 4;
  /** Light modules around the code in terminal text; terminals are narrow. */
  public static final int TERMINAL_QUIET_ZONE = 2;
  /** Default pixels per module of {@link #toPng()}. */
  public static final int DEFAULT_SCALE = 8;
  /** Longest payload accepted, in characters. */
  public static final int MAX_PAYLOAD = 2048;

  private final String payload;
  private final ByteMatrix matrix;

  private QrCode(String payload, ByteMatrix matrix) {
    this.payload = payload;
    this.matrix = matrix;
  }

  /**
   * Encodes text.
   *
   * @throws WacandaException INVALID_REQUEST when the text is blank or too long
   */
  public static QrCode encode(String payload) {
    if (payload == null || payload.isBlank() || payload.length() > MAX_PAYLOAD) {
      throw WacandaException.invalid("a QR payload must be 1-" + MAX_PAYLOAD + " characters");
    }
    try {
      ByteMatrix m = Encoder.encode(payload, ErrorCorrectionLevel.L,
          Map.of(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name())).getMatrix();
      return new QrCode(payload, m);
    } catch (WriterException e) {
      throw WacandaException.invalid("the text does not fit in a QR code");
    }
  }

  /** The encoded text. */
  public String payload() {
    return payload;
  }

  /** Modules per side, without the quiet zone. */
  public int size() {
    return matrix.getWidth();
  }

  /** Whether the module at (x, y) is dark; 0-based, without the quiet zone. */
  public boolean isDark(int x, int y) {
    return matrix.get(x, y) == 1;
  }

  /** A black-on-white PNG, {@value #DEFAULT_SCALE} pixels per module. */
  public byte[] toPng() {
    return toPng(DEFAULT_SCALE);
  }

  /** A black-on-white PNG with {@code scale} pixels per module (1-64). */
  public byte[] toPng(int scale) {
    if (scale < 1 || scale > 64) {
      throw WacandaException.invalid("scale must be 1-64 pixels per module");
    }
    int side = (size() + 2 * PNG_QUIET_ZONE) * scale;
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_BINARY);
    int white = 0xFFFFFF;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        img.setRGB(x, y, white);
      }
    }
    for (int y = 0; y < size(); y++) {
      for (int x = 0; x < size(); x++) {
        if (isDark(x, y)) {
          int px = (x + PNG_QUIET_ZONE) * scale;
          int py = (y + PNG_QUIET_ZONE) * scale;
          for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
              img.setRGB(px + dx, py + dy, 0);
            }
          }
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("no PNG writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Terminal text for a dark background: light modules are drawn with half-block characters, two
   * rows of modules per line, so the code stays square in a terminal font.
   */
  public String toTerminal() {
    return toTerminal(true);
  }

  /**
   * Terminal text.
   *
   * @param darkBackground true to draw the light modules (terminals with a dark background), false
   *     to draw the dark ones (light background)
   */
  public String toTerminal(boolean darkBackground) {
    int q = TERMINAL_QUIET_ZONE;
    int side = size() + 2 * q;
    StringBuilder b = new StringBuilder((side + 1) * (side / 2 + 1));
    for (int y = 0; y < side; y += 2) {
      for (int x = 0; x < side; x++) {
        boolean top = drawn(x - q, y - q, darkBackground);
        // Past the last row is more quiet zone: light.
        boolean bottom = y + 1 < side ? drawn(x - q, y + 1 - q, darkBackground) : darkBackground;
        b.append(top && bottom ? '\u2588' : top ? '\u2580' : bottom ? '\u2584' : ' ');
      }
      b.append('\n');
    }
    return b.toString();
  }

  private boolean drawn(int x, int y, boolean drawLight) {
    boolean inside = x >= 0 && y >= 0 && x < size() && y < size();
    boolean dark = inside && isDark(x, y);
    return drawLight != dark;
  }

  @Override
  public String toString() {
    return "QrCode[" + size() + "x" + size() + " modules]";
  }

  /**
   * Prints a QR code in the terminal: {@code java -cp ... io.wacanda.whatsapp.baileys.QrCode
   * [--light] [text]}; reads the text from standard input when not given.
   */
  public static void main(String[] args) throws IOException {
    boolean dark = true;
    String text = null;
    for (String a : args) {
      if (a.equals("--light")) {
        dark = false;
      } else {
        text = a;
      }
    }
    if (text == null) {
      text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    System.out.print(encode(text).toTerminal(dark));
  }
}
