/* Benchmark guests, each with two entries doing the same thing, so cella (64-bit entry at
 * +0x200 of the kernel) and QEMU (real-mode setup code, entered at 0x200 of the bzImage)
 * run the same work. BENCH_FIRST: the first instructions write 'F' to the serial port (the
 * harness timestamps its arrival), then exit through the debug-exit port.
 * BENCH_IO: 100000 writes to port 0x80, then the debug-exit port. BENCH_IDLE: halts with
 * interrupts off, for sampling the monitor's memory while the guest sits still. */
#define IO_LOOPS 100000

/* The work, assembled for each entry: these instructions mean the same in 16- and 64-bit
 * mode (the assembler adds the operand-size prefixes). */
.macro BENCH_BODY
#ifdef BENCH_FIRST
	mov $0x3f8, %dx
	mov $'F', %al
	out %al, (%dx)
#endif
#ifdef BENCH_IDLE
	cli
1:	hlt
	jmp 1b
#endif
#ifdef BENCH_IO
	mov $IO_LOOPS, %ecx
2:	out %al, $0x80
	dec %ecx
	jnz 2b
#endif
	mov $0x501, %dx
	xor %eax, %eax
	out %al, (%dx)
3:	hlt
	jmp 3b
.endm

	.section .text, "ax"
	.code64
	.globl _start
_start:
	cli
1:	hlt
	jmp 1b
	.org 0x200
startup_64:
	BENCH_BODY

	.section .realmode, "ax"
	.code16
	BENCH_BODY

	.section .note.GNU-stack, "", @progbits
