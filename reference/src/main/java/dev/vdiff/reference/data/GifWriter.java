package dev.vdiff.reference.data;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.AtomicWrite;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a video as a looping animated GIF with the JDK's GIF writer (no extra dependency). GIF holds at
 * most 256 colours per frame; the JDK picks each frame's palette, so colours come back within a few levels.
 *
 * <pre>{@code
 * GifWriter.write(Path.of("out/sample.gif"), clip.video(), 8);   // [F, 3, H, W] in [-1, 1], 8 frames/s
 * }</pre>
 */
public final class GifWriter {
    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    private GifWriter() {}

    /** Writes {@code video} ({@code [F, 3, H, W]} in [-1, 1]) at {@code fps}, looping forever; atomic. */
    public static void write(Path file, Tensor video, double fps) throws IOException {
        if (!(fps > 0)) throw new IllegalArgumentException("GifWriter: fps must be > 0, got " + fps);
        double[] v = Frames.values(video, "GifWriter");
        int frames = video.shape(0), height = video.shape(2), width = video.shape(3);
        // GIF delays are in hundredths of a second.
        int delay = (int) Math.max(1, Math.round(100 / fps));
        AtomicWrite.writeFile(file, temp -> {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(temp.toFile())) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                writer.prepareWriteSequence(null);
                for (int f = 0; f < frames; f++) {
                    BufferedImage img = Frames.image(v, f, height, width);
                    writer.writeToSequence(new IIOImage(img, null, metadata(writer, img, param, delay, f == 0)), param);
                }
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
        });
    }

    /** Frame metadata: the delay, no disposal, and on the first frame the NETSCAPE2.0 loop-forever block. */
    private static IIOMetadata metadata(ImageWriter writer, BufferedImage img, ImageWriteParam param, int delay,
                                        boolean first) throws IOException {
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(FORMAT);

        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delay));
        gce.setAttribute("transparentColorIndex", "0");

        if (first) {
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, 0, 0});   // sub-block 1: loop count 0 (little endian) = forever
            child(root, "ApplicationExtensions").appendChild(app);
        }
        meta.setFromTree(FORMAT, root);
        return meta;
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        for (int i = 0; i < parent.getLength(); i++) {
            if (parent.item(i).getNodeName().equals(name)) return (IIOMetadataNode) parent.item(i);
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        parent.appendChild(node);
        return node;
    }
}
