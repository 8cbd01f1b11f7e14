# Helpers for integration tests: each check prints one protocol line for tests/run.
# $CELLA is the binary under test; $CELLA_TOP the source tree.
: "${CELLA:?set by tests/run}"
suite=$(basename "$0" .sh)

pass() { echo "PASS $suite/$1"; }
fail() { echo "FAIL $suite/$1${2:+: $2}"; }
skip() { echo "SKIP $suite/$1: $2"; }

# check NAME CONDITION-COMMAND...: pass when the command succeeds.
check() {
	local name=$1; shift
	if "$@"; then pass "$name"; else fail "$name" "$*"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

# expect_match NAME TEXT REGEX
expect_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then pass "$1"; else fail "$1" "'$3' not in: $2"; fi
}
