# The runtime's protections, each checked by an attempt that would succeed without it.
. "$CELLA_TOP/tests/integration/container-lib.bash"
ctr_need_root
build_probe
if [ -z "$CTR_PROBE" ]; then skip all "cannot build the static probe: $(head -1 "$T/probe.err")"; exit 0; fi

B=$T/bundle
make_bundle "$B" '.root.readonly = false'
cp "$B/config.json" "$T/good.json"

# --- the runtime binary cannot be overwritten from inside (CVE-2019-5736) -----------------
# The attack: hold an fd on the exe of a runtime process that entered the container (its
# init before start, or one reached through a #!/proc/self/exe binary), wait until the
# runtime is gone, then write through the fd. A copy of cella is the target, so a failure
# here cannot break the other tests.
cp "$CELLA" "$T/cella"
sum_before=$(sha256sum <"$T/cella")
X() { "$T/cella" --root "$STATE" "$@"; }
set_args "$B" true
X create --bundle "$B" att
ipid=$(X state att | jq -r .pid)
expect_match init-exe-is-sealed-memfd "$(readlink /proc/$ipid/exe)" '^/memfd:cella'
exec 9</proc/$ipid/exe
X delete -f att
if ( echo X >>/proc/self/fd/9 ) 2>/dev/null; then wrote=yes; else wrote=no; fi
exec 9<&-
expect_eq exe-write-through-fd-fails "$wrote" no
expect_eq exe-not-overwritten "$(sha256sum <"$T/cella")" "$sum_before"
# #!/proc/self/exe in the container reaches at most the sealed copy
printf '#!/proc/self/exe\n' >"$B/rootfs/bin/evil"; chmod +x "$B/rootfs/bin/evil"
set_args "$B" /bin/evil
X run --bundle "$B" att2 >/dev/null 2>&1
expect_eq exe-still-intact "$(sha256sum <"$T/cella")" "$sum_before"

# The process the runtime leaves in the container is never the host binary.
set_args "$B" sh -c 'readlink /proc/$PPID/exe 2>/dev/null; echo done'
cp "$T/good.json" "$B/config.json"
set_args "$B" sleep 100
C run -d --bundle "$B" ex
out=$(C exec ex sh -c 'for p in /proc/[0-9]*; do readlink $p/exe; done')
C delete -f ex
case "$out" in *"$CELLA"*|*"$(basename "$CELLA")"*) fail runtime-exe-hidden "$out" ;;
*) pass runtime-exe-hidden ;; esac

# --- no file descriptors leak into the container -----------------------------------------
set_args "$B" /bin/probe fds
out=$(C run --bundle "$B" fd1 3>/dev/null 4>/dev/null 2>&1)
expect_eq no-leaked-fds "$out" "fds 0 1 2"
out=$(C run --preserve-fds 1 --bundle "$B" fd2 3</dev/null 4</dev/null 2>&1)
expect_eq preserve-fds "$out" "fds 0 1 2 3"
set_args "$B" sleep 100
C run -d --bundle "$B" fd3
out=$(C exec fd3 /bin/probe fds 5</dev/null 2>&1)
expect_eq exec-no-leaked-fds "$out" "fds 0 1 2"

# --- cwd is resolved inside the container ------------------------------------------------
mkdir -p "$B/rootfs/inside"; touch "$B/rootfs/inside/marker-in"
ln -s /inside "$B/rootfs/link"
jq '.process.cwd = "/../../../../inside"' "$T/good.json" >"$B/config.json"
set_args "$B" sh -c 'pwd; ls'
out=$(C run --bundle "$B" cwd1 2>&1)
expect_eq cwd-dotdot-stays-inside "$(echo $out)" "/inside marker-in"
jq '.process.cwd = "/link"' "$T/good.json" >"$B/config.json"
set_args "$B" sh -c 'ls'
expect_eq cwd-symlink-stays-inside "$(C run --bundle "$B" cwd2 2>&1)" "marker-in"
err=$(C exec --cwd /proc/self/fd/0 fd3 true 2>&1); rc=$?
expect_eq exec-cwd-magic-link-refused "$rc" 1
expect_match exec-cwd-magic-link-message "$err" 'process.cwd'
out=$(C exec --cwd /../../inside fd3 ls 2>&1)
expect_eq exec-cwd-inside "$out" "marker-in"
C delete -f fd3
cp "$T/good.json" "$B/config.json"

