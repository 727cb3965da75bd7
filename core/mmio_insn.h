/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mmio_insn.h - decoder for the x86-64 instructions that access MMIO.
 *
 * pciem.ko traps a driver's accesses to a traced BAR by keeping the PTEs of
 * the driver's mapping non-present.  Each access faults; the fault handler
 * decodes the faulting instruction with mmio_insn_decode(), performs or
 * forwards the access, writes a load's result into the destination register
 * (mmio_insn_load_result()) and advances RIP by mmio_insn.len.  The fault
 * gives the address, so the decoder only needs the instruction's length,
 * kind, width and registers, never its effective address.
 *
 * Supported (64-bit mode only; everything the kernel's MMIO accessors,
 * memcpy_toio/memcpy_fromio/memset_io and __iowrite32_copy compile to):
 *
 *   88 /r       MOV r/m8, r8             STORE  width 1
 *   89 /r       MOV r/m16/32/64, r       STORE  width 2/4/8
 *   8A /r       MOV r8, r/m8             LOAD   width 1, dst_size 1
 *   8B /r       MOV r16/32/64, r/m       LOAD   width = dst_size = 2/4/8
 *   C6 /0 ib    MOV r/m8, imm8           STORE  width 1, immediate
 *   C7 /0 iw/id MOV r/m16/32/64, imm     STORE  width 2/4/8, immediate
 *                                        (imm32 sign-extended for REX.W)
 *   0F B6 /r    MOVZX r16/32/64, r/m8    LOAD   width 1
 *   0F B7 /r    MOVZX r16/32/64, r/m16   LOAD   width 2
 *   0F BE /r    MOVSX r16/32/64, r/m8    LOAD   width 1, sign_extend
 *   0F BF /r    MOVSX r16/32/64, r/m16   LOAD   width 2, sign_extend
 *   REX.W 63 /r MOVSXD r64, r/m32        LOAD   width 4, dst_size 8, sign_extend
 *   A0/A1       MOV AL/eAX, moffs64      LOAD   (reg 0)
 *   A2/A3       MOV moffs64, AL/eAX      STORE  (reg 0)
 *   A4/A5       [REP] MOVS{B,W,D,Q}      MOVS   width 1/2/4/8
 *   AA/AB       [REP] STOS{B,W,D,Q}      STOS   width 1/2/4/8 (source reg 0)
 *
 * with any memory addressing mode (ModRM, SIB, disp8, disp32, RIP-relative).
 *
 * Prefixes: 66 (operand size; ignored by the byte forms, overridden by
 * REX.W); F3 (REP, only on MOVS/STOS); 26, 2E, 36, 3E (ES/CS/SS/DS
 * overrides, which 64-bit mode ignores); REX (40-4F, only directly before
 * the opcode, at most one).  A prefix may repeat.  Rejected with
 * -EOPNOTSUPP: F0 (LOCK), F2 (REPNE), 67 (address size: MOVS/STOS would use
 * ESI/EDI/ECX, moffs would be 4 bytes), 64/65 (FS/GS: no ioremap() accessor
 * uses them, and for MOVS the handler would need the segment base of the
 * operand that did not fault), a legacy prefix after REX (which would make
 * the CPU ignore the REX), VEX/EVEX, every other opcode, the /r forms with
 * a register operand (ModRM mod == 3, no memory access), C6/C7 with ModRM
 * reg != 0 (XABORT/XBEGIN), MOVSXD without REX.W or with 66, and anything
 * longer than 15 bytes.
 */
#ifndef PCIEM_CORE_MMIO_INSN_H
#define PCIEM_CORE_MMIO_INSN_H

#include "core_types.h"

#define MMIO_INSN_MAX_LEN 15	/* architectural limit of an x86 instruction */

enum mmio_insn_op {
	MMIO_INSN_LOAD,		/* memory -> register reg */
	MMIO_INSN_STORE,	/* register reg or immediate -> memory */
	MMIO_INSN_MOVS,		/* memory [RSI] -> memory [RDI], RSI/RDI advance */
	MMIO_INSN_STOS,		/* RAX -> memory [RDI], RDI advances */
};

