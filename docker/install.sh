#!/usr/bin/env bash
# docker/install.sh -- install rocket-cri on a systemd node (Debian 12), from a built checkout.
#
#   ./mvnw -B -DskipTests package && sudo docker/install.sh [options]
#
#   --jar FILE         the jar to install (default: target/rocket-cri.jar of this checkout)
#   --java-home DIR    the JDK 25 the service runs on (default: $JAVA_HOME, else
#                      /usr/lib/jvm/temurin-25-jdk-amd64); written into the unit
#   --no-aot           do not make the AOT cache (start is slower, nothing else changes)
#   --cni              also install the default bridge network as
#                      /etc/cni/net.d/10-rocket-cri.conflist when that directory has no config
#   DESTDIR=/some/dir  install below that directory instead of / (for packaging and tests;
#                      no AOT cache then: it records the jar's final path)
#
# What it does, each step printed (idempotent: run it again after every build to upgrade):
#   /usr/local/lib/rocket-cri/rocket-cri.jar     the application, unpacked from the Spring Boot
#   /usr/local/lib/rocket-cri/lib/               jar (jarmode=tools extract: the JVM's AOT cache
#                                                covers plain class-path jars far better than nested
#                                                ones); swapped in as a whole when the jar changed
#   /usr/local/lib/rocket-cri/jvm.options        the JVM options (java argument file) of the unit
#   /usr/local/lib/rocket-cri/docs/              operations.md, troubleshooting.md
#   /etc/systemd/system/rocket-cri.service       replaced (local changes go in a drop-in)
#   /etc/rocket-cri/application.yml              commented defaults, only if absent
#   /etc/crictl.yaml                             pointing at the rocket-cri socket, only if absent
#   /var/lib/rocket-cri/rocket-cri.aot           JDK 25 AOT cache, remade when the jar or JDK changed
# It never enables or starts the service; it prints the commands for that.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
DESTDIR=${DESTDIR:-}
DEFAULT_JDK=/usr/lib/jvm/temurin-25-jdk-amd64
JAR_SRC=$REPO/target/rocket-cri.jar
JDK=${JAVA_HOME:-$DEFAULT_JDK}
AOT=1
CNI=0

step() { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() { printf 'install.sh: ERROR: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR_SRC=$2; shift 2 ;;
    --jar=*) JAR_SRC=${1#*=}; shift ;;
    --java-home) JDK=$2; shift 2 ;;
    --java-home=*) JDK=${1#*=}; shift ;;
    --no-aot) AOT=0; shift ;;
    --cni) CNI=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

LIB=/usr/local/lib/rocket-cri
JAR=$LIB/rocket-cri.jar
OPTIONS=$LIB/jvm.options
UNIT=/etc/systemd/system/rocket-cri.service
CONF=/etc/rocket-cri/application.yml
CRICTL=/etc/crictl.yaml
DATA=/var/lib/rocket-cri
CACHE=$DATA/rocket-cri.aot
SOCKET=unix:///run/rocket-cri/rocket-cri.sock

[ -n "$DESTDIR" ] || [ "$(id -u)" = 0 ] || die "run as root (or set DESTDIR to install into a staging directory)"
[ -f "$JAR_SRC" ] || die "$JAR_SRC not found; build it first: ./mvnw -B -DskipTests package"
[ -x "$JDK/bin/java" ] || die "no java at $JDK/bin/java; install JDK 25 there or pass --java-home DIR"
"$JDK/bin/java" -version 2>&1 | grep -q 'version "25' || die "$JDK is not a JDK 25 ($("$JDK/bin/java" -version 2>&1 | head -1))"

# copy_if_changed SRC DEST MODE: atomic replace (temp file + rename), skipped when identical.
copy_if_changed() {
  local src=$1 dest=$DESTDIR$2 mode=$3
  install -d -m 0755 "$(dirname "$dest")"
  if [ -f "$dest" ] && cmp -s "$src" "$dest"; then
    info "$2: unchanged"
    return 1
  fi
  install -m "$mode" "$src" "$dest.new.$$"
  mv -f "$dest.new.$$" "$dest"
  info "$2: installed"
}

# install_if_absent SRC DEST MODE: never touches an existing file (the operator's).
install_if_absent() {
  local src=$1 dest=$DESTDIR$2 mode=$3
  if [ -e "$dest" ]; then
    info "$2: exists, left as it is"
    return 0
  fi
  install -d -m 0755 "$(dirname "$dest")"
  install -m "$mode" "$src" "$dest"
  info "$2: installed"
}

