#!/usr/bin/env bash
# Installs the build in $1 (default build/) into a scratch DESTDIR and builds
# demos/examples/run_model.c against it with pkg-config, as a user of the library would,
# then runs it on a fetched model. The build directory itself is not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
builddir=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$builddir" --destdir "$tmp" --quiet >/dev/null
pcdir=$(dirname "$(find "$tmp" -name fovea.pc | head -1)")
libdir=$(dirname "$pcdir")
# the installed .pc file names the real prefix: point it into the DESTDIR
sed -i "s|^prefix=|prefix=$tmp|" "$pcdir/fovea.pc"
export PKG_CONFIG_PATH="$pcdir"
cc -std=c17 -Wall -Werror demos/examples/run_model.c $(pkg-config --cflags --libs fovea) -o "$tmp/run_model"
LD_LIBRARY_PATH="$libdir" "$tmp/run_model" face_detection_short_range
echo "install check: libfovea installs, fovea.pc works, an outside program builds and runs"
