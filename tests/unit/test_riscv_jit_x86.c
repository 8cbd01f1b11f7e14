/* Unit tests for the block compiler's x86-64 encoder (src/target/riscv/jit/x86.h): every form
 * the translator uses, over registers that need REX, SIB or a displacement, disassembled by
 * Debian's libcapstone and compared with the text it should read as. */
#include <capstone/capstone.h>
#include <stdio.h>

#include "check.h"
#include "target/riscv/jit/x86.h"

static csh cs;

/* Disassemble exactly one instruction filling [code, code+n) and compare with want. */
static void expect_one(const char *what, const uint8_t *code, size_t n, const char *want)
{
	cs_insn *insn;
	size_t   count = cs_disasm(cs, code, n, 0x1000, 0, &insn);
	char     got[160] = "(nothing)";

	if (count >= 1)
		snprintf(got, sizeof(got), "%s%s%s", insn[0].mnemonic, insn[0].op_str[0] ? " " : "",
			 insn[0].op_str);
	bool ok = count == 1 && insn[0].size == n && strcmp(got, want) == 0;
	if (count)
		cs_free(insn, count);
	if (!ok) {
		printf("  %s: got '%s' (%zu instructions), want '%s'\n", what, got, count, want);
		check_current_failed = 1;
	}
}