# --- mount destinations cannot leave the rootfs ------------------------------------------
mkdir -p "$T/host-target"
ln -s "$T/host-target" "$B/rootfs/escape"
jq '.mounts += [{"destination": "/escape/sub", "type": "tmpfs", "source": "tmpfs"}]' \
	"$T/good.json" >"$B/config.json"
set_args "$B" sh -c 'grep -c " /escape/sub\| '"$T"'/host-target/sub " /proc/self/mounts'
out=$(C run --bundle "$B" esc1 2>&1)
expect_eq mount-symlink-host-untouched "$(ls -A "$T/host-target" | wc -l)" 0
expect_eq mount-symlink-made-inside "$([ -d "$B/rootfs/$T/host-target/sub" ] && echo yes)" yes
expect_eq mount-symlink-mounted-inside "$out" 1
cp "$T/good.json" "$B/config.json"

# --- a rootfs whose /proc is a symlink is refused ----------------------------------------
make_rootfs "$T/evilroot"
rmdir "$T/evilroot/proc"; ln -s /tmp "$T/evilroot/proc"
jq --arg r "$T/evilroot" '.root.path = $r' "$T/good.json" >"$B/config.json"
err=$(C create --bundle "$B" proc1 2>&1); rc=$?
expect_eq proc-symlink-refused "$rc" 1
expect_match proc-symlink-message "$err" '`/proc` is a symlink in the rootfs: refused'
expect_eq proc-symlink-nothing-left "$(leftover_state proc1)" no
cp "$T/good.json" "$B/config.json"

# --- masking needs the real /dev/null ----------------------------------------------------
mkdir -p "$T/fakedev"; echo not-null >"$T/fakedev/null"
jq --arg d "$T/fakedev" '.mounts |= map(select(.destination | startswith("/dev") | not))
	| .mounts += [{"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind"]}]' \
	"$T/good.json" >"$B/config.json"
err=$(C run --bundle "$B" mask1 2>&1); rc=$?
expect_eq fake-dev-null-refused "$rc" 1
expect_match fake-dev-null-message "$err" '/dev/null is not the null device'
cp "$T/good.json" "$B/config.json"
set_args "$B" sh -c 'cat /proc/timer_list | wc -c; ls /sys/firmware | wc -l; (echo x > /proc/sys/kernel/domainname) 2>&1 | grep -c Read-only'
expect_eq masked-and-readonly "$(C run --bundle "$B" mask2 2>&1 | tr '\n' ' ')" "0 0 1 "

# --- writes to /proc must land on procfs -------------------------------------------------
echo 0 >"$T/fake-forward"
jq --arg f "$T/fake-forward" '.mounts += [{"destination": "/proc/sys/net/ipv4/ip_forward", "type": "bind", "source": $f, "options": ["bind"]}]
	| .linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.readonlyPaths = []' "$T/good.json" >"$B/config.json"
err=$(C run --bundle "$B" sysctl1 2>&1); rc=$?
expect_eq sysctl-not-procfs-refused "$rc" 1
expect_match sysctl-not-procfs-message "$err" 'is not on procfs: refused'
expect_eq sysctl-fake-untouched "$(cat "$T/fake-forward")" 0
jq '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.readonlyPaths = []' "$T/good.json" >"$B/config.json"
set_args "$B" cat /proc/sys/net/ipv4/ip_forward
expect_eq sysctl-applied "$(C run --bundle "$B" sysctl2 2>&1)" 1
cp "$T/good.json" "$B/config.json"

# --- the default seccomp profile ---------------------------------------------------------
set_args "$B" /bin/probe syscalls
out=$(C run --bundle "$B" sc1 2>&1)
expect_match seccomp-clone3-enosys "$out" '^clone3 -1 ENOSYS'
expect_match seccomp-unknown-enosys "$out" 'sys1000 -1 ENOSYS'
expect_match seccomp-mount-eperm "$out" 'mount -1 EPERM'
expect_match seccomp-unshare-eperm "$out" 'unshare -1 EPERM'
expect_match seccomp-allows-getpid "$out" 'getpid 1'
jq 'del(.linux.seccomp)' "$T/good.json" >"$B/config.json"
set_args "$B" /bin/probe syscalls
out=$(C run --bundle "$B" sc2 2>&1)
expect_match no-seccomp-clone3-reaches-kernel "$out" '^clone3 -1 (EINVAL|EFAULT)'
cp "$T/good.json" "$B/config.json"

expect_eq nothing-left-mounted "$(leftover_mounts)" 0
