# `cella host` against fixture trees (via --root) for each kind of machine, and on this one.
. "$CELLA_TOP/tests/lib.sh"

work=$(mktemp -d /tmp/cella-host.XXXXXX)
trap 'rm -rf "$work"' EXIT

# mkhost DIR cpu=intel|amd|amd-novirt kvm=kvm_intel|kvm_amd|kvm_pvm|none userns=on|off
#        cgroup=v1|v2|hybrid
mkhost() {
	local d=$1 cpu=amd-novirt kvm=none userns=on cgroup=v2 kv; shift
	for kv in "$@"; do
		case "$kv" in
		cpu=*) cpu=${kv#cpu=} ;; kvm=*) kvm=${kv#kvm=} ;;
		userns=*) userns=${kv#userns=} ;; cgroup=*) cgroup=${kv#cgroup=} ;;
		esac
	done
	mkdir -p "$d/proc/self/ns" "$d/proc/sys/user" "$d/proc/sys/kernel/seccomp" \
		"$d/sys/module" "$d/dev" "$d/sys/fs/cgroup"
	local vendor flags model
	case "$cpu" in
	intel) vendor=GenuineIntel model="Intel(R) Xeon(R)" flags="fpu vme de pse msr vmx ssse3 sse4_1" ;;
	amd) vendor=AuthenticAMD model="AMD EPYC" flags="fpu vme de pse msr svm sse4a" ;;
	amd-novirt) vendor=AuthenticAMD model="AMD EPYC" flags="fpu vme de pse msr sse4a hypervisor" ;;
	esac
	for i in 0 1; do
		printf 'processor\t: %d\nvendor_id\t: %s\nmodel name\t: %s\nflags\t\t: %s\n\n' \
			"$i" "$vendor" "$model" "$flags"
	done >"$d/proc/cpuinfo"
	if [ "$kvm" != none ]; then
		mkdir -p "$d/sys/module/kvm" "$d/sys/module/$kvm"
		: >"$d/dev/kvm"
	fi
	local ns
	for ns in cgroup ipc mnt net pid time user uts; do
		: >"$d/proc/self/ns/$ns"
		echo 1000 >"$d/proc/sys/user/max_${ns}_namespaces"
	done
	[ "$userns" = off ] && echo 0 >"$d/proc/sys/user/max_user_namespaces"
	printf 'Name:\tcella\nSeccomp:\t0\nSeccomp_filters:\t0\n' >"$d/proc/self/status"
	echo "kill_process kill_thread trap errno user_notif trace log allow" \
		>"$d/proc/sys/kernel/seccomp/actions_avail"
	{
		echo "22 1 0:21 / /proc rw,nosuid - proc proc rw"
		case "$cgroup" in
		v2) echo "30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate" ;;
		v1|hybrid)
			echo "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755"
			local n=32 c
			for c in cpu,cpuacct memory pids freezer devices; do
				echo "$n 31 0:$n / /sys/fs/cgroup/$c rw,relatime - cgroup cgroup rw,$c"
				n=$((n + 1))
			done
			echo "40 31 0:40 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd" ;;
		esac
		[ "$cgroup" = hybrid ] &&
			echo "41 31 0:41 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw"
	} >"$d/proc/self/mountinfo"
	case "$cgroup" in
	v2) echo "cpuset cpu io memory hugetlb pids rdma misc" >"$d/sys/fs/cgroup/cgroup.controllers" ;;
	hybrid) mkdir -p "$d/sys/fs/cgroup/unified"
		echo "hugetlb" >"$d/sys/fs/cgroup/unified/cgroup.controllers" ;;
	esac
}

# q CASE JQ-FILTER: query the JSON report of a fixture case
q() { "$CELLA" host --root "$work/$1" --json | jq -r "$2"; }

