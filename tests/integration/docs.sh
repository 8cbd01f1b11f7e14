# The documentation that ships: the man pages (they render without warnings and cover every
# option and command the binary has), what `meson install` installs (the binary, the man
# pages, a default guest that was built), and doc facts that once were wrong.
. "$CELLA_TOP/tests/lib.sh"

build=$(dirname "$CELLA")
work=$(mktemp -d /tmp/cella-docs.XXXXXX)
trap 'rm -rf "$work"' EXIT
render() { MANWIDTH=100 LC_ALL=C.UTF-8 man -E UTF-8 -l "$1" 2>/dev/null; }

if command -v man >/dev/null; then
	for page in cella.1 cella-vm.1 cella-host.1; do
		f=$build/doc/$page
		check "man-$page-built" test -s "$f"
		warnings=$(LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -E UTF-8 -l "$f" 2>&1 >/dev/null)
		expect_eq "man-$page-no-warnings" "$warnings" ""
	done
	vm_page=$(render "$build/doc/cella-vm.1")
	for o in $("$CELLA" help vm | grep -oE -- '--[a-z0-9-]+' | sort -u); do
		expect_match "man-cella-vm-has$o" "$vm_page" -- "$o"
	done
	expect_match man-cella-vm-guest-dir "$vm_page" 'CELLA_GUEST_DIR'
	expect_match man-cella-vm-datadir "$vm_page" '/share/cella/guest/ARCH'
	expect_match man-cella-vm-keys "$vm_page" 'Ctrl-A h'
	expect_match man-cella-vm-exit "$vm_page" '128\+N'
	main_page=$(render "$build/doc/cella.1")
	for c in $("$CELLA" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p'); do
		expect_match "man-cella-has-$c" "$main_page" "\\b$c\\b"
	done
	host_page=$(render "$build/doc/cella-host.1")
	for o in $("$CELLA" help host | grep -oE -- '--[a-z0-9-]+' | sort -u); do
		expect_match "man-cella-host-has$o" "$host_page" -- "$o"
	done
else
	skip man "man is not installed (man-db)"
fi

# meson install: the binary and the man pages, under DESTDIR
if meson install -C "$build" --destdir "$work/dest" --no-rebuild >"$work/install.log" 2>&1; then
	pass meson-install
	prefix=$(meson introspect --buildoptions "$build" | jq -r '.[] | select(.name == "prefix") | .value')
	mandir=$(meson introspect --buildoptions "$build" | jq -r '.[] | select(.name == "mandir") | .value')
	check installed-binary test -x "$work/dest$prefix/bin/cella"
	for page in cella.1 cella-vm.1 cella-host.1; do
		check "installed-$page" test -f "$work/dest$prefix/$mandir/man1/$page"
	done
	expect_match installed-binary-runs "$("$work/dest$prefix/bin/cella" --version)" '^cella version'
else
	fail meson-install "$(tail -5 "$work/install.log")"
fi
# ... and a default guest that was built beside the binary goes to DATADIR/guest/ARCH
mkdir -p "$work/fakebuild/guest/riscv64" "$work/fakebuild/guest/x86_64"
echo kernel >"$work/fakebuild/guest/riscv64/Image"
echo initrd >"$work/fakebuild/guest/riscv64/initramfs.cpio.gz"
out=$(MESON_BUILD_ROOT=$work/fakebuild DESTDIR=$work/dest2 "$CELLA_TOP/guest/meson-install" /opt/cella/share/cella)
expect_match guest-install-says "$out" "Installing the default riscv64 guest to $work/dest2/opt/cella/share/cella/guest/riscv64"
check guest-install-kernel cmp -s "$work/fakebuild/guest/riscv64/Image" "$work/dest2/opt/cella/share/cella/guest/riscv64/Image"
check guest-install-initrd test -f "$work/dest2/opt/cella/share/cella/guest/riscv64/initramfs.cpio.gz"
check guest-install-skips-unbuilt test ! -e "$work/dest2/opt/cella/share/cella/guest/x86_64"
# ... where the binary looks, after beside itself
if [ ! -e "$build/guest/riscv64" ]; then
	err=$(env -u CELLA_GUEST_DIR "$CELLA" vm --arch riscv64 2>&1 </dev/null); rc=$?
	if [ "$rc" = 1 ]; then
		expect_match lookup-names-both-places "$err" \
			"no default riscv64 guest at \`$build/guest/riscv64\` or \`$prefix/share/cella/guest/riscv64\`"
	else
		skip lookup-names-both-places "a default riscv64 guest is installed in $prefix"
	fi
else
	skip lookup-names-both-places "a default riscv64 guest is built beside $CELLA"
fi
# docs/devices.md: the 9p mount line that works in the guest (9P2000.L fails as an option)
check devices-9p-mount-line grep -q 'mount -t 9p -o trans=virtio,version=9p2000.L' "$CELLA_TOP/docs/devices.md"
check devices-9p-no-bad-version sh -c '! grep -q "version=9P2000" "$1"' _ "$CELLA_TOP/docs/devices.md"

# docs/ARCHITECTURE.md names every folder of the tree (by path, or as NAME/ in its parent's row)
if files=$(git -C "$CELLA_TOP" ls-files 2>/dev/null) && [ -n "$files" ]; then
	for d in $(printf '%s\n' "$files" | xargs -n1 dirname | sort -u); do
		[ "$d" = . ] && continue
		check "architecture-names-$d" sh -c 'grep -qF -- "$2" "$1" || grep -qF -- "$3/" "$1"' _ \
			"$CELLA_TOP/docs/ARCHITECTURE.md" "$d" "$(basename "$d")"
	done
else
	skip architecture-folders "$CELLA_TOP is not a git checkout"
fi
# no Markdown table is split in two by a blank line (the second half renders as text)
for f in "$CELLA_TOP"/README.md "$CELLA_TOP"/docs/*.md; do
	# a row right after "row, blank line" that is not the header of a new table (whose next
	# line is the |---| separator)
	split=$(awk 'c { if ($0 !~ /^\|[-:| ]+\|?$/) print c; c = 0 }
		p ~ /^\|/ && $0 == "" { b = NR; next }
		b == NR - 1 && $0 ~ /^\|/ { c = b }
		{ p = $0; b = 0 }' "$f")
	expect_eq "no-split-table-$(basename "$f")" "$split" ""
done
