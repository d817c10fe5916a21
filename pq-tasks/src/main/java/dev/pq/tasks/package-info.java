/**
 * pq-tasks: {@code @Task} methods, Que-style job classes and the worker, on top of pq-core.
 * (Built by its own issue; this module is the reactor slot for it.)
 */
package dev.pq.tasks;
