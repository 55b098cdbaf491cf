package dev.photoqueue.worker.image;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;

import static dev.photoqueue.worker.image.SampleImages.*;
import static org.junit.jupiter.api.Assertions.*;

class DecodeBuffersTest {

    @Test
    void keepsAtMostTwoBuffersHandsBackOnesThatFitAndClearsTheRowsToBeUsed() throws Exception {
        DecodeBuffers buffers = new DecodeBuffers();
        ImageReader reader = readerOf(photo("Dune.jpg"));
        BufferedImage a = buffers.take(reader, 100, 50);
        BufferedImage b = buffers.take(reader, 100, 50);
        BufferedImage c = buffers.take(reader, 100, 50);
        assertNotSame(a, b);
        assertNotSame(b, c);
        a.setRGB(10, 10, 0xFFFFFF);
        buffers.give(a);
        buffers.give(b);
        buffers.give(c); // a third is not kept

        BufferedImage first = buffers.take(reader, 80, 40);
        BufferedImage second = buffers.take(reader, 80, 40);
        assertTrue((first == a || first == b) && (second == a || second == b) && first != second,
                "the two kept buffers come back");
        assertEquals(0, a.getRGB(10, 10) & 0xFFFFFF, "a reused buffer starts black where the photo goes");
        assertNotSame(c, buffers.take(reader, 80, 40), "the third was not kept");
    }

    @Test
    void photosTooLargeToKeepOrNotDecodingToBgrGetNoBuffer() throws Exception {
        DecodeBuffers buffers = new DecodeBuffers();
        ImageReader jpeg = readerOf(photo("Dune.jpg"));
        assertNull(buffers.take(jpeg, 4000, 3001), "12,004,000 pixels is over the 12 MP kept");
        ImageReader png = readerOf(encode(scaledPhoto("Aqua.jpg", 64, 40), "png"));
        assertNull(buffers.take(png, 64, 40), "a PNG does not decode to 3-byte BGR through this path");
    }

    private static ImageReader readerOf(byte[] bytes) {
        ImageReader reader = ImageIO.getImageReaders(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)))
                .next();
        reader.setInput(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
        return reader;
    }
}
