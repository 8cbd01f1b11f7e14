#!/usr/bin/env bash
# The device layer's own cost per request, without a guest: the fake driver of
# tests/unit/virtio_guest.h kicks virtio-blk and virtio-rng through the virtio-mmio registers
# and waits for each completion (one request in flight, as a synchronous guest would). Five
# runs, medians. Usage: bench/virtio.sh [BUILD_DIR]   (default build/bench, optimized)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build/bench}
[ -f "$dir/build.ninja" ] || meson setup "$dir" "$top" -Dbuildtype=release >/dev/null
ninja -C "$dir" tests/virtio-bench >/dev/null
out=$(for _ in 1 2 3 4 5; do "$dir/tests/virtio-bench"; done)
for k in blk_4k_read_iops blk_64k_read_mib_s rng_16b_requests_s; do
	printf '%s %s\n' "$k" "$(printf '%s\n' "$out" | awk -v k="$k" '$1 == k { print $2 }' |
		sort -n | sed -n 3p)"
done
