/**
 * The HTTP layer: the route table ({@link dev.photoqueue.upload.http.HttpApi}), controllers that
 * parse requests, call a service and write JSON, the mapping of every failure to an
 * {@code {error, detail}} answer, the admin token check, security headers and the event stream.
 * No business rule lives here.
 */
package dev.photoqueue.upload.http;
