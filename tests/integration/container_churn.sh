# Many create/start/delete cycles (and runs) leave nothing behind: no mount, cgroup, state,
# process or fd held on the bundle, and the runtime's memory does not grow with the number of containers.
# 200 cycles in the plain build; 20 in the sanitizer build (each cycle is ~10x slower there).
. "$CELLA_TOP/tests/integration/container-lib.bash"
ctr_need_root
n=200
[ "${CELLA_VARIANT:-plain}" = san ] && n=20

B=$T/bundle
make_bundle "$B"
set_args "$B" true
failed=0
for i in $(seq "$n"); do
	C create --bundle "$B" "churn$i" && C start "churn$i" || failed=$((failed + 1))
	for _ in $(seq 200); do [ "$(C state "churn$i" | jq -r .status)" = stopped ] && break; sleep 0.01; done
	C delete "churn$i" || failed=$((failed + 1))
	C run --bundle "$B" "churnrun$i" || failed=$((failed + 1))
done
expect_eq churn-all-succeeded "$failed" 0
expect_eq churn-no-state "$(ls "$STATE" | wc -l)" 0
expect_eq churn-no-mounts "$(leftover_mounts)" 0
expect_eq churn-no-cgroups "$(find /sys/fs/cgroup -maxdepth 4 -path "*/cella/$CGH-churn*" | wc -l)" 0
expect_eq churn-no-processes "$(pgrep -f -- "--bundle $B" | wc -l)" 0
# No process (a leftover init, a runtime) keeps an fd on the bundle or the state.
held=$(ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c "$T")
expect_eq churn-no-fd-left "$held" 0

# The runtime's peak memory is the same for the 1st and the nth container.
m1=$( { /usr/bin/time -f %M "$CELLA" --root "$STATE" run --bundle "$B" mem1; } 2>&1 | tail -1)
m2=$( { /usr/bin/time -f %M "$CELLA" --root "$STATE" run --bundle "$B" mem2; } 2>&1 | tail -1)
if [ -x /usr/bin/time ]; then
	if [ "$m2" -le $((m1 + 512)) ]; then pass churn-memory-flat
	else fail churn-memory-flat "max RSS ${m1} KiB then ${m2} KiB"; fi
else
	skip churn-memory-flat "/usr/bin/time is not installed"
fi
