/**
 * Image decoding and variants. {@link dev.photoqueue.worker.image.ImagePipeline} is the way in:
 * bytes and {@link dev.photoqueue.worker.image.VariantSpec}s in, JPEG variants out.
 *
 * <p>The order of checks is the safety argument: the format comes from the magic number (never
 * the file name), then the header gives the dimensions without decoding, then the pixel limit is
 * checked, and only then are pixels decoded. Each failure is a permanent
 * {@link dev.photoqueue.worker.job.PermanentJobException}: trying again cannot change the bytes.
 *
 * <p>Thumbnailator honours EXIF orientation only when it reads a JPEG stream itself; this package
 * decodes each photo once, with libjpeg-turbo at a DCT scale where it can ({@code JpegCodec}) or
 * else with ImageIO (TwelveMonkeys' JPEG reader first, for CMYK and YCCK), and applies the
 * orientation itself, so all variants come from one decode.
 */
package dev.photoqueue.worker.image;
