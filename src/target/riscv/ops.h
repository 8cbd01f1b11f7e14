/* The interpreter's dense operation indexes: decode.c maps instruction bits to one, exec.c
 * dispatches on it (computed goto). One list, so the two can never disagree. */
#ifndef CELLA_TARGET_RISCV_OPS_H
#define CELLA_TARGET_RISCV_OPS_H

#define RV_OPS(X)                                                                              \
	X(ILLEGAL) X(LUI) X(AUIPC) X(JAL) X(JALR)                                              \
	X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU)                                            \
	X(LB) X(LH) X(LW) X(LD) X(LBU) X(LHU) X(LWU) X(SB) X(SH) X(SW) X(SD)                   \
	X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) X(SLLI) X(SRLI) X(SRAI)                \
	X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR) X(AND)                  \
	X(ADDIW) X(SLLIW) X(SRLIW) X(SRAIW) X(ADDW) X(SUBW) X(SLLW) X(SRLW) X(SRAW)            \
	X(FENCE) X(FENCE_I) X(ECALL) X(EBREAK) X(MRET) X(SRET) X(WFI) X(SFENCE_VMA)            \
	X(CSRRW) X(CSRRS) X(CSRRC) X(CSRRWI) X(CSRRSI) X(CSRRCI)                               \
	X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU)                        \
	X(MULW) X(DIVW) X(DIVUW) X(REMW) X(REMUW)                                              \
	X(LR_W) X(LR_D) X(SC_W) X(SC_D) X(AMO_W) X(AMO_D)                                      \
	X(FLW) X(FLD) X(FSW) X(FSD) X(FP)                                                      \
	X(SH1ADD) X(SH2ADD) X(SH3ADD) X(ADD_UW) X(SH1ADD_UW) X(SH2ADD_UW) X(SH3ADD_UW)         \
	X(SLLI_UW) X(ANDN) X(ORN) X(XNOR) X(CLZ) X(CTZ) X(CPOP) X(CLZW) X(CTZW) X(CPOPW)       \
	X(MAX) X(MAXU) X(MIN) X(MINU) X(SEXT_B) X(SEXT_H) X(ZEXT_H)                            \
	X(ROL) X(ROR) X(RORI) X(ROLW) X(RORW) X(RORIW) X(ORC_B) X(REV8)                        \
	X(BCLR) X(BCLRI) X(BEXT) X(BEXTI) X(BINV) X(BINVI) X(BSET) X(BSETI)                    \
	X(CLMUL) X(CLMULH) X(CLMULR)

enum rv_op {
#define RV_OP_ENUM(name) RV_OP_##name,
	RV_OPS(RV_OP_ENUM)
#undef RV_OP_ENUM
	RV_OP_COUNT
};

#endif
