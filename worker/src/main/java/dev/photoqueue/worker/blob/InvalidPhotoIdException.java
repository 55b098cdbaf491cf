package dev.photoqueue.worker.blob;

import dev.photoqueue.worker.job.PermanentJobException;

/** A photo id that could not name a folder safely: empty, too long, or with characters such as {@code /} or {@code ..}. */
public final class InvalidPhotoIdException extends PermanentJobException {

    public InvalidPhotoIdException(String photoId, String rule) {
        super(photoId, "photo id '" + photoId + "' is invalid: it must match " + rule, null);
    }
}
