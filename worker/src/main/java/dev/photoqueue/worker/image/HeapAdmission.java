package dev.photoqueue.worker.image;

/**
 * Where a decode reserves its heap: called by {@link ImageDecoder} once the header says how much
 * the decode and render will hold ({@link HeapEstimate}), before a pixel is decoded. A second call
 * (a JPEG that TurboJPEG gave up on, decoded again by ImageIO) replaces the first reservation: the
 * first is given back before the second is taken, so a decode never waits while it holds heap.
 */
interface HeapAdmission {

    /** Reserves nothing: for callers that account for the heap themselves, such as tests of the decoder. */
    HeapAdmission NONE = (photoId, header, bytes) -> {
    };

    /**
     * Reserves {@code bytes} for the decode of {@code photoId}, or throws: {@link TooLargeForHeapException}
     * when they can never fit, {@link HeapBudgetBusyException} when they do not now and the caller
     * does not wait.
     */
    void admit(String photoId, ImageHeader header, long bytes);
}
