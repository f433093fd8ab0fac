#!/usr/bin/env bash
# docker/build-image.sh -- build and check the rocket-cri node image with buildah, from nothing:
# no container registry and no Docker daemon are needed (CI has neither).
#
#   docker/build-image.sh [--jar FILE] [--tag NAME] [--keep]
#
#   --jar FILE   the jar to put in the image (default target/rocket-cri.jar; build it first)
#   --tag NAME   image name (default localhost/rocket-cri:dev)
#   --keep       keep the work directory (buildah storage with both images, the rootfs) and
#                print how to use it; by default everything is removed at the end
#   env DEBIAN_MIRROR   mirror for debootstrap (default: the first bookworm URI in
#                       /etc/apt/sources.list.d/debian.sources, else http://deb.debian.org/debian)
#   env WORK            work directory (default: a new /var/tmp/rocket-cri-image.XXXXXX)
#   env JAVA_HOME       the JDK 25 whose jlink and jdeps make the image's runtime
#
# Steps (each printed with its duration):
#   1. debootstrap --variant=minbase bookworm -> rootfs
#   2. rootfs -> image localhost/debian:bookworm (buildah from scratch + mount + tar)
#   3. unpack the jar (jarmode=tools extract); jdeps over it and its libraries -> the Java
#      modules the application needs
#   4. jlink those modules (+ a few loaded by name at run time) -> a minimal runtime, with CDS
#   5. build context + buildah bud -f docker/Dockerfile -> the node image (the AOT cache is
#      trained inside the build)
#   6. checks inside the image: java -version, runc/conmon/catatonit/iptables versions, files,
#      and rocket-cri started from the image until it reports ready with the AOT cache in force
# buildah uses vfs storage under the work directory (never the host's /var/lib/containers),
# chroot isolation (no runc-in-build), and nothing is cached between runs.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
JAR=$REPO/target/rocket-cri.jar
TAG=localhost/rocket-cri:dev
BASE=localhost/debian:bookworm
KEEP=0
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR=$2; shift 2 ;;
    --tag) TAG=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