mkhost "$work/intel" cpu=intel kvm=kvm_intel cgroup=v2
expect_eq intel-vmx "$(q intel '.cpu.vmx')" true
expect_eq intel-vendor "$(q intel '.cpu.vendor')" GenuineIntel
expect_eq intel-backing "$(q intel '.kvm.backing')" hardware
expect_eq intel-modules "$(q intel '.kvm.modules | join(",")')" kvm,kvm_intel
expect_eq intel-not-a-chardev-noted "$(q intel '.kvm.api_note')" "not a character device"
expect_eq intel-fixture-device-not-usable "$(q intel '.techniques.kvm.usable')" false
expect_eq intel-cpu-count "$(q intel '.cpu.count')" 2

mkhost "$work/amd" cpu=amd kvm=kvm_amd cgroup=v2
expect_eq amd-svm "$(q amd '.cpu.svm')" true
expect_eq amd-vmx "$(q amd '.cpu.vmx')" false
expect_eq amd-backing "$(q amd '.kvm.backing')" hardware

mkhost "$work/pvm" cpu=amd-novirt kvm=kvm_pvm cgroup=hybrid
expect_eq pvm-backing "$(q pvm '.kvm.backing')" software-pvm
expect_eq pvm-hypervisor "$(q pvm '.cpu.hypervisor')" true
expect_eq pvm-kvm-unusable "$(q pvm '.techniques.kvm.usable')" false
expect_match pvm-consequence "$(q pvm '.techniques.kvm.why')" 'stock Linux kernel does not boot'
expect_eq pvm-recommends-emulation "$(q pvm '.recommended')" emulation
text=$("$CELLA" host --root "$work/pvm")
expect_match pvm-text-backing "$text" 'backing +software-pvm'

mkhost "$work/nokvm" cpu=amd-novirt kvm=none
expect_eq nokvm-present "$(q nokvm '.kvm.present')" false
expect_eq nokvm-backing "$(q nokvm '.kvm.backing')" absent
expect_eq nokvm-mode-null "$(q nokvm '.kvm.mode')" null
expect_eq nokvm-emulation-usable "$(q nokvm '.techniques.emulation.usable')" true

mkhost "$work/notloaded" cpu=intel kvm=none
expect_eq notloaded-backing "$(q notloaded '.kvm.backing')" not-loaded
expect_match notloaded-advice "$(q notloaded '.techniques.kvm.why')" 'modprobe kvm_intel'
expect_eq notloaded-no-note "$(q notloaded '.kvm.note')" null

# modules loaded, no device node: what a container (or a VM without nested virtualization) sees
mkhost "$work/nonode" cpu=amd-novirt kvm=kvm_pvm
rm "$work/nonode/dev/kvm"
expect_eq nonode-backing "$(q nonode '.kvm.backing')" absent
expect_match nonode-note "$(q nonode '.kvm.note')" 'loaded but there is no /dev/kvm device node: typical inside a container'
text=$("$CELLA" host --root "$work/nonode")
expect_match nonode-text-note "$text" 'note +KVM modules are loaded but there is no /dev/kvm'
expect_match nonode-text-next "$text" 'cella vm --arch riscv64 +boot an emulated riscv64 machine'
check nonode-text-no-kvm-next sh -c '! printf "%s" "$1" | grep -q "^  cella vm  "' _ "$text"
mkhost "$work/intel-nonode" cpu=intel kvm=kvm_intel
rm "$work/intel-nonode/dev/kvm"
expect_match intel-nonode-advice "$(q intel-nonode '.techniques.kvm.why')" 'kvm_intel is loaded, but there is no /dev/kvm: pass the device in'
expect_eq schema-version "$(q intel '.schema_version')" 1

mkhost "$work/nouserns" userns=off
expect_eq nouserns-unprivileged "$(q nouserns '.namespaces.user.unprivileged')" false
expect_match nouserns-note "$(q nouserns '.namespaces.user.note')" 'max_user_namespaces is 0'
expect_eq nouserns-max "$(q nouserns '.namespaces.max.user')" 0
expect_eq userns-on "$(q intel '.namespaces.user.unprivileged')" true
expect_eq ns-available "$(q intel '.namespaces.available | join(",")')" \
	cgroup,ipc,mnt,net,pid,time,user,uts