/* Register numbers in mmio_insn.reg (the ModRM/REX numbering). */
enum mmio_insn_reg {
	MMIO_REG_RAX, MMIO_REG_RCX, MMIO_REG_RDX, MMIO_REG_RBX,
	MMIO_REG_RSP, MMIO_REG_RBP, MMIO_REG_RSI, MMIO_REG_RDI,
	MMIO_REG_R8, MMIO_REG_R9, MMIO_REG_R10, MMIO_REG_R11,
	MMIO_REG_R12, MMIO_REG_R13, MMIO_REG_R14, MMIO_REG_R15,
};

struct mmio_insn {
	/* Bytes of the instruction, prefixes included: RIP += len. 1..15. */
	uint8_t len;
	/* enum mmio_insn_op. */
	uint8_t op;
	/*
	 * Bytes accessed in memory: 1, 2, 4 or 8.  MOVZX/MOVSX/MOVSXD: the
	 * source width (1, 2, 4), not the destination's.  MOVS/STOS: the
	 * width of one element; a REP instruction accesses RCX elements.
	 */
	uint8_t width;
	/*
	 * LOAD: the destination register; STORE: the source register (0 for
	 * an immediate); STOS: 0 (RAX is the source); MOVS: 0 (unused).
	 * 0 = RAX .. 15 = R15 (enum mmio_insn_reg).  When high8 is set, reg
	 * is 0..3 and names the register whose bits 15:8 are meant.
	 */
	uint8_t reg;
	/*
	 * The byte register is AH, CH, DH or BH (byte operation, no REX
	 * prefix, ModRM reg field 4..7): bits 15:8 of register reg (0..3).
	 * Only for the 88 and 8A forms.
	 */
	bool high8;
	/* STORE of an immediate (C6, C7); reg is 0 and unused. */
	bool has_imm;
	/*
	 * The value a STORE of an immediate writes, zero-extended from width
	 * bytes: C6 imm8, C7 imm16 (66), C7 imm32, and for REX.W C7 the
	 * imm32 sign-extended to 64 bits as the CPU stores it.
	 */
	uint64_t imm;
	/*
	 * LOAD: bytes of the destination register written, 1, 2, 4 or 8.
	 * 4 means the CPU zero-extends the result into all 64 bits; 1 and 2
	 * keep the register's other bits.  0 for other ops.
	 */
	uint8_t dst_size;
	/* LOAD: MOVSX/MOVSXD (sign-extend width -> dst_size), else zero-extend. */
	bool sign_extend;
	/* MOVS/STOS with an F3 (REP) prefix: repeat RCX times. */
	bool rep;
};

/*
 * Decode the instruction at code, of which avail bytes may be read (at most
 * MMIO_INSN_MAX_LEN are).  Returns 0 and fills *out on success; then
 * out->len <= avail.  Errors (*out unchanged):
 *   -EINVAL      code or out is NULL, avail is 0, or the bytes end (avail)
 *                while what was read so far can still become a supported
 *                instruction of at most 15 bytes (truncated input);
 *   -EOPNOTSUPP  not one of the supported instructions (see above),
 *                including one that would be longer than 15 bytes.
 * Reads code[0..min(avail, 15)-1] at most, and never more than the
 * instruction's own bytes.
 */
int mmio_insn_decode(const uint8_t *code, size_t avail, struct mmio_insn *out);

/*
 * The new value of a LOAD's destination register, given its old value and
 * the value read from memory (only the low width bytes of loaded count).
 * x86-64 rules: the loaded value is zero- or sign-extended (sign_extend) to
 * dst_size bytes; an 8- or 16-bit destination keeps the register's other
 * bits (AH..BH: bits 15:8 are replaced), a 32-bit destination zero-extends
 * into bits 63:32, a 64-bit one replaces all.
 */
uint64_t mmio_insn_load_result(const struct mmio_insn *i, uint64_t old_reg, uint64_t loaded);

/*
 * The value a STORE or STOS writes (zero-extended from width bytes), from
 * the value of its source register reg (ignored for an immediate).  For
 * AH..BH this is bits 15:8 of src_reg.
 */
uint64_t mmio_insn_store_value(const struct mmio_insn *i, uint64_t src_reg);

#endif /* PCIEM_CORE_MMIO_INSN_H */
