/**
 * Test fixtures for image and runtime tests: a real registry and images built in Java.
 *
 * <ul>
 * <li>{@link io.rocketcri.testsupport.TestRegistry}: Debian's docker-registry on 127.0.0.1
 * ({@code ROCKET_TEST_REGISTRY} when set, else an own instance; optionally with basic auth).</li>
 * <li>{@link io.rocketcri.testsupport.LayerBuilder} and {@link io.rocketcri.testsupport.Layers}:
 * layer tars (busybox-static root file system, whiteouts, opaque dirs, links, modes, owners).</li>
 * <li>{@link io.rocketcri.testsupport.OciImageBuilder}: configs, OCI / Docker schema2 manifests,
 * indexes with extra platforms and attestations; gzip, zstd or plain layers.</li>
 * <li>{@link io.rocketcri.testsupport.RegistryPusher}: pushes a
 * {@link io.rocketcri.testsupport.BuiltImage} and returns a
 * {@link io.rocketcri.testsupport.PushedImage} with every digest to assert on.</li>
 * </ul>
 *
 * Tests that use a registry are tagged {@code @Tag("host")}: they need the Debian packages
 * docker-registry, busybox-static and (for basic auth) apache2-utils, which {@code .ci/run} installs.
 */
package io.rocketcri.testsupport;
