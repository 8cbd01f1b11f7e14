#!/usr/bin/env python3
"""Write a random RV64IMC+Zba/Zbb/Zbc/Zbs instruction sequence as a bare-metal test whose output
(every register after the run, in hex over HTIF) is compared between cella and QEMU.
With a third argument "fp", the sequence is F/D instructions on random and special values in
random rounding modes, and fflags is dumped too.
Usage: gen-random.py SEED COUNT [fp] > out.S"""
import random
import sys

seed, count = int(sys.argv[1]), int(sys.argv[2])
fp_mode = len(sys.argv) > 3 and sys.argv[3] == "fp"
rnd = random.Random(seed)
# x8 (s0) is the data base, x3 (gp) the test number, x2 (sp) the stack: never destinations
dst = [r for r in range(1, 32) if r not in (2, 3, 8)]
src = list(range(0, 32))
rr = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "addw", "subw",
      "sllw", "srlw", "sraw", "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
      "mulw", "divw", "divuw", "remw", "remuw", "sh1add", "sh2add", "sh3add", "add.uw",
      "sh1add.uw", "sh2add.uw", "sh3add.uw", "andn", "orn", "xnor", "max", "maxu", "min", "minu",
      "rol", "ror", "rolw", "rorw", "bclr", "bext", "binv", "bset", "clmul", "clmulh", "clmulr"]
ri = ["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"]
sh = ["slli", "srli", "srai", "rori", "bclri", "bexti", "binvi", "bseti", "slli.uw"]
shw = ["slliw", "srliw", "sraiw", "roriw"]
# no ctzw: QEMU 7.2 counts past bit 31 when the low word is zero (zb.S tests it directly)
un = ["clz", "ctz", "cpop", "clzw", "cpopw", "sext.b", "sext.h", "zext.h", "orc.b", "rev8"]
ld = [("lb", 1), ("lh", 2), ("lw", 4), ("ld", 8), ("lbu", 1), ("lhu", 2), ("lwu", 4)]
st = [("sb", 1), ("sh", 2), ("sw", 4), ("sd", 8)]
creg = list(range(9, 16))  # x9..x15: compressed-encodable registers minus s0 (x8)
special = [0, 1, -1, 0x7fffffffffffffff, -0x8000000000000000, 0x80000000, 0x7fffffff, -0x80000000]


def fp_value(double):
    """A random or special IEEE value as raw bits, biased towards edge cases."""
    if double:
        specials = [0, 1 << 63, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
                    0x7ff0000000000001, 1, 0x000fffffffffffff, 0x0010000000000000,
                    0x7fefffffffffffff, 0x3ff0000000000000, 0x3ff0000000000001,
                    0x3ca0000000000000, 0x4340000000000000, 0xc3e0000000000000]
        exp_bits, man_bits = 11, 52
    else:
        specials = [0, 1 << 31, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 1, 0x007fffff,
                    0x00800000, 0x7f7fffff, 0x3f800000, 0x3f800001, 0x33800000, 0x4b800000,
                    0xdf000000]
        exp_bits, man_bits = 8, 23
    if rnd.random() < 0.35:
        return rnd.choice(specials)
    bias = (1 << (exp_bits - 1)) - 1
    e = min(max(bias + rnd.randint(-40, 64), 0), (1 << exp_bits) - 1)
    man = rnd.getrandbits(man_bits)
    if rnd.random() < 0.3:  # few significant bits: exact results and ties
        man &= ~((1 << rnd.randint(man_bits - 8, man_bits)) - 1) & ((1 << man_bits) - 1)
    return (rnd.getrandbits(1) << (exp_bits + man_bits)) | (e << man_bits) | man


