package dev.photoqueue.upload.service;

/** Told about every change of a photo's status; called on the status view's thread, so be quick. */
@FunctionalInterface
public interface PhotoListener {

    void photoChanged(PhotoView photo);
}
