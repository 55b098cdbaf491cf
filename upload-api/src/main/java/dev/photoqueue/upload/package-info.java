/**
 * The upload API and live dashboard (Javalin): stores photos, produces jobs, shows the queue.
 * The HTTP application arrives with the upload API issue; the module builds from the start so
 * the layout of the project is the one DESIGN.md describes.
 */
package dev.photoqueue.upload;
