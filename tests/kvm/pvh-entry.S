/* PVH entry of the 32-bit ELF test guest (see pvh.c): the Xen PHYS32_ENTRY note names
 * pvh_start, entered in 32-bit protected mode without paging, %ebx = hvm_start_info. */
	.section .note.Xen, "a", @note
	.p2align 2
	.long 4, 4, 18          /* name size, descriptor size, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long pvh_start

	.text
	.code32
	.globl pvh_start
pvh_start:
	mov $stack_top, %esp
	push %ebx
	call pvh_main
	mov $0x501, %dx
	out %al, (%dx)
1:	hlt
	jmp 1b

	.bss
	.balign 16
	.space 4096
stack_top:

	.section .note.GNU-stack, "", @progbits
