/**
 * The only package that touches the host: system calls (through {@link io.rocketcri.engine.HostOs}),
 * and later processes (conmon, runc). Every other package reaches the kernel through the narrow
 * interfaces here, each with a real implementation and a fake in the test fixtures.
 */
package io.rocketcri.engine;
