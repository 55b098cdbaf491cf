package dev.photoqueue.upload.service;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What is known about one photo, as the API shows it.
 *
 * @param variants     variant name to URL path, in the order the workers made them; empty until DONE
 * @param error        the reason of the last failure, or null (for DONE: see {@code deadLettered})
 * @param partition    the partition of {@code photo.uploaded} its latest job went to, -1 for a sync upload
 * @param offset       that job's offset, -1 for a sync upload
 * @param duplicate    true when the latest outcome found every variant written already: the job had
 *                     been processed before (a redelivery, a replay or a redrive)
 * @param deadLettered true while the latest job lies in the dead-letter topic. Also for a DONE photo:
 *                     a processed photo stays DONE (its variants exist), but a worker that publishes
 *                     the outcome and dies before each ack leaves the job dead-lettered after its last
 *                     delivery; {@code error} then holds the dead letter's reason
 */
public record PhotoView(String id, PhotoStatus status, int attempts, Map<String, String> variants, String error,
                        int partition, long offset, String user, String city, Instant uploadedAt, Instant updatedAt,
                        boolean duplicate, boolean deadLettered) {

    public PhotoView {
        // a copy the reading thread cannot change later, keeping the workers' order (Map.copyOf would not)
        variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
    }
}
