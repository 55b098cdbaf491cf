/** The benchmark harness whose figures the README reports. */
package dev.photoqueue.bench;
