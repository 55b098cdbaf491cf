package dev.photoqueue.worker.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What happened to a photo, published to {@link Topics#PHOTO_EVENTS} keyed by the photo id. The
 * JSON carries a {@code type} field naming the record.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = PhotoProcessed.class, name = "PhotoProcessed"),
        @JsonSubTypes.Type(value = PhotoFailed.class, name = "PhotoFailed"),
        @JsonSubTypes.Type(value = PhotoDelivered.class, name = "PhotoDelivered"),
        @JsonSubTypes.Type(value = PhotoReleased.class, name = "PhotoReleased")
})
public sealed interface PhotoEvent permits PhotoProcessed, PhotoFailed, PhotoDelivered, PhotoReleased {

    String photoId();
}
