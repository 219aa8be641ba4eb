package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Msg;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Makes thumbnails: images through ImageIO (JPEG, PNG, GIF, and WebP with TwelveMonkeys' reader),
 * the first page of a PDF through PDFBox. Pure functions of the bytes; the caller bounds the
 * input size and the time. Everything stays in memory (never ImageIO's disk cache: the files
 * are encrypted at rest and their pixels must not land in /tmp).
 */
public final class Thumbnails {
    static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
    static final String PDF = "application/pdf";

    /** A rendered thumbnail. */
    public record Image(byte[] bytes, String contentType) {
    }

    private Thumbnails() {
    }

    /** Whether a content type can have a thumbnail (what nc:has-preview tells the clients). */
    public static boolean supports(String contentType) {
        return IMAGE_TYPES.contains(contentType) && readerFor(contentType) || PDF.equals(contentType);
    }

    private static boolean readerFor(String contentType) {
        return ImageIO.getImageReadersByMIMEType(contentType).hasNext();
    }

    /**
     * A thumbnail that fits in box × box pixels, aspect kept. An image of more than maxPixels
     * pixels is refused before its pixels are decoded (a decompression bomb is a few kilobytes
     * of PNG that would inflate to gigabytes); larger images are decoded subsampled.
     */
    public static Image ofImage(InputStream in, int box, long maxPixels) {
        try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new AtriumException.NotFound(Msg.of("files.preview.unreadable"));
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > maxPixels) {
                    throw new AtriumException.NotFound(Msg.of("files.preview.too-many-pixels", w, h, maxPixels));
                }
                ImageReadParam param = reader.getDefaultReadParam();
                // Keep at least twice the target resolution for the smooth down-scaling below.
                int step = (int) Math.max(1, Math.max(w, h) / (2L * box));
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage src = reader.read(0, param);
                return encode(scale(src, box));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof AtriumException ae) {
                throw ae;
            }
            // A truncated or malformed file: there is no thumbnail, which is not a server failure.
            throw new AtriumException.NotFound(Msg.of("files.preview.unreadable"));
        }
    }

    /** The first page of a PDF, rendered to fit in box × box. */
    public static Image ofPdf(InputStream in, int box) {
        try (PDDocument doc = Loader.loadPDF(new RandomAccessReadBuffer(in))) {
            if (doc.getNumberOfPages() == 0) {
                throw new AtriumException.NotFound(Msg.of("files.preview.unreadable"));
            }
            PDRectangle page = doc.getPage(0).getCropBox();
            float longest = Math.max(page.getWidth(), page.getHeight());
            // Points to pixels: render at twice the box, then scale down smoothly.
            float scale = Math.min(4f, 2f * box / Math.max(1f, longest));
            BufferedImage img = new PDFRenderer(doc).renderImage(0, scale, ImageType.RGB);
            return encode(scale(img, box));
        } catch (IOException e) {
            throw new AtriumException.NotFound(Msg.of("files.preview.unreadable"));
        }
    }

    /** Down-scales by halves (bilinear each time), which keeps quality close to area averaging. */
    static BufferedImage scale(BufferedImage src, int box) {
        int w = src.getWidth();
        int h = src.getHeight();
        double f = Math.min(1.0, (double) box / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * f));
        int th = Math.max(1, (int) Math.round(h * f));
        boolean alpha = src.getColorModel().hasAlpha();
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage current = src;
        int cw = w;
        int ch = h;
        do {
            cw = Math.max(tw, cw / 2);
            ch = Math.max(th, ch / 2);
            BufferedImage next = new BufferedImage(cw, ch, type);
            Graphics2D g = next.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                if (!alpha) {
                    g.setColor(Color.WHITE);
                    g.fillRect(0, 0, cw, ch);
                }
                g.drawImage(current, 0, 0, cw, ch, null);
            } finally {
                g.dispose();
            }
            current = next;
        } while (cw != tw || ch != th);
        return current;
    }

    /** JPEG for opaque pictures (small), PNG when there is transparency to keep. */
    static Image encode(BufferedImage img) {
        boolean alpha = img.getColorModel().hasAlpha();
        String format = alpha ? "png" : "jpeg";
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            if (!alpha) {
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(0.85f);
            }
            writer.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return new Image(out.toByteArray(), alpha ? "image/png" : "image/jpeg");
    }
}
