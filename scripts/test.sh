#!/usr/bin/env bash
# Sets fovea up (scripts/setup.sh) and runs the whole test suite the way CI does: every
# test built with AddressSanitizer + UndefinedBehaviorSanitizer and warnings as errors
# (build-asan/), then the graph scheduler tests again under ThreadSanitizer (build-tsan/).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

jobs=$(nproc 2>/dev/null || echo 2)
common=(--buildtype=debugoptimized -Dwerror=true -Dtests=true)

[ -f build-asan/build.ninja ] || meson setup build-asan "${common[@]}" -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build-asan
asan_rc=0
meson test -C build-asan --print-errorlogs --num-processes "$jobs" || asan_rc=$?

[ -f build-tsan/build.ninja ] || meson setup build-tsan "${common[@]}" -Db_sanitize=thread -Db_lundef=false
ninja -C build-tsan
tsan_rc=0
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
  meson test -C build-tsan --suite graph --print-errorlogs --num-processes "$jobs" || tsan_rc=$?

install_rc=0
./scripts/check-install.sh build || install_rc=$?

summary() {  # "N passed, N failed" from meson's JSON test log
  python3 - "$1" <<'PY'
import json, sys
ok = bad = skip = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): ok += 1
    elif r == "SKIP": skip += 1
    else: bad += 1
print("%d passed, %d failed, %d skipped" % (ok, bad, skip))
PY
}
echo
echo "asan+ubsan: $(summary build-asan/meson-logs/testlog.json)"
echo "tsan:       $(summary build-tsan/meson-logs/testlog.json)"
[ $asan_rc -eq 0 ] && [ $tsan_rc -eq 0 ] && [ $install_rc -eq 0 ]