#define EMIT(want, stmt)                                                                       \
	do {                                                                                   \
		uint8_t        mem_[32];                                                       \
		struct xbuf b_ = { mem_, mem_ + sizeof(mem_), false }, *b = &b_;            \
		stmt;                                                                          \
		CHECK(!b_.full);                                                               \
		expect_one(#stmt, mem_, (size_t)(b_.p - mem_), want);                         \
	} while (0)

static void moves(void)
{
	EMIT("mov rax, rbx", x86_mov_rr(b, X_RAX, X_RBX));
	EMIT("mov r15, r8", x86_mov_rr(b, X_R15, X_R8));
	EMIT("mov r9d, esi", x86_mov_rr32(b, X_R9, X_RSI));
	EMIT("xor r12d, r12d", x86_mov_ri(b, X_R12, 0));
	EMIT("mov ecx, 0x12345678", x86_mov_ri(b, X_RCX, 0x12345678));
	EMIT("mov r10d, 0xffffffff", x86_mov_ri(b, X_R10, 0xffffffff));
	EMIT("mov rdx, -0x10", x86_mov_ri(b, X_RDX, (uint64_t)-16));
	EMIT("movabs r13, 0x123456789a", x86_mov_ri(b, X_R13, 0x123456789aull));
	EMIT("mov rax, qword ptr [rbp + 0x10]", x86_load(b, X_RAX, X_RBP, 16));
	EMIT("mov r12, qword ptr [r13]", x86_load(b, X_R12, X_R13, 0));
	EMIT("mov rbx, qword ptr [r12 + 0x1000]", x86_load(b, X_RBX, X_R12, 0x1000));
	EMIT("mov rcx, qword ptr [rsp - 8]", x86_load(b, X_RCX, X_RSP, -8));
	EMIT("mov qword ptr [rbp + 0xf8], r11", x86_store(b, X_RBP, 0xf8, X_R11));
	EMIT("mov qword ptr [rbp + 0x100], -1", x86_store_i(b, X_RBP, 0x100, -1));
	EMIT("movsxd r8, ecx", x86_movsxd(b, X_R8, X_RCX));
	EMIT("lea rdx, [rax + 7]", x86_lea(b, X_RDX, X_RAX, 7));
	EMIT("lea r9, [r10 - 0x800]", x86_lea(b, X_R9, X_R10, -0x800));
	EMIT("lea rax, [rsi + r14*8]", x86_lea_sib(b, true, X_RAX, X_RSI, X_R14, 3, 0));
	EMIT("lea eax, [r13 + rbx*2 + 4]", x86_lea_sib(b, false, X_RAX, X_R13, X_RBX, 1, 4));
}

static void guest_memory(void)
{
	EMIT("movsx rax, byte ptr [rcx]", x86_load_sized(b, X_RAX, X_RCX, 0, 1, true));
	EMIT("movzx r8d, byte ptr [rax + 1]", x86_load_sized(b, X_R8, X_RAX, 1, 1, false));
	EMIT("movsx r15, word ptr [r13]", x86_load_sized(b, X_R15, X_R13, 0, 2, true));
	EMIT("movzx esi, word ptr [rax]", x86_load_sized(b, X_RSI, X_RAX, 0, 2, false));
	EMIT("movsxd rdi, dword ptr [rax]", x86_load_sized(b, X_RDI, X_RAX, 0, 4, true));
	EMIT("mov r11d, dword ptr [rax]", x86_load_sized(b, X_R11, X_RAX, 0, 4, false));
	EMIT("mov rbx, qword ptr [rax]", x86_load_sized(b, X_RBX, X_RAX, 0, 8, false));
	EMIT("mov byte ptr [rax], sil", x86_store_sized(b, X_RAX, 0, X_RSI, 1));
	EMIT("mov byte ptr [rax], r9b", x86_store_sized(b, X_RAX, 0, X_R9, 1));
	EMIT("mov byte ptr [r12], cl", x86_store_sized(b, X_R12, 0, X_RCX, 1));
	EMIT("mov word ptr [rax + 2], r10w", x86_store_sized(b, X_RAX, 2, X_R10, 2));
	EMIT("mov dword ptr [rax], edi", x86_store_sized(b, X_RAX, 0, X_RDI, 4));
	EMIT("mov qword ptr [r13], rdx", x86_store_sized(b, X_R13, 0, X_RDX, 8));
}

static void arithmetic(void)
{
	EMIT("add rax, rbx", x86_alu_rr(b, true, X_ADD, X_RAX, X_RBX));
	EMIT("sub r9, r12", x86_alu_rr(b, true, X_SUB, X_R9, X_R12));
	EMIT("xor esi, edi", x86_alu_rr(b, false, X_XOR, X_RSI, X_RDI));
	EMIT("cmp r15, rcx", x86_alu_rr(b, true, X_CMP, X_R15, X_RCX));
	EMIT("and rdx, qword ptr [rbp + 0x40]", x86_alu_rm(b, true, X_AND, X_RDX, X_RBP, 0x40));
	EMIT("cmp rdx, qword ptr [rcx + 0x2000]", x86_alu_rm(b, true, X_CMP, X_RDX, X_RCX, 0x2000));
	EMIT("add rcx, qword ptr [rcx + 0x2008]", x86_alu_rm(b, true, X_ADD, X_RCX, X_RCX, 0x2008));
	EMIT("cmp rdx, qword ptr [rbp + rcx + 0x4210]", x86_alu_rmx(b, X_CMP, X_RDX, X_RBP, X_RCX, 0x4210));
	EMIT("add rax, qword ptr [r13 + r12 + 8]", x86_alu_rmx(b, X_ADD, X_RAX, X_R13, X_R12, 8));
	EMIT("cmp qword ptr [rbp + 0x110], 0", x86_alu_mi(b, X_CMP, X_RBP, 0x110, 0));
	EMIT("cqo", x86_cqo(b, true));
	EMIT("cdq", x86_cqo(b, false));
	EMIT("add rax, 5", x86_alu_ri(b, true, X_ADD, X_RAX, 5));
	EMIT("and r8, 0xfffffffffffff000", x86_alu_ri(b, true, X_AND, X_R8, -4096));
	EMIT("or r14d, 0x7ff", x86_alu_ri(b, false, X_OR, X_R14, 0x7ff));
	EMIT("cmp r11, -1", x86_alu_ri(b, true, X_CMP, X_R11, -1));
	EMIT("sub qword ptr [rbp + 0x200], 0x40", x86_alu_mi(b, X_SUB, X_RBP, 0x200, 0x40));
	EMIT("add qword ptr [rbp + 8], 0x12345", x86_alu_mi(b, X_ADD, X_RBP, 8, 0x12345));
	EMIT("cmp qword ptr [rcx + 0x10], rdx", x86_cmp_mr(b, X_RCX, 0x10, X_RDX));
	EMIT("test r10, r10", x86_test_rr(b, true, X_R10, X_R10));
	EMIT("shl rax, 3", x86_shift_ri(b, true, X_SHL, X_RAX, 3));
	EMIT("sar r13d, 0x1f", x86_shift_ri(b, false, X_SAR, X_R13, 31));
	EMIT("shr rdi, cl", x86_shift_cl(b, true, X_SHR, X_RDI));
	EMIT("ror r9, cl", x86_shift_cl(b, true, X_ROR, X_R9));
	EMIT("imul rbx, r12", x86_imul_rr(b, true, X_RBX, X_R12));
	EMIT("imul eax, ecx", x86_imul_rr(b, false, X_RAX, X_RCX));
	EMIT("mul rcx", x86_grp3(b, true, 4, X_RCX));
	EMIT("idiv r8", x86_grp3(b, true, 7, X_R8));
	EMIT("div r9d", x86_grp3(b, false, 6, X_R9));
	EMIT("neg rsi", x86_grp3(b, true, 3, X_RSI));
	EMIT("not r15", x86_grp3(b, true, 2, X_R15));
	EMIT("setb sil", x86_setcc(b, X_B, X_RSI));
	EMIT("setl al", x86_setcc(b, X_L, X_RAX));
	EMIT("setne r11b", x86_setcc(b, X_NE, X_R11));
	EMIT("movzx eax, sil", x86_movzx8(b, X_RAX, X_RSI));
	EMIT("movzx r8d, r9w", x86_movzx16(b, X_R8, X_R9));
	EMIT("movsx rdx, dil", x86_movsx8(b, X_RDX, X_RDI));
	EMIT("movsx rax, r12w", x86_movsx16(b, X_RAX, X_R12));
	EMIT("cmove rax, rcx", x86_cmov(b, true, X_E, X_RAX, X_RCX));
	EMIT("cmovl r13, r14", x86_cmov(b, true, X_L, X_R13, X_R14));
	EMIT("bswap r10", x86_bswap(b, X_R10));
	EMIT("popcnt rax, rbx", x86_f3_rr(b, true, 0xb8, X_RAX, X_RBX));
	EMIT("tzcnt r8d, ecx", x86_f3_rr(b, false, 0xbc, X_R8, X_RCX));
	EMIT("bsr rax, r15", x86_bs_rr(b, true, 0xbd, X_RAX, X_R15));
	EMIT("bts rsi, rcx", x86_bt_rr(b, 0xab, X_RSI, X_RCX));
	EMIT("btr r12, rax", x86_bt_rr(b, 0xb3, X_R12, X_RAX));
}

static void control_flow(void)
{
	EMIT("call rax", x86_call_r(b, X_RAX));
	EMIT("call r11", x86_call_r(b, X_R11));
	EMIT("jmp rcx", x86_jmp_r(b, X_RCX));
	EMIT("push r15", x86_push(b, X_R15));
	EMIT("pop rbx", x86_pop(b, X_RBX));
	EMIT("ret", x86_ret(b));

	/* a patched jump lands where asked: at address 0x1000 + 5 + 0x20 */
	uint8_t        mem[64];
	struct xbuf b = { mem, mem + sizeof(mem), false };
	uint8_t       *field = x86_jmp32(&b);
	x86_patch32(field, mem + 5 + 0x20);
	expect_one("jmp32-patched", mem, 5, "jmp 0x1025");
	b.p = mem;
	field = x86_jcc32(&b, X_NE);
	x86_patch32(field, mem);
	expect_one("jcc32-backwards", mem, 6, "jne 0x1000");

	/* a buffer too small says so rather than writing past its end */
	struct xbuf tiny = { mem, mem + 3, false };
	x86_mov_ri(&tiny, X_RAX, 0x123456789aull);
	CHECK(tiny.full);
	CHECK(tiny.p <= mem + 3);
}

int main(void)
{
	check_suite = "unit/riscv_jit_x86";
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
		printf("FAIL %s/capstone: cs_open failed\n", check_suite);
		return 1;
	}
	cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
	RUN(moves);
	RUN(guest_memory);
	RUN(arithmetic);
	RUN(control_flow);
	cs_close(&cs);
	return check_failed_count ? 1 : 0;
}
