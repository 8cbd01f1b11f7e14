#!/usr/bin/env bash
# `run` of a container that execs /bin/true: cella vs runc on this (hybrid cgroup) host, and
# cella vs runc vs crun inside a private mount namespace with a pure cgroup2 mount (crun
# refuses hybrid hosts). One config.json for every runtime: `cella spec` (mount, pid, uts,
# ipc and network namespaces, the default seccomp profile), minus linux.resources, which
# crun cannot apply on this machine's controller-less cgroup2 tree. Runs are interleaved;
# medians in milliseconds.
#
#   bench/container-run.sh [RUNS]     (default 200; needs root, busybox-static, runc, crun)
#
# CELLA=path picks the cella binary; CELLA_BEFORE=path adds another one (an older build) to
# the same interleaved runs, so a change is measured before/after under the same load.
set -eu
runs=${1:-200}
top=$(cd "$(dirname "$0")/.." && pwd)
cella=${CELLA:-$top/build/cella}

if [ -z "${CELLA_BENCH_INNER:-}" ]; then
	T=$(mktemp -d /tmp/cella-bench.XXXXXX)
	trap 'rm -rf "$T"' EXIT
	mkdir -p "$T/bundle/rootfs/bin" "$T/bundle/rootfs/proc" "$T/bundle/rootfs/sys" \
		"$T/bundle/rootfs/dev" "$T/bundle/rootfs/tmp"
	cp /bin/busybox "$T/bundle/rootfs/bin/"
	chroot "$T/bundle/rootfs" /bin/busybox --install -s /bin
	"$cella" spec --bundle "$T/bundle"
	jq '.process.args = ["/bin/true"] | .process.terminal = false | del(.linux.resources)' "$T/bundle/config.json" \
		>"$T/c.json" && mv "$T/c.json" "$T/bundle/config.json"
	before=${CELLA_BEFORE:-}
	export T cella runs before
	echo "== hybrid host (this machine): cella vs runc, $runs interleaved runs"
	CELLA_BENCH_INNER=hybrid bash "$0"
	echo "== pure cgroup2 mount namespace: cella vs runc vs crun, $runs interleaved runs"
	unshare -m env CELLA_BENCH_INNER=v2 bash "$0"
	exit 0
fi

if [ "$CELLA_BENCH_INNER" = v2 ]; then
	mount --make-rprivate /
	umount -R /sys/fs/cgroup
	mount -t cgroup2 none /sys/fs/cgroup
	tools="cella runc crun"
else
	tools="cella runc"
fi
[ -z "$before" ] || tools="before $tools"

cd "$T/bundle"
declare -A cmd=(
	[cella]="$cella --root $T/state-cella run"
	[before]="${before:-false} --root $T/state-before run"
	[runc]="runc --root $T/state-runc run"
	[crun]="crun --root $T/state-crun run"
)
for t in $tools; do : >"$T/times-$t"; done
for i in $(seq "$runs"); do
	for t in $tools; do
		s=$EPOCHREALTIME
		${cmd[$t]} "b$i" >/dev/null 2>&1 || { echo "$t failed on run $i" >&2; exit 1; }
		e=$EPOCHREALTIME
		echo "$s $e" | awk '{ printf "%.3f\n", ($2 - $1) * 1000 }' >>"$T/times-$t"
	done
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A med
for t in $tools; do med[$t]=$(median "$T/times-$t"); done
for t in $tools; do
	printf '  %-6s median %7.2f ms' "$t" "${med[$t]}"
	for o in $tools; do
		case "$t:$o" in
		cella:cella|before:before|before:cella|runc:*|crun:*) continue ;;
		esac
		printf '   %.2fx %s' "$(echo "${med[$t]} ${med[$o]}" | awk '{ print $1 / $2 }')" "$o"
	done
	echo
done
