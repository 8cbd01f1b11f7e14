# Shared by the scripts in this folder (sourced, POSIX sh): installing Debian packages on a
# machine where another apt may be running (a fresh cloud VM's unattended-upgrades, a shared
# machine's other users), and progress lines for long builds.

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# How long to wait for another apt or dpkg to finish, in seconds.
apt_lock_timeout=${CELLA_APT_LOCK_TIMEOUT:-900}

# The packages among "$@" that are not installed.
apt_missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' ||
			printf '%s ' "$p"
	done
}

# The process holding a lock file, as "NAME (pid N)", or nothing (lslocks is util-linux's).
apt_lock_holder() {
	command -v lslocks >/dev/null 2>&1 || return 0
	lslocks -n -r -o PID,COMMAND,PATH 2>/dev/null |
		awk -v f="$1" '$3 == f { print $2 " (pid " $1 ")"; exit }'
}

# Wait until nobody holds the lock file $1. apt-get install waits for dpkg's lock itself
# (DPkg::Lock::Timeout), but apt-get update gives up at once when the lists are locked.
apt_wait_lock() {
	waited=0
	while holder=$(apt_lock_holder "$1"); [ -n "$holder" ]; do
		if [ "$waited" -ge "$apt_lock_timeout" ]; then
			echo "apt: $holder still holds $1 after ${waited}s; giving up" >&2
			return 1
		fi
		[ "$waited" -eq 0 ] && echo "apt: waiting for $holder to release $1 ..."
		sleep 3
		waited=$((waited + 3))
	done
}

# apt-get update, waiting for the lists lock; a lock taken between the look and apt's own
# attempt (lslocks cannot see every lock as a user) is waited for too. apt's output is shown.
apt_update() {
	start=$(date +%s)
	log=$(mktemp /tmp/cella-apt.XXXXXX)
	while :; do
		apt_wait_lock /var/lib/apt/lists/lock || break
		{ $SUDO apt-get update -q 2>&1; echo "$?" >"$log.rc"; } | tee "$log"
		if [ "$(cat "$log.rc")" = 0 ]; then
			rm -f "$log" "$log.rc"
			return 0
		fi
		grep -q 'Could not get lock' "$log" || break
		[ $(($(date +%s) - start)) -lt "$apt_lock_timeout" ] || break
		echo "apt: the package lists are locked; waiting ..."
		sleep 3
	done
	rm -f "$log" "$log.rc"
	return 1
}

# Install those of "$@" that are missing, from the machine's own apt sources.
apt_install() {
	missing=$(apt_missing "$@")
	[ -n "$missing" ] || return 0
	echo "installing from Debian's archive: $missing"
	apt_update || return 1
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout="$apt_lock_timeout" \
		install -y -q --no-install-recommends $missing
}

# Read a build's output (one line per file made) on stdin; say how far it got every 30 s.
progress() { # label
	n=0 start=$(date +%s)
	last=$start
	while IFS= read -r _; do
		n=$((n + 1))
		[ $((n % 20)) -eq 0 ] || continue
		now=$(date +%s)
		if [ $((now - last)) -ge 30 ]; then
			echo "$1: $n files built, $(((now - start) / 60)) min $(((now - start) % 60)) s so far"
			last=$now
		fi
	done
	echo "$1: $n files built in $(($(date +%s) - start)) s"
}
