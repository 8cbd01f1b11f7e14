# scripts/: one naming convention, the apt helpers that wait for another apt instead of
# failing (scripts/lib.sh), and the guest scripts' command lines. Nothing is installed here.
. "$CELLA_TOP/tests/lib.sh"

work=$(mktemp -d /tmp/cella-scripts.XXXXXX)
trap 'kill $holder 2>/dev/null; rm -rf "$work"' EXIT
holder=

# Commands have no extension and can be run; lib.sh is the one sourced file.
for f in "$CELLA_TOP"/scripts/*; do
	name=$(basename "$f")
	[ "$name" = lib.sh ] && continue
	check "command-$name-no-extension" test "${name%.*}" = "$name"
	check "command-$name-executable" test -x "$f"
done
# Every scripts/ command the README, the help and the tests name exists.
for s in $(grep -rhoE 'scripts/[a-z0-9-]+(\.sh)?' "$CELLA_TOP/README.md" "$CELLA_TOP/docs" \
	"$CELLA_TOP/src" "$CELLA_TOP/tests/integration" | sort -u); do
	check "named-$(basename "$s")-exists" test -e "$CELLA_TOP/$s"
done

# apt_wait_lock waits while another process holds the lock (as apt does, with fcntl), and
# gives up with a message after apt_lock_timeout.
if command -v lslocks >/dev/null && command -v python3 >/dev/null; then
	lock=$work/lock
	: >"$lock"
	python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX); print("held", flush=True)
time.sleep(float(sys.argv[2]))' "$lock" 4 >"$work/held" &
	holder=$!
	for _ in $(seq 50); do grep -q held "$work/held" && break; sleep 0.1; done
	out=$(. "$CELLA_TOP/scripts/lib.sh"; apt_lock_timeout=60; apt_wait_lock "$lock" && echo FREE)
	expect_match wait-lock-says-who "$out" "waiting for python3 \(pid $holder\) to release $lock"
	expect_match wait-lock-returns-when-free "$out" 'FREE$'
	wait "$holder"
	python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX); print("held", flush=True)
time.sleep(float(sys.argv[2]))' "$lock" 30 >"$work/held" &
	holder=$!
	for _ in $(seq 50); do grep -q held "$work/held" && break; sleep 0.1; done
	out=$(. "$CELLA_TOP/scripts/lib.sh"; apt_lock_timeout=3; apt_wait_lock "$lock" 2>&1 || echo GAVE-UP)
	expect_match wait-lock-gives-up "$out" "still holds $lock after [0-9]+s; giving up"
	expect_match wait-lock-fails "$out" 'GAVE-UP$'
	kill "$holder"; wait "$holder" 2>/dev/null
	out=$(. "$CELLA_TOP/scripts/lib.sh"; apt_wait_lock "$lock" && echo FREE)
	expect_eq wait-lock-free-at-once "$out" FREE
else
	skip wait-lock "needs lslocks (util-linux) and python3"
fi
missing=$(. "$CELLA_TOP/scripts/lib.sh"; apt_missing dpkg cella-no-such-package)
expect_eq apt-missing-lists-only-missing "$missing" "cella-no-such-package "
# apt-get install is told to wait for dpkg's lock, in every script that installs
check lib-install-waits-for-dpkg grep -q 'DPkg::Lock::Timeout' "$CELLA_TOP/scripts/lib.sh"
for s in install-deps build-riscv-guest build-x86-guest; do
	check "$s-installs-through-lib" sh -c '! grep -n "apt-get .*install" "$1" && grep -q "apt_install" "$1"' \
		_ "$CELLA_TOP/scripts/$s"
done

# The guest script's own command line
out=$("$CELLA_TOP/scripts/build-riscv-guest" --help); rc=$?
expect_eq guest-help-exit-0 "$rc" 0
expect_match guest-help-from-source "$out" '--from-source'
err=$("$CELLA_TOP/scripts/build-riscv-guest" --bogus 2>&1); rc=$?
expect_eq guest-bad-option-exit-2 "$rc" 2
expect_match guest-bad-option-message "$err" "unknown option '--bogus'"
