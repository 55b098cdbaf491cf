package dev.photoqueue.worker.image;

/** Every {@link ImagePipelineTest} with ImageIO decoding and encoding the JPEGs, as where libturbojpeg is missing. */
class ImagePipelineOnImageIoTest extends ImagePipelineTest {

    @Override
    JpegCodec codec() {
        return JpegCodec.IMAGEIO;
    }
}
