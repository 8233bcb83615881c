#!/usr/bin/env bash
# Sets fovea up on Debian 12: installs the Debian packages it needs (apt), builds it with
# meson into ./build, and fetches the MediaPipe models into the model cache
# ($FOVEA_MODEL_DIR, else ${XDG_CACHE_HOME:-~/.cache}/fovea/models). Safe to re-run: it
# skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential meson ninja-build pkg-config libglib2.0-dev libcmocka-dev libpng-dev libjpeg62-turbo-dev libjson-glib-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav tar ca-certificates pocl-opencl-icd ocl-icd-opencl-dev opencl-c-headers clinfo)
# npm runs `npm pack` for the model fetch; a Node.js/npm already on PATH is fine.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  for attempt in 1 2 3 4 5; do   # apt may be locked by an unattended upgrade for a while
    if $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
      break
    fi
    [ $attempt -eq 5 ] && { echo "setup: apt-get failed" >&2; exit 1; }
    echo "setup: apt-get failed (attempt $attempt), retrying in 10 s" >&2
    sleep 10
  done
fi

if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=release -Dtests=false
fi
ninja -C build

echo "setup: fetching models"
build/demos/fovea/fovea models fetch
echo "setup: done. The fovea tool is build/demos/fovea/fovea"
