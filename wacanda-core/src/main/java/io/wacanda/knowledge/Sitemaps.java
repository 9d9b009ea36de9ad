package io.wacanda.knowledge;

import io.wacanda.WacandaException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads sitemaps (sitemaps.org 0.9): a {@code <urlset>} of page locations or a {@code
 * <sitemapindex>} of further sitemaps, optionally gzipped. The XML parser refuses DOCTYPEs and
 * external entities, so a sitemap cannot read local files or expand entity bombs.
 */
final class Sitemaps {

  /** Largest sitemap once unzipped: 50 MiB, the protocol's limit. */
  static final int MAX_UNZIPPED = 50 * 1024 * 1024;

  private Sitemaps() {}

  /**
   * The locations in a sitemap.
   *
   * @param pages receives {@code <url><loc>} values
   * @param sitemaps receives {@code <sitemap><loc>} values of an index
   * @throws WacandaException {@code INVALID_REQUEST} when the bytes are not a sitemap
   */
  static void parse(byte[] body, List<String> pages, List<String> sitemaps) {
    byte[] xml = body;
    if (body.length > 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        xml = in.readNBytes(MAX_UNZIPPED + 1);
      } catch (IOException e) {
        throw WacandaException.invalid("sitemap is not valid gzip");
      }
      if (xml.length > MAX_UNZIPPED) {
        throw WacandaException.invalid("sitemap is larger than " + MAX_UNZIPPED
            + " bytes unzipped");
      }
    }
    org.w3c.dom.Document doc;
    try {
      doc = parser().parse(new ByteArrayInputStream(xml));
    } catch (SAXException | IOException e) {
      throw WacandaException.invalid("sitemap is not well-formed XML (or declares a DOCTYPE)");
    }
    Element root = doc.getDocumentElement();
    String name = root.getLocalName() != null ? root.getLocalName() : root.getTagName();
    if (name.equals("urlset")) {
      collect(root, "url", pages);
    } else if (name.equals("sitemapindex")) {
      collect(root, "sitemap", sitemaps);
    } else {
      throw WacandaException.invalid("not a sitemap: root element is <" + name + ">");
    }
  }

  private static void collect(Element root, String entry, List<String> out) {
    NodeList entries = root.getElementsByTagNameNS("*", entry);
    for (int i = 0; i < entries.getLength(); i++) {
      Element e = (Element) entries.item(i);
      NodeList locs = e.getElementsByTagNameNS("*", "loc");
      if (locs.getLength() > 0) {
        String loc = locs.item(0).getTextContent().strip();
        if (!loc.isEmpty()) {
          out.add(loc);
        }
      }
    }
  }

  private static DocumentBuilder parser() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(new org.xml.sax.ErrorHandler() {
        @Override
        public void warning(org.xml.sax.SAXParseException e) {
          // ignored
        }

        @Override
        public void error(org.xml.sax.SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
          throw e;
        }
      });
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a security feature", e);
    }
  }

  static List<String> pages(byte[] body) {
    List<String> pages = new ArrayList<>();
    parse(body, pages, new ArrayList<>());
    return pages;
  }
}
