#!/usr/bin/env bash
# Installs the build in $1 (default build/) into a scratch prefix and builds
# demos/examples/run_model.c against it with pkg-config, as a user of the library would,
# then runs it on a fetched model. Part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
builddir=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson configure "$builddir" -Dprefix="$tmp/prefix" >/dev/null
meson install -C "$builddir" --quiet
libdir=$(find "$tmp/prefix" -name fovea.pc -printf '%h\n' | head -1)
export PKG_CONFIG_PATH="$libdir"
cc -std=c17 -Wall -Werror demos/examples/run_model.c $(pkg-config --cflags --libs fovea) -o "$tmp/run_model"
LD_LIBRARY_PATH="$(dirname "$libdir")" "$tmp/run_model" face_detection_short_range
echo "install check: libfovea installs, fovea.pc works, an outside program builds and runs"