def fp_program():
    """F/D instructions; f0..f31 and x5..x31 are dumped, fflags accumulates."""
    print("\tla s0, data")
    for r in range(32):
        dbl = rnd.random() < 0.5
        v = fp_value(dbl)
        if not dbl:
            v |= 0xffffffff00000000  # NaN-boxed single
        if rnd.random() < 0.05:
            v = rnd.getrandbits(64)  # sometimes not boxed at all
        print(f"\tli t0, {v}; fmv.d.x f{r}, t0")
    for r in range(5, 32):
        if r != 8:
            print(f"\tli x{r}, {rnd.choice([0, 1, -1, 1 << 53, (1 << 53) + 1, (1 << 63) - 1, rnd.getrandbits(63)])}")
    rms = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"]
    ops2 = ["fadd", "fsub", "fmul", "fdiv"]
    for _ in range(count):
        t = rnd.choice([".s", ".d"])
        d, a, b, c = (rnd.randrange(32) for _ in range(4))
        xd = rnd.choice([r for r in range(5, 32) if r != 8])
        xa = rnd.choice([r for r in range(5, 32) if r != 8])
        rm = rnd.choice(rms)
        k = rnd.random()
        if k < 0.02:
            print(f"\tcsrwi frm, {rnd.randrange(5)}")
        elif k < 0.35:
            print(f"\t{rnd.choice(ops2)}{t} f{d}, f{a}, f{b}, {rm}")
        elif k < 0.42:
            print(f"\tfsqrt{t} f{d}, f{a}, {rm}")
        elif k < 0.55:
            print(f"\t{rnd.choice(['fmadd', 'fmsub', 'fnmadd', 'fnmsub'])}{t} f{d}, f{a}, f{b}, f{c}, {rm}")
        elif k < 0.62:
            print(f"\t{rnd.choice(['fmin', 'fmax', 'fsgnj', 'fsgnjn', 'fsgnjx'])}{t} f{d}, f{a}, f{b}")
        elif k < 0.70:
            print(f"\t{rnd.choice(['feq', 'flt', 'fle'])}{t} x{xd}, f{a}, f{b}")
        elif k < 0.74:
            print(f"\tfclass{t} x{xd}, f{a}")
        elif k < 0.84:
            print(f"\tfcvt.{rnd.choice(['w', 'wu', 'l', 'lu'])}{t} x{xd}, f{a}, {rm}")
        elif k < 0.92:
            src = rnd.choice(['w', 'wu', 'l', 'lu'])
            exact = t == ".d" and src in ("w", "wu")  # takes no rounding mode
            print(f"\tfcvt{t}.{src} f{d}, x{xa}" + ("" if exact else f", {rm}"))
        elif k < 0.96:
            print(f"\tfcvt.s.d f{d}, f{a}, {rm}" if t == ".s" else f"\tfcvt.d.s f{d}, f{a}")
        else:
            print(f"\tfmv.x.{'w' if t == '.s' else 'd'} x{xd}, f{a}")
    print("\tla t0, dump")
    for r in range(32):
        print(f"\tfsd f{r}, {8 * r}(t0)")
    for r in range(5, 32):
        if r != 8:
            print(f"\tsd x{r}, {8 * (32 + r - 5)}(t0)")
    print(f"\tcsrr t1, fflags; sd t1, {8 * 59}(t0)")


def print_dump_and_end(words, dump_words):
    """Print `words` doublewords from `dump` on, one hex line each (the output compared with
    QEMU's), end the test, and place print_hex and a dump buffer of dump_words."""
    print(f"\tla s1, dump; li s2, {words}")
    print("2:\tld a0, 0(s1); jal ra, print_hex; addi s1, s1, 8; addi s2, s2, -1; bnez s2, 2b")
    print("RVTEST_END")
    print("RVTEST_PRINT_HEX")
    print("\t.section .data\n\t.align 4")
    print(f"dump:\t.space {dump_words} * 8")


print('#include "test.h"')
print("RVTEST_BEGIN")
if fp_mode:
    fp_program()
    print_dump_and_end(60, 60)
    print("data:\t.space 64")
    sys.exit(0)
print("\tla s0, data")
for r in dst:
    v = rnd.choice(special) if rnd.random() < 0.3 else rnd.getrandbits(64) - (1 << 63)
    print(f"\tli x{r}, {v}")
label = 0
for _ in range(count):
    k = rnd.random()
    d, a, b = rnd.choice(dst), rnd.choice(src), rnd.choice(src)
    if k < 0.45:
        print(f"\t{rnd.choice(rr)} x{d}, x{a}, x{b}")
    elif k < 0.55:
        print(f"\t{rnd.choice(ri)} x{d}, x{a}, {rnd.randint(-2048, 2047)}")
    elif k < 0.63:
        print(f"\t{rnd.choice(sh)} x{d}, x{a}, {rnd.randint(0, 63)}")
    elif k < 0.67:
        print(f"\t{rnd.choice(shw)} x{d}, x{a}, {rnd.randint(0, 31)}")
    elif k < 0.72:
        print(f"\t{rnd.choice(un)} x{d}, x{a}")
    elif k < 0.80:
        op, size = rnd.choice(ld)
        print(f"\t{op} x{d}, {rnd.randrange(0, 256 - size)}(s0)")
    elif k < 0.87:
        op, size = rnd.choice(st)
        print(f"\t{op} x{b}, {rnd.randrange(0, 256 - size)}(s0)")
    elif k < 0.94:
        c, e = rnd.choice(creg), rnd.choice(creg)
        form = rnd.randrange(6)
        if form == 0:
            print(f"\tc.addi x{c}, {rnd.choice([i for i in range(-32, 32) if i])}")
        elif form == 1:
            print(f"\tc.{rnd.choice(['sub', 'xor', 'or', 'and', 'subw', 'addw'])} x{c}, x{e}")
        elif form == 2:
            print(f"\tc.{rnd.choice(['srli', 'srai', 'slli'])} x{c}, {rnd.randint(1, 63)}")
        elif form == 3:
            print(f"\tc.andi x{c}, {rnd.randint(-32, 31)}")
        elif form == 4:
            print(f"\tc.addiw x{c}, {rnd.randint(-32, 31)}")
        else:
            print(f"\tc.li x{c}, {rnd.randint(-32, 31)}")
    else:
        br = rnd.choice(["beq", "bne", "blt", "bge", "bltu", "bgeu"])
        print(f"\t{br} x{a}, x{b}, 1f")
        print(f"\taddi x{d}, x{d}, 1")
        print("1:")
# dump x1..x31 and the data buffer
print("\tla t0, dump")
for r in range(1, 32):
    print(f"\tsd x{r}, {8 * (r - 1)}(t0)")
print_dump_and_end(31 + 32, 31)  # the registers, then the data buffer that follows them
print("data:")
for i in range(32):
    print(f"\t.dword {rnd.getrandbits(64)}")
