# The command line's contract: help, version, and exit status 2 with usage on bad input.
. "$CELLA_TOP/tests/lib.sh"

out=$("$CELLA" --help 2>&1); rc=$?
expect_eq help-exit-0 "$rc" 0
expect_match help-lists-host "$out" '^  host +show which virtualization'

out=$("$CELLA" --version); rc=$?
expect_eq version-exit-0 "$rc" 0
expect_match version-format "$out" \
	'^cella version [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown), [a-z]+ build(, sanitize=[a-z,]+)?\)$'
# the commit is the one the binary was built from (tests/run builds the tree it runs)
if head=$(git -C "$CELLA_TOP" rev-parse HEAD 2>/dev/null); then
	expect_match version-names-head "$out" "commit ${head:0:12}"
else
	skip version-names-head "$CELLA_TOP is not a git checkout"
fi
case "$CELLA_VARIANT" in
san) expect_match version-names-sanitizers "$out" 'debug build, sanitize=address,undefined' ;;
plain) expect_match version-names-build-type "$out" 'debugoptimized build\)$' ;;
esac

out=$("$CELLA" help host); rc=$?
expect_eq help-host-exit-0 "$rc" 0
expect_match help-host-shows-options "$out" '--json'
expect_eq host-help-same-as-help-host "$("$CELLA" host --help)" "$out"

err=$("$CELLA" frobnicate 2>&1 >/dev/null); rc=$?
expect_eq unknown-command-exit-2 "$rc" 2
expect_match unknown-command-message "$err" "unknown command 'frobnicate'"
expect_match unknown-command-usage "$err" '^Usage: cella'

out=$("$CELLA" --bogus 2>/dev/null); rc=$?
err=$("$CELLA" --bogus 2>&1 >/dev/null)
expect_eq unknown-global-option-exit-2 "$rc" 2
expect_eq unknown-global-option-stdout-empty "$out" ""
expect_match unknown-global-option-message "$err" "^cella: unknown option '--bogus'"
check unknown-global-option-one-prefix sh -c '! printf "%s" "$1" | grep -q "cella: cella:"' _ "$err"

# QEMU habits: one-dash spellings of vm's options; errors name the word typed, not 'vm'
err=$("$CELLA" vm -kernel 2>&1 >/dev/null); rc=$?
expect_eq vm-qemu-spelling-missing-arg-exit-2 "$rc" 2
expect_match vm-qemu-spelling-missing-arg "$err" "^cella: vm: option '-kernel' needs an argument"
err=$("$CELLA" vm --arch riscv64 -kernel /nonexistent/Image -nographic 2>&1 >/dev/null); rc=$?
expect_eq vm-qemu-spelling-is-kernel-exit-1 "$rc" 1
expect_match vm-qemu-spelling-is-kernel "$err" 'open `/nonexistent/Image`'
err=$("$CELLA" vm -kernal x 2>&1 >/dev/null); rc=$?
expect_eq vm-unknown-one-dash-exit-2 "$rc" 2
expect_match vm-unknown-one-dash-names-word "$err" "^cella: vm: unknown option '-kernal'"
err=$("$CELLA" vm -netdev user,id=n0 2>&1 >/dev/null); rc=$?
expect_eq vm-qemu-netdev-exit-2 "$rc" 2
expect_match vm-qemu-netdev-hint "$err" "unknown option '-netdev': use --net user"
err=$("$CELLA" vm -serial mon:stdio 2>&1 >/dev/null)
expect_match vm-qemu-serial-hint "$err" "--serial-log FILE"
err=$("$CELLA" -kernel Image 2>&1 >/dev/null); rc=$?
expect_eq global-qemu-option-exit-2 "$rc" 2
expect_match global-qemu-option-names-word "$err" "^cella: unknown option '-kernel'"
expect_match global-qemu-option-names-vm "$err" "an option of the vm command: cella vm --kernel"

err=$("$CELLA" host --bogus 2>&1 >/dev/null); rc=$?
expect_eq unknown-host-option-exit-2 "$rc" 2
expect_match unknown-host-option-message "$err" "host: unknown option '--bogus'"
expect_match unknown-host-option-hint "$err" "Try 'cella help host'"

err=$("$CELLA" host -x 2>&1 >/dev/null); rc=$?
expect_eq unknown-short-option-exit-2 "$rc" 2
expect_match unknown-short-option-message "$err" "unknown option '-x'"

err=$("$CELLA" host --root 2>&1 >/dev/null); rc=$?
expect_eq missing-argument-exit-2 "$rc" 2
expect_match missing-argument-message "$err" "option '--root' needs an argument"

err=$("$CELLA" host extra 2>&1 >/dev/null); rc=$?
expect_eq extra-argument-exit-2 "$rc" 2
expect_match extra-argument-message "$err" "unexpected argument 'extra'"

err=$("$CELLA" help nosuch 2>&1 >/dev/null); rc=$?
expect_eq help-unknown-exit-2 "$rc" 2
expect_match help-unknown-message "$err" "unknown command 'nosuch'"

err=$("$CELLA" 2>&1 >/dev/null); rc=$?
expect_eq no-command-exit-2 "$rc" 2
expect_match no-command-message "$err" 'no command given'

err=$("$CELLA" host --root /nonexistent/cella 2>&1 >/dev/null); rc=$?
expect_eq bad-root-exit-1 "$rc" 1
expect_match bad-root-names-path "$err" 'host root `/nonexistent/cella`: No such file or directory'

# --trace watches an emulated CPU; the KVM machine says so instead of ignoring it
err=$("$CELLA" vm --arch x86_64 --kernel /dev/null --trace traps 2>&1 >/dev/null); rc=$?
expect_eq trace-on-kvm-exit-2 "$rc" 2
expect_match trace-on-kvm-message "$err" '--trace follows an emulated CPU'

# `cella help vm` tells the truth: --kernel is optional, --smp's limit, the keys, the statuses
out=$("$CELLA" help vm); rc=$?
expect_eq help-vm-exit-0 "$rc" 0
check help-vm-kernel-optional sh -c 'printf "%s" "$1" | grep -q "^ *\[--kernel FILE\]"' _ "$out"
expect_match help-vm-smp-limit "$out" '--smp N +number of CPUs, 1 to 64'
expect_match help-vm-escape-keys "$out" 'Ctrl-A h +list these keys'
expect_match help-vm-quit-key "$out" 'Ctrl-A x +quit'
expect_match help-vm-exit-status "$out" '128\+N +cella got signal N'
expect_eq vm-help-same-as-help-vm "$("$CELLA" vm --help)" "$out"
# every option the parser knows is in the help
for o in arch memory smp bios kernel initrd append drive net 9p rng console-file serial-log; do
	expect_match "help-vm-lists-$o" "$out" "--$o"
done
err=$("$CELLA" vm --smp 65 2>&1 >/dev/null); rc=$?
expect_eq vm-smp-65-exit-2 "$rc" 2
expect_match vm-smp-65-message "$err" "--smp wants 1 to 64, not '65'"