T0=$(date +%s)
STEP_T=$T0
STEP_NAME=
step() {
  local now; now=$(date +%s)
  [ -n "$STEP_NAME" ] && printf '    (%s: %ss)\n' "$STEP_NAME" "$((now - STEP_T))"
  STEP_NAME=$1; STEP_T=$now
  printf '\n==> [%s] %s\n' "$(date +%H:%M:%S)" "$*"
}
die() { printf '\nbuild-image.sh: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, buildah mount)"
for t in debootstrap buildah tar; do command -v "$t" > /dev/null || die "$t not found (apt-get install debootstrap buildah)"; done
[ -x "$JDK/bin/jlink" ] && [ -x "$JDK/bin/jdeps" ] || die "no jlink/jdeps in $JDK (set JAVA_HOME to a JDK 25)"
[ -f "$JAR" ] || die "$JAR not found: ./mvnw -B -DskipTests package first"

if [ -z "${DEBIAN_MIRROR:-}" ]; then
  DEBIAN_MIRROR=$(awk '/^URIs:/ {uri=$2} /^Suites:/ && / bookworm( |$)/ {print uri; exit}' \
                    /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
fi

if [ -n "${WORK:-}" ]; then
  # removed at the end: never take a directory that holds something already
  [ ! -e "$WORK" ] || [ -z "$(ls -A "$WORK")" ] || die "WORK=$WORK is not empty"
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d /var/tmp/rocket-cri-image.XXXXXX)
fi
STORE=(--root "$WORK/storage" --runroot "$WORK/runroot" --storage-driver vfs)
bah() { buildah "${STORE[@]}" "$@"; }
SMOKE_PID=
SMOKE=$WORK/smoke
# buildah run (chroot isolation) does not pass SIGTERM on to what it runs: signal the smoke
# test's JVM itself, found by its socket path, which names this run's own work directory.
stop_smoke() {
  [ -n "$SMOKE_PID" ] || return 0
  local pid
  for pid in $(pgrep -f -- "--rocket.cri.socket=unix://$SMOKE/cri.sock" || true); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] && kill "$pid" 2>/dev/null || true
  done
  wait "$SMOKE_PID" 2>/dev/null || true
  SMOKE_PID=
}
cleanup() {
  local rc=$?
  stop_smoke
  if [ "$KEEP" = 1 ]; then
    printf '\nkept %s; use: buildah --root %s/storage --runroot %s/runroot --storage-driver vfs images\n' \
      "$WORK" "$WORK" "$WORK"
  else
    bah rm --all > /dev/null 2>&1 || true
    # vfs keeps plain directories; unmount anything left mounted below the work dir first
    # (a failed debootstrap can leave its proc/sys/dev mounts), and never cross into a mount.
    grep -o " $WORK/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf --one-file-system "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
echo "work dir $WORK; jar $JAR; JDK $JDK; mirror $DEBIAN_MIRROR"

###########################################################################
step "1/6 debootstrap --variant=minbase bookworm"
###########################################################################
debootstrap --variant=minbase bookworm "$WORK/rootfs" "$DEBIAN_MIRROR" > "$WORK/debootstrap.log" 2>&1 \
  || { tail -n 30 "$WORK/debootstrap.log"; die "debootstrap failed (log above)"; }
tail -n 1 "$WORK/debootstrap.log"
echo "rootfs: $(du -sh "$WORK/rootfs" | cut -f1)"

###########################################################################
step "2/6 rootfs -> $BASE"
###########################################################################
ctr=$(bah from --quiet scratch)
mnt=$(bah mount "$ctr")
tar -C "$WORK/rootfs" --numeric-owner -cf - . | tar -C "$mnt" --numeric-owner -xpf -
bah umount "$ctr" > /dev/null
bah config --cmd /bin/bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --created-by "debootstrap --variant=minbase bookworm $DEBIAN_MIRROR" "$ctr"
bah commit --quiet --rm "$ctr" "$BASE" > /dev/null
rm -rf "$WORK/rootfs"
bah images

###########################################################################
step "3/6 jdeps: Java modules the jar needs"
###########################################################################
# A Spring Boot jar nests its libraries (BOOT-INF/lib), which jdeps cannot see into: unpack
# it (Spring Boot's jarmode=tools: rocket-cri.jar + lib/*.jar, the layout the image runs, as
# the AOT cache covers plain class-path jars far better than nested ones) and give jdeps the
# application jar and every library.
mkdir -p "$WORK/context"
"$JDK/bin/java" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/context/app" > /dev/null
MODULES=$("$JDK/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 \
            "$WORK/context/app/rocket-cri.jar" "$WORK/context/app"/lib/*.jar)
[ -n "$MODULES" ] || die "jdeps found no modules"
echo "jdeps: $MODULES"
# Loaded by name at run time, which jdeps cannot see: jdk.zipfs (the jar: file system
# provider), jdk.charsets (non-standard charsets), jdk.crypto.ec (EC keys of registries' TLS
# on older key paths); jdk.jcmd gives operators jcmd/jstack inside the image.
EXTRA=jdk.zipfs,jdk.charsets,jdk.crypto.ec,jdk.jcmd

###########################################################################
step "4/6 jlink runtime"
###########################################################################
"$JDK/bin/jlink" --add-modules "$MODULES,$EXTRA" --strip-debug --no-man-pages --no-header-files \
  --generate-cds-archive --output "$WORK/context/jre" | tail -n 1
echo "runtime: $(du -sh "$WORK/context/jre" | cut -f1) (the JDK: $(du -sh "$JDK" | cut -f1))"
"$WORK/context/jre/bin/java" -version 2>&1 | head -1

###########################################################################
step "5/6 buildah bud -> $TAG"
###########################################################################
cp "$HERE/10-rocket-cri.conflist" "$WORK/context/"
cp "$HERE/jvm.options" "$WORK/context/app/jvm.options"
# The image's apt sources: the mirror debootstrap used, with updates and security, as Debian
# ships them (debootstrap writes only "bookworm main").
SECURITY_MIRROR=$(awk '/^URIs:/ {uri=$2} /^Suites:/ && /bookworm-security/ {print uri; exit}' \
                    /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
cat > "$WORK/context/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
bah bud --isolation chroot --layers=false -f "$HERE/Dockerfile" -t "$TAG" "$WORK/context"
bah images

###########################################################################
step "6/6 checks inside $TAG"
###########################################################################
ctr=$(bah from --quiet "$TAG")
run() { echo "\$ $*"; bah run --isolation chroot "$ctr" -- "$@"; }
run java -version
run runc --version
run conmon --version
run catatonit --version
run iptables --version
run unshare --version
run ip -V
run sysctl --version
run sh -c 'ls /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/portmap /etc/cni/net.d/10-rocket-cri.conflist /opt/rocket-cri/rocket-cri.jar && echo "$(ls /opt/rocket-cri/lib | wc -l) jars in /opt/rocket-cri/lib" && ls -lh /opt/rocket-cri/rocket-cri.aot'
echo "image config: $(bah inspect --type image --format '{{.OCIv1.Config.Entrypoint}}' "$TAG")"

# rocket-cri itself, from the image, as the entrypoint starts it, with -XX:AOTMode=on (the
# JVM refuses to start when the cache cannot be used), against a throwaway socket, roots and
# port; checked through its health endpoint and its "ready" log line.
mkdir -p "$SMOKE"
PORT=$(for p in $(seq 18780 18880); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; break; }; done)
echo "\$ rocket-cri (entrypoint, -XX:AOTMode=on) on unix://$SMOKE/cri.sock, http://127.0.0.1:$PORT"
bah run --isolation chroot -v "$SMOKE:$SMOKE" "$ctr" -- \
  java @/opt/rocket-cri/jvm.options -XX:AOTCache=/opt/rocket-cri/rocket-cri.aot -XX:AOTMode=on \
    -jar /opt/rocket-cri/rocket-cri.jar \
    --rocket.cri.socket="unix://$SMOKE/cri.sock" --rocket.root="$SMOKE/root" --rocket.state="$SMOKE/state" \
    --rocket.network.cni-config-dir="$SMOKE/net.d" --server.port="$PORT" > "$SMOKE/log" 2>&1 &
SMOKE_PID=$!
ok=0
for _ in $(seq 1 240); do
  if grep -q 'rocket-cri ready' "$SMOKE/log"; then ok=1; break; fi
  kill -0 "$SMOKE_PID" 2>/dev/null || break
  sleep 0.5
done
[ "$ok" = 1 ] || { tail -n 40 "$SMOKE/log"; die "rocket-cri did not get ready inside the image (log above)"; }
grep -o 'Started RocketCriApplication in .*' "$SMOKE/log"
health=$(exec 3<>"/dev/tcp/127.0.0.1/$PORT" && printf 'GET /actuator/health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && cat <&3 | tail -n 1)
echo "GET /actuator/health: $health"
case "$health" in *'"status":"UP"'*) ;; *) die "health is not UP";; esac
[ -S "$SMOKE/cri.sock" ] || die "no CRI socket at $SMOKE/cri.sock"
echo "CRI socket: $SMOKE/cri.sock"
stop_smoke
bah rm "$ctr" > /dev/null

step "done"
echo "image $TAG built and checked in $(( $(date +%s) - T0 ))s"
