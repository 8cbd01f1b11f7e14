# A terminal without --console-socket, as runc gives one: a foreground `run` of a config with
# process.terminal (what `cella spec` writes) and `exec -t` get a pty of their own, and the
# runtime copies between the caller's terminal (raw meanwhile) and the pty. A user at a
# terminal is played by container-pty.py.
. "$CELLA_TOP/tests/integration/container-lib.bash"
ctr_need_root
if ! command -v python3 >/dev/null; then skip all "python3 is not installed"; exit 0; fi
PTY() { python3 "$CELLA_TOP/tests/integration/container-pty.py" "$@"; }

# `cella spec && cella run ID`: an interactive shell
B=$T/bundle
mkdir -p "$B"
make_rootfs "$B/rootfs"
"$CELLA" spec --bundle "$B"
expect_eq spec-asks-for-terminal "$(jq .process.terminal "$B/config.json")" true
out=$(cd "$B" && PTY 30 100 'expect=# ' mode 'send=echo h""i; tty; stty size\n' 'expect=\nhi' \
	'expect=/dev/pts/[0-9]+' 'expect=30 100' resize=40,120 sleep=0.3 'send=stty size\n' \
	'expect=40 120' 'send=exit 5\n' -- "$CELLA" --root "$STATE" run sh1)
expect_match run-tty-echo "$out" '^expect \\nhi: found$'
expect_match run-tty-is-pts "$out" '^expect /dev/pts/\[0-9\]\+: found$'
expect_match run-tty-raw-meanwhile "$out" '^mode: raw$'
expect_match run-tty-window-size "$out" '^expect 30 100: found$'
expect_match run-tty-sigwinch "$out" '^expect 40 120: found$'
expect_match run-tty-exit-status "$out" '^exit=5$'
expect_match run-tty-termios-restored "$out" '^termios-restored=yes$'
expect_eq run-tty-deleted "$(leftover_state sh1)" no

# consoleSize when the caller has no terminal; our EOF reaches the shell as its EOF
jq '.process.consoleSize = {"height": 12, "width": 34}' "$B/config.json" >"$T/c.json"
cp "$T/c.json" "$B/config.json"
printf 'stty size; tty\n' | C run --bundle "$B" sh2 >"$T/o" 2>&1; rc=$?
out=$(tr -d '\r' <"$T/o")
expect_match run-tty-console-size "$out" '^12 34$'
expect_match run-tty-piped-is-pts "$out" '^/dev/pts/[0-9]+$'
expect_eq run-tty-eof-ends-shell "$rc" 0
C run --bundle "$B" sh3 </dev/null >"$T/o" 2>&1; rc=$?
out=$(tr -d '\r' <"$T/o")
expect_eq run-tty-null-stdin-ends-shell "$rc:$(echo "$out" | grep -c 'BusyBox')" 0:1

# killed from the host while the terminal is raw: status 128+9, terminal put back
out=$(cd "$B" && PTY 30 100 'expect=# ' "host=\"$CELLA\" --root \"$STATE\" kill sh4 KILL" \
	-- "$CELLA" --root "$STATE" run sh4)
expect_match run-tty-killed-status "$out" '^exit=137$'
expect_match run-tty-killed-restored "$out" '^termios-restored=yes$'

# exec -t into a running container (whose own process has no terminal)
jq '.process.terminal = false | .process.args = ["sleep", "1000"]' "$B/config.json" >"$T/c.json"
cp "$T/c.json" "$B/config.json"
C run -d --bundle "$B" ex1
out=$(PTY 25 80 'expect=# ' mode 'send=tty; stty size; echo $$\n' 'expect=/dev/pts/[0-9]+' \
	'expect=25 80' resize=50,132 sleep=0.3 'send=stty size\n' 'expect=50 132' 'send=exit 7\n' \
	-- "$CELLA" --root "$STATE" exec -t ex1 sh)
expect_match exec-tty-is-pts "$out" '^expect /dev/pts/\[0-9\]\+: found$'
expect_match exec-tty-raw-meanwhile "$out" '^mode: raw$'
expect_match exec-tty-window-size "$out" '^expect 25 80: found$'
expect_match exec-tty-sigwinch "$out" '^expect 50 132: found$'
expect_match exec-tty-exit-status "$out" '^exit=7$'
expect_match exec-tty-termios-restored "$out" '^termios-restored=yes$'
printf 'tty\n' | C exec -t ex1 sh >"$T/o" 2>&1; rc=$?
out=$(tr -d '\r' <"$T/o")
expect_eq exec-tty-piped "$rc:$(echo "$out" | grep -c '^/dev/pts/')" 0:1
err=$(C exec -t -d ex1 sh 2>&1); rc=$?
expect_eq exec-tty-detach-needs-socket "$rc:$(echo "$err" | grep -c 'needs --console-socket')" 2:1
C delete -f ex1

# with runc, the oracle: the same bundle gives the same answers through its own pty
if command -v runc >/dev/null; then
	# (no stty: runc sets the window size after the process starts, which may look first)
	jq '.process.terminal = true | .process.args = ["sh", "-c", "tty; [ -t 0 ] && [ -t 2 ] && echo ttys; exit 3"]
	    | del(.process.consoleSize)' "$B/config.json" >"$T/c.json"
	cp "$T/c.json" "$B/config.json"
	want=$(cd "$B" && PTY 20 60 -- runc --root "$T/rs" run "or1-$$" | sed -n '/^--- output/,$p')
	got=$(cd "$B" && PTY 20 60 -- "$CELLA" --root "$STATE" run or2 | sed -n '/^--- output/,$p')
	expect_eq oracle-tty "$got" "$want"
else
	skip oracle-tty "runc is not installed"
fi

expect_eq nothing-left-mounted "$(leftover_mounts)" 0
expect_eq nothing-left-in-state "$(C list -q | wc -l)" 0
