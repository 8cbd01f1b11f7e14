# The command line's contract: help, version, and exit status 2 with usage on bad input.
. "$CELLA_TOP/tests/lib.sh"

out=$("$CELLA" --help 2>&1); rc=$?
expect_eq help-exit-0 "$rc" 0
expect_match help-lists-host "$out" '^  host +show which virtualization'

out=$("$CELLA" --version); rc=$?
expect_eq version-exit-0 "$rc" 0
expect_match version-format "$out" '^cella version [0-9]+\.[0-9]+\.[0-9]+$'

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
expect_match unknown-global-option-message "$err" "unknown option '--bogus'"

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
