/**
 * The OCI runtime spec ({@code config.json}) for one container, as runc 1.1.5 accepts it on a
 * cgroup v1 (cgroupfs) host without systemd, AppArmor or SELinux.
 *
 * <p><b>Input model.</b> This package, like the rest of the container capability, takes the
 * generated CRI messages ({@link io.rocketcri.cri.api.ContainerConfig},
 * {@link io.rocketcri.cri.api.PodSandboxConfig} and what they hold) directly as its input. They are
 * already an immutable, validated-on-parse model of exactly what kubelet asked for; copying their
 * 100+ fields into a parallel domain model would only duplicate them and add a mapping to keep in
 * step with every CRI release. What the CRI does not say (the image's config, the mounted rootfs,
 * the pod's pinned namespaces and files) comes in as small records ({@link SpecInput},
 * {@link ImageSettings}, {@link PodResources}).
 *
 * <p><b>Purity.</b> Spec generation is a function of its input. It reads the host in two narrow
 * places only: the image's {@code /etc/passwd} and {@code /etc/group} under the given rootfs
 * (without following links out of it), and the device nodes named by CRI devices (type,
 * major/minor from {@code unix:rdev}). Writing the file, creating host paths and running runc are
 * the engine's job.
 *
 * <p><b>Failures.</b> Bad input is an {@link io.rocketcri.failure.InvalidArgument} whose message
 * names the CRI field as kubelet spells it ({@code mounts[2].host_path},
 * {@code linux.security_context.run_as_username}).
 */
package io.rocketcri.container.spec;
