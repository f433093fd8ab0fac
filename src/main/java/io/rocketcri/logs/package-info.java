/**
 * Container logs as kubelet's CRI log files hold them ({@code <RFC3339Nano> <stdout|stderr> <F|P> <text>}),
 * read back with Kubernetes' log options for the REST API and the console. Reads files only; never
 * writes one (conmon writes them, kubelet rotates them).
 */
package io.rocketcri.logs;
