#!/usr/bin/env python3
"""Wrap a RISC-V Linux Image into an ELF laid out as Linux's own vmlinux is: one PT_LOAD
linked at 0xffffffff80000000 (the Image is that segment's bytes), memsz the header's
image_size (so bss is included), entry at its start. PADDR is the segment's physical address:
"vaddr" (the same as the virtual one) or a number.
Usage: image2elf.py IMAGE OUT.elf [PADDR]"""
import struct, sys

image = open(sys.argv[1], "rb").read()
vaddr = 0xffffffff80000000
paddr = vaddr if len(sys.argv) < 4 or sys.argv[3] == "vaddr" else int(sys.argv[3], 0)
image_size = struct.unpack_from("<Q", image, 0x10)[0] or len(image)
ehsize, phentsize, offset = 64, 56, 0x1000
ehdr = (b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) +
        struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, vaddr, ehsize, 0, 0, ehsize, phentsize, 1,
                    64, 0, 0))
phdr = struct.pack("<IIQQQQQQ", 1, 7, offset, vaddr, paddr, len(image), image_size, 0x200000)
out = ehdr + phdr
out += bytes(offset - len(out)) + image
open(sys.argv[2], "wb").write(out)
