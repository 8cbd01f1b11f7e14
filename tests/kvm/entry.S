/* Entry points of the KVM test guest (see guest.c). The bzImage's protected-mode part starts
 * here, loaded at its preferred address 0x100000: +0 is the 32-bit entry, which cella does not
 * use, +0x200 the 64-bit entry of the Linux boot protocol (%rsi = boot_params). */
	.section .text.head, "ax"
	.code64
	.globl _start
_start:
	cli
1:	hlt
	jmp 1b

	.org 0x200
startup_64:
	lea stack_top(%rip), %rsp
	mov %rsi, %rdi
	call guest_main
	/* guest_main returns the debug-exit value */
	mov %eax, %eax
	mov $0x501, %dx
	out %al, (%dx)
2:	hlt
	jmp 2b

/* The real-mode trampoline an AP runs after INIT-SIPI: copied to 0x8000 by the BSP, entered
 * with CS = 0x0800, IP = 0. It records its APIC ID and raises a flag, then halts. */
	.code16
	.globl tramp_start, tramp_end, tramp_apic, tramp_flag
tramp_start:
	cli
	mov %cs, %ax
	mov %ax, %ds
	mov $1, %eax
	cpuid
	shr $24, %ebx
	mov %ebx, tramp_apic - tramp_start
	movl $1, tramp_flag - tramp_start
3:	hlt
	jmp 3b
	.balign 4
tramp_apic:	.long 0xffffffff
tramp_flag:	.long 0
tramp_end:
	.code64

	.section .bss
	.balign 16
	.space 8192
stack_top:

	.section .note.GNU-stack, "", @progbits
