/**
 * Descriptor-level I/O for streaming sessions (pseudo-terminals, conmon's attach socket,
 * namespaces) through the FFM API. Only {@code engine/} uses it.
 */
package io.rocketcri.engine.stdio;