TMP=$(mktemp -d /tmp/rocket-cri-install.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

step "application ($JAR_SRC -> $LIB)"
# Unpacked into a new directory and swapped in with renames: a running rocket-cri keeps its open
# jars (unlinked, still valid) until it restarts, and never sees a half-written file.
JAR_CHANGED=0
SUM=$(sha256sum < "$JAR_SRC" | cut -d' ' -f1)
if [ -f "$DESTDIR$JAR" ] && [ "$(cat "$DESTDIR$LIB/.source.sha256" 2>/dev/null)" = "$SUM" ]; then
  info "$JAR: unchanged"
else
  install -d -m 0755 "$(dirname "$DESTDIR$LIB")"
  rm -rf "$DESTDIR$LIB.new" "$DESTDIR$LIB.old"
  "$JDK/bin/java" -Djarmode=tools -jar "$JAR_SRC" extract --destination "$DESTDIR$LIB.new" > "$TMP/extract.log" 2>&1 \
    || { cat "$TMP/extract.log"; die "could not unpack $JAR_SRC"; }
  [ -f "$DESTDIR$LIB.new/rocket-cri.jar" ] || die "unpacking $JAR_SRC made no rocket-cri.jar"
  printf '%s\n' "$SUM" > "$DESTDIR$LIB.new/.source.sha256"
  [ -d "$DESTDIR$LIB" ] && mv "$DESTDIR$LIB" "$DESTDIR$LIB.old"
  mv "$DESTDIR$LIB.new" "$DESTDIR$LIB"
  rm -rf "$DESTDIR$LIB.old"
  chmod -R u=rwX,go=rX "$DESTDIR$LIB"
  JAR_CHANGED=1
  info "$JAR + $(ls "$DESTDIR$LIB/lib" | wc -l) jars in $LIB/lib: installed"
fi
# The JVM options the unit and the AOT training run share (a java argument file): a cache made
# with other options would be refused by the JVM, so a change here remakes the cache too.
copy_if_changed "$HERE/jvm.options" "$OPTIONS" 0644 || true
install -d -m 0755 "$DESTDIR$LIB/docs"
for d in operations.md troubleshooting.md; do
  [ -f "$REPO/docs/$d" ] && { copy_if_changed "$REPO/docs/$d" "$LIB/docs/$d" 0644 || true; }
done

step "systemd unit"
sed "s|$DEFAULT_JDK|$JDK|g" "$HERE/rocket-cri.service" > "$TMP/rocket-cri.service"
copy_if_changed "$TMP/rocket-cri.service" "$UNIT" 0644 || true
[ "$JDK" = "$DEFAULT_JDK" ] || info "JDK path in the unit: $JDK"

step "configuration"
install_if_absent "$HERE/application.yml" "$CONF" 0644
cat > "$TMP/crictl.yaml" <<EOF
# crictl's defaults on this node (crictl(1) reads /etc/crictl.yaml); written by rocket-cri's install.sh.
runtime-endpoint: $SOCKET
image-endpoint: $SOCKET
timeout: 10
EOF
install_if_absent "$TMP/crictl.yaml" "$CRICTL" 0644
if [ "$CNI" = 1 ]; then
  if compgen -G "$DESTDIR/etc/cni/net.d/*.conf*" > /dev/null || compgen -G "$DESTDIR/etc/cni/net.d/*.json" > /dev/null; then
    info "/etc/cni/net.d: has a network configuration already, none added"
  else
    install_if_absent "$HERE/10-rocket-cri.conflist" /etc/cni/net.d/10-rocket-cri.conflist 0644
  fi
fi
install -d -m 0711 "$DESTDIR$DATA"

step "AOT cache ($CACHE)"
# The cache is valid only for these exact jars (paths, sizes, times) and this JVM build: remade
# when either changed. The training run starts the application context against a throwaway
# root, state and socket, and exits once it is ready (--rocket.aot-training=true): its boot
# sequence finds only the throwaway directories, so it never touches the node's pods or data.
STAMP_NEW="$SUM $(sha256sum < "$HERE/jvm.options" | cut -d' ' -f1) $("$JDK/bin/java" -version 2>&1 | tr '\n' ' ')"
if [ "$AOT" = 0 ]; then
  info "skipped (--no-aot); the unit still names the cache, the JVM starts without it"
elif [ -n "$DESTDIR" ]; then
  info "skipped (DESTDIR set: the cache must be made against the jar at its final path $JAR)"
elif [ "$JAR_CHANGED" = 0 ] && [ -f "$CACHE" ] && [ "$(cat "$CACHE.stamp" 2>/dev/null)" = "$STAMP_NEW" ]; then
  info "up to date"
else
  rm -f "$CACHE" "$CACHE.stamp"
  start=$(date +%s)
  set +e
  "$JDK/bin/java" @"$OPTIONS" -Xlog:aot=error \
      -XX:AOTCacheOutput="$TMP/rocket-cri.aot" \
      -jar "$JAR" \
      --rocket.root="$TMP/root" --rocket.state="$TMP/state" \
      --rocket.cri.socket="unix://$TMP/train.sock" --server.port=0 --rocket.aot-training=true > "$TMP/train.log" 2>&1
  rc=$?
  set -e
  if [ "$rc" = 0 ] && [ -s "$TMP/rocket-cri.aot" ]; then
    mv -f "$TMP/rocket-cri.aot" "$CACHE"
    printf '%s' "$STAMP_NEW" > "$CACHE.stamp"
    info "made in $(( $(date +%s) - start ))s: $(du -h "$CACHE" | cut -f1)"
  else
    info "WARNING: the training run failed (exit $rc); rocket-cri will start without the cache. Its last lines:"
    tail -n 20 "$TMP/train.log" | sed 's/^/      /'
  fi
fi

step "host tools"
if [ -n "$DESTDIR" ]; then
  info "not checked (DESTDIR set)"
else
  missing=()
  for tool in runc conmon catatonit iptables unshare nsenter ip sysctl; do
    command -v "$tool" > /dev/null 2>&1 || missing+=("$tool")
  done
  [ -d /usr/lib/cni ] || [ -d /opt/cni/bin ] || missing+=("CNI plugins (/usr/lib/cni, /opt/cni/bin)")
  if [ ${#missing[@]} -eq 0 ]; then
    info "runc, conmon, catatonit, iptables, util-linux, iproute2, procps and CNI plugins found"
  else
    info "WARNING: missing: ${missing[*]}"
    info "apt-get install runc conmon catatonit iptables util-linux iproute2 procps containernetworking-plugins"
  fi
fi

step "done"
if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  info "systemd reloaded. Start now and at boot:  systemctl enable --now rocket-cri"
  info "after an upgrade:                         systemctl restart rocket-cri   (containers keep running)"
else
  info "systemd is not running here; on the node: systemctl daemon-reload && systemctl enable --now rocket-cri"
fi
info "check:  crictl version && crictl info   (docs/operations.md, docs/troubleshooting.md)"
