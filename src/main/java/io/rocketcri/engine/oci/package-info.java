/**
 * Runs OCI containers: {@link io.rocketcri.engine.oci.OciRuntime} and its implementation on
 * conmon + runc, {@link io.rocketcri.engine.oci.ConmonOciRuntime}. Host tools are run through
 * {@link io.rocketcri.engine.CommandRunner}, system calls go through
 * {@link io.rocketcri.engine.HostOs}, and runc's wording is turned into
 * {@link io.rocketcri.engine.oci.OciException} reasons here and nowhere else.
 */
package io.rocketcri.engine.oci;
