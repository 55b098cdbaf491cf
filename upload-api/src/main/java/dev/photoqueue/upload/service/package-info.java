/**
 * What the upload API does, without HTTP: accepting photos ({@link dev.photoqueue.upload.service.PhotoService}),
 * the status of every photo built from the queue ({@link dev.photoqueue.upload.service.StatusView}),
 * the queue's shape, dead letters, embedded workers, run-time settings and replay. Depends on the
 * queue API, the worker's public classes and the configuration; never on the HTTP layer.
 */
package dev.photoqueue.upload.service;
