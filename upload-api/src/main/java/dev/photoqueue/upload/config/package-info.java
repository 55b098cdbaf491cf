/**
 * The upload API's configuration: one typed record, read from environment variables and an
 * optional properties file, each value with a default. Depends on nothing else of the module.
 */
package dev.photoqueue.upload.config;