mkhost "$work/v1" cgroup=v1
expect_eq v1-mode "$(q v1 '.cgroups.mode')" v1
expect_eq v1-controllers "$(q v1 '.cgroups.v1.controllers | join(",")')" \
	cpu,cpuacct,memory,pids,freezer,devices
expect_eq v1-root "$(q v1 '.cgroups.v1.root')" /sys/fs/cgroup
expect_eq v1-no-v2 "$(q v1 '.cgroups.v2')" null

expect_eq v2-mode "$(q intel '.cgroups.mode')" v2
expect_eq v2-mount "$(q intel '.cgroups.v2.mount')" /sys/fs/cgroup
expect_eq v2-controllers "$(q intel '.cgroups.v2.controllers | join(",")')" \
	cpuset,cpu,io,memory,hugetlb,pids,rdma,misc
expect_eq v2-no-v1 "$(q intel '.cgroups.v1')" null

expect_eq hybrid-mode "$(q pvm '.cgroups.mode')" hybrid
expect_eq hybrid-v2-mount "$(q pvm '.cgroups.v2.mount')" /sys/fs/cgroup/unified
expect_eq hybrid-v2-controllers "$(q pvm '.cgroups.v2.controllers | join(",")')" hugetlb
expect_eq hybrid-v1-has-memory "$(q pvm '.cgroups.v1.controllers | index("memory") != null')" true

expect_eq seccomp-actions "$(q intel '.seccomp.actions | length')" 8
mkdir -p "$work/bare"
expect_eq bare-tree-cgroup-none "$(q bare '.cgroups.mode')" none
expect_eq bare-tree-no-seccomp "$(q bare '.seccomp.supported')" false
expect_eq bare-tree-container-unusable "$(q bare '.techniques.container.usable')" false
expect_eq guests "$(q bare '.guests.emulated | join(",")')/$(q bare '.guests.kvm')" riscv64/x86_64

# This machine: the report must agree with what /proc and /sys say, whatever the host is.
live=$("$CELLA" host --json); rc=$?
expect_eq live-exit-0 "$rc" 0
check live-json-parses jq -e . <<<"$live" >/dev/null
lq() { jq -r "$1" <<<"$live"; }
if grep -qwE 'vmx|svm' /proc/cpuinfo; then hw=true; else hw=false; fi
expect_eq live-vmx-or-svm "$( [ "$(lq '.cpu.vmx')" = true ] || [ "$(lq '.cpu.svm')" = true ] && echo true || echo false)" "$hw"
if [ -e /dev/kvm ]; then
	expect_eq live-kvm-present "$(lq '.kvm.present')" true
	if [ -d /sys/module/kvm_pvm ] && [ "$hw" = false ]; then
		expect_eq live-pvm "$(lq '.kvm.backing')" software-pvm
		expect_eq live-api "$(lq '.kvm.api_version')" 12
	elif [ "$hw" = true ]; then
		expect_eq live-hardware "$(lq '.kvm.backing')" hardware
	fi
else
	expect_eq live-kvm-absent "$(lq '.kvm.present')" false
fi
if grep -q ' - cgroup cgroup ' /proc/self/mountinfo; then
	if grep -q ' - cgroup2 ' /proc/self/mountinfo; then want=hybrid; else want=v1; fi
elif grep -q ' - cgroup2 ' /proc/self/mountinfo; then want=v2; else want=none; fi
expect_eq live-cgroup-mode "$(lq '.cgroups.mode')" "$want"
expect_eq live-emulation "$(lq '.techniques.emulation.usable')" true
text=$("$CELLA" host)
expect_match live-text-has-techniques "$text" '^Techniques'
