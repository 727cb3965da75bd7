// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mmio_insn.c - unit tests of core/mmio_insn.c, the decoder of the
 * x86-64 instructions that access MMIO.
 *
 * 1. Assembler cases: every supported form, assembled by gas between two
 *    labels (no hand-written bytes).  Each is decoded and its length and
 *    fields compared with what is expected; then the instruction is RUN on
 *    ordinary memory by a small harness that loads all general registers
 *    (except RSP) from mi_regs[], executes it and saves them back, and the
 *    CPU's effect (registers and memory) is compared with what the decoded
 *    description plus mmio_insn_load_result()/mmio_insn_store_value()
 *    predicts.  Every truncation of each case must give -EINVAL.
 * 2. Compiler cases: copies of the kernel's readb..readq/writeb..writeq
 *    (the "m" constraint lets gcc choose registers and addressing), of
 *    memcpy_toio's rep_movs and of memset's rep stos, each instruction
 *    recorded in section mi_sites; every recorded instruction must decode.
 * 3. Hand-written byte strings for what must be rejected, prefixes gas does
 *    not emit, and the 15-byte limit.
 * 4. Truth tables for mmio_insn_load_result() and mmio_insn_store_value().
 * 5. Random byte strings (exactly sized allocations, so ASan sees any read
 *    past avail): consistency of every answer.
 *
 * x86-64 only.  The last line is "mmio_insn: N passed, M failed" (N, M
 * count test cases).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "mmio_insn.h"

#if !defined(__x86_64__)
#error "test_mmio_insn runs x86-64 instructions"
#endif

/* ---- Test bookkeeping ------------------------------------------------------ */

static int n_pass, n_fail, case_failed;
static const char *case_name;

static void case_begin(const char *name)
{
	case_name = name;
	case_failed = 0;
}

static void case_end(void)
{
	if (case_failed)
		n_fail++;
	else
		n_pass++;
}

static void check(int ok, int line, const char *what)
{
	if (!ok) {
		printf("%s:%d: [%s] check failed: %s\n", __FILE__, line, case_name, what);
		case_failed = 1;
	}
}

static void check_eq(unsigned long long got, unsigned long long exp, int line,
		     const char *gs, const char *es)
{
	if (got != exp) {
		printf("%s:%d: [%s] %s is 0x%llx (%lld), expected %s = 0x%llx\n",
		       __FILE__, line, case_name, gs, got, (long long)got, es, exp);
		case_failed = 1;
	}
}

#define CHECK(c) check(!!(c), __LINE__, #c)
#define CHECK_EQ(g, e) \
	check_eq((unsigned long long)(g), (unsigned long long)(e), __LINE__, #g, #e)
#define CHECK_RET(g, e) \
	check_eq((unsigned long long)(long long)(g), (unsigned long long)(long long)(e), \
		 __LINE__, #g, #e)

/* xorshift64*: deterministic, seedable. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* ---- The execution harness --------------------------------------------------- */

#define RAX MMIO_REG_RAX
#define RCX MMIO_REG_RCX
#define RDX MMIO_REG_RDX
#define RBX MMIO_REG_RBX
#define RSP MMIO_REG_RSP
#define RBP MMIO_REG_RBP
#define RSI MMIO_REG_RSI
#define RDI MMIO_REG_RDI
#define R8  MMIO_REG_R8
#define R9  MMIO_REG_R9
#define R10 MMIO_REG_R10
#define R11 MMIO_REG_R11
#define R12 MMIO_REG_R12
#define R13 MMIO_REG_R13
#define R14 MMIO_REG_R14
#define R15 MMIO_REG_R15
#define NOREG (-1)

#define HIDDEN __attribute__((visibility("hidden")))

/* Register file of the harness, indexed by enum mmio_insn_reg (RSP unused). */
HIDDEN uint64_t mi_regs[16];
/* Memory the instructions access: through registers, RIP-relative, strings. */
HIDDEN uint8_t mi_buf[512] __attribute__((aligned(64)));
HIDDEN uint8_t mi_ripbuf[512] __attribute__((aligned(64)));
HIDDEN uint8_t mi_buf2[512] __attribute__((aligned(64)));
/* Absolute addresses (disp32 without base, moffs64): mapped at run time. */
#define MI_ABS 0x5a000000UL

#define MI_TARGET_OFF 128	/* where in mi_buf a ModRM operand points */

#define MI_LOADREGS \
	"movq mi_regs+0(%rip), %rax\n\t"	"movq mi_regs+8(%rip), %rcx\n\t" \
	"movq mi_regs+16(%rip), %rdx\n\t"	"movq mi_regs+24(%rip), %rbx\n\t" \
	"movq mi_regs+40(%rip), %rbp\n\t"	"movq mi_regs+48(%rip), %rsi\n\t" \
	"movq mi_regs+56(%rip), %rdi\n\t"	"movq mi_regs+64(%rip), %r8\n\t" \
	"movq mi_regs+72(%rip), %r9\n\t"	"movq mi_regs+80(%rip), %r10\n\t" \
	"movq mi_regs+88(%rip), %r11\n\t"	"movq mi_regs+96(%rip), %r12\n\t" \
	"movq mi_regs+104(%rip), %r13\n\t"	"movq mi_regs+112(%rip), %r14\n\t" \
	"movq mi_regs+120(%rip), %r15\n"

#define MI_SAVEREGS \
	"movq %rax, mi_regs+0(%rip)\n\t"	"movq %rcx, mi_regs+8(%rip)\n\t" \
	"movq %rdx, mi_regs+16(%rip)\n\t"	"movq %rbx, mi_regs+24(%rip)\n\t" \
	"movq %rbp, mi_regs+40(%rip)\n\t"	"movq %rsi, mi_regs+48(%rip)\n\t" \
	"movq %rdi, mi_regs+56(%rip)\n\t"	"movq %r8, mi_regs+64(%rip)\n\t" \
	"movq %r9, mi_regs+72(%rip)\n\t"	"movq %r10, mi_regs+80(%rip)\n\t" \
	"movq %r11, mi_regs+88(%rip)\n\t"	"movq %r12, mi_regs+96(%rip)\n\t" \
	"movq %r13, mi_regs+104(%rip)\n\t"	"movq %r14, mi_regs+112(%rip)\n\t" \
	"movq %r15, mi_regs+120(%rip)\n"

/*
 * NAME_run(): load mi_regs, execute the instruction (between NAME_start
 * and NAME_end), save mi_regs.  DF is clear (the ABI guarantees it).
 */
#define EMIT_ASM(name, text, exp, ea) \
	__asm__(".pushsection .text\n" \
		".p2align 4\n" \
		".globl " #name "_run\n.hidden " #name "_run\n" \
		".type " #name "_run, @function\n" \
		#name "_run:\n\t" \
		"pushq %rbx\n\tpushq %rbp\n\tpushq %r12\n\t" \
		"pushq %r13\n\tpushq %r14\n\tpushq %r15\n\t" \
		MI_LOADREGS \
		".globl " #name "_start\n.hidden " #name "_start\n" \
		#name "_start:\n\t" \
		text "\n" \
		".globl " #name "_end\n.hidden " #name "_end\n" \
		#name "_end:\n\t" \
		MI_SAVEREGS "\t" \
		"popq %r15\n\tpopq %r14\n\tpopq %r13\n\t" \
		"popq %r12\n\tpopq %rbp\n\tpopq %rbx\n\t" \
		"ret\n" \
		".size " #name "_run, .-" #name "_run\n" \
		".popsection\n"); \
	extern HIDDEN const uint8_t name##_start[], name##_end[]; \
	extern HIDDEN void name##_run(void);

/* Where the memory operand is, so that the harness can point it at memory. */
enum ea_kind {
	EA_NOEXEC,	/* decode only (RSP-based, or SPL as a source) */
	EA_MEM,		/* base + index * scale + disp -> mi_buf + MI_TARGET_OFF */
	EA_RIP,		/* mi_ripbuf + off (the assembler resolved the displacement) */
	EA_ABS,		/* [index * scale +] disp -> MI_ABS + off */
	EA_STR,		/* MOVS/STOS: RSI -> mi_buf, RDI -> mi_buf2 */
};

struct asm_case {
	const char *name, *text;
	const uint8_t *start, *end;
	void (*run)(void);
	struct mmio_insn exp;	/* len is taken from the labels */
	int kind;		/* enum ea_kind */
	int base, index, scale;
	int64_t disp;		/* EA_MEM: displacement; EA_ABS: absolute disp32 */
	uint64_t off;		/* EA_RIP, EA_ABS: offset of the target */
};

/* Expected decodings. */
#define ST(w, r)	.op = MMIO_INSN_STORE, .width = (w), .reg = (r)
#define STH(r)		.op = MMIO_INSN_STORE, .width = 1, .reg = (r), .high8 = true
#define STI(w, v)	.op = MMIO_INSN_STORE, .width = (w), .has_imm = true, .imm = (v)
#define LD(w, r)	.op = MMIO_INSN_LOAD, .width = (w), .reg = (r), .dst_size = (w)
#define LDH(r)		.op = MMIO_INSN_LOAD, .width = 1, .reg = (r), .dst_size = 1, \
			.high8 = true
#define LDZ(w, r, d)	.op = MMIO_INSN_LOAD, .width = (w), .reg = (r), .dst_size = (d)
#define LDS(w, r, d)	.op = MMIO_INSN_LOAD, .width = (w), .reg = (r), .dst_size = (d), \
			.sign_extend = true
#define MOVS(w, r)	.op = MMIO_INSN_MOVS, .width = (w), .rep = (r)
#define STOS(w, r)	.op = MMIO_INSN_STOS, .width = (w), .rep = (r)

/* Memory operands. */
#define NOEXEC			.kind = EA_NOEXEC
#define B(b)			.kind = EA_MEM, .base = (b), .index = NOREG
#define BD(b, d)		.kind = EA_MEM, .base = (b), .index = NOREG, .disp = (d)
#define BIS(b, x, s, d)		.kind = EA_MEM, .base = (b), .index = (x), .scale = (s), \
				.disp = (d)
#define RIPREL(o)		.kind = EA_RIP, .off = (o)
#define ABS(o)			.kind = EA_ABS, .index = NOREG, .disp = (int64_t)MI_ABS + (o), \
				.off = (o)
#define ABSI(x, s, d, o)	.kind = EA_ABS, .index = (x), .scale = (s), \
				.disp = (int64_t)MI_ABS + (d), .off = (o)
#define STR			.kind = EA_STR

/* X(name, assembler text, expected decoding, memory operand) */
#define ASM_CASES(X) \
	/* 89: MOV r/m, r */ \
	X(st32_b, "movl %eax, (%rbx)", ST(4, RAX), B(RBX)) \
	X(st32_sib_d32, "movl %eax, 0x12345678(%rbx,%rcx,4)", ST(4, RAX), \
	  BIS(RBX, RCX, 4, 0x12345678)) \
	X(st32_d8, "movl %edx, -0x10(%rsi)", ST(4, RDX), BD(RSI, -0x10)) \
	X(st32_d32, "movl %ebp, 0x1000(%rdi)", ST(4, RBP), BD(RDI, 0x1000)) \
	X(st32_r12, "movl %r9d, (%r12)", ST(4, R9), B(R12)) \
	X(st32_r13, "movl %r15d, (%r13)", ST(4, R15), B(R13)) \
	X(st32_rbp, "movl %ecx, (%rbp)", ST(4, RCX), B(RBP)) \
	X(st32_rsp, "movl %eax, 8(%rsp)", ST(4, RAX), NOEXEC) \
	X(st32_rsp_sib, "movl %r8d, 0x100(%rsp,%rbx,2)", ST(4, R8), NOEXEC) \
	X(st32_rip, "movl %esi, mi_ripbuf+0x40(%rip)", ST(4, RSI), RIPREL(0x40)) \
	X(st32_abs, "movl %eax, 0x5a000040", ST(4, RAX), ABS(0x40)) \
	X(st32_abs_idx, "movl %edi, 0x5a000020(,%rcx,8)", ST(4, RDI), ABSI(RCX, 8, 0x20, 0x40)) \
	X(st32_r8_r11, "movl %r10d, 0x7f(%r8,%r11,2)", ST(4, R10), BIS(R8, R11, 2, 0x7f)) \
	X(st32_idx_r12, "movl %eax, -0x80(%rdx,%r12,1)", ST(4, RAX), BIS(RDX, R12, 1, -0x80)) \
	X(st32_self, "movl %ebx, (%rbx)", ST(4, RBX), B(RBX)) \
	X(st16, "movw %ax, (%rdi)", ST(2, RAX), B(RDI)) \
	X(st16_r14, "movw %r14w, 0x100(%rdx,%r9,1)", ST(2, R14), BIS(RDX, R9, 1, 0x100)) \
	X(st16_rip, "movw %bp, mi_ripbuf+0x22(%rip)", ST(2, RBP), RIPREL(0x22)) \
	X(st64, "movq %rax, (%rdi)", ST(8, RAX), B(RDI)) \
	X(st64_r15, "movq %r15, 0x18(%r10)", ST(8, R15), BD(R10, 0x18)) \
	X(st64_sib, "movq %rbx, -0x1000(%rsi,%rdi,8)", ST(8, RBX), BIS(RSI, RDI, 8, -0x1000)) \
	X(st64_rip, "movq %r11, mi_ripbuf+0x100(%rip)", ST(8, R11), RIPREL(0x100)) \
	/* 88: MOV r/m8, r8 */ \
	X(st8_al, "movb %al, (%rdi)", ST(1, RAX), B(RDI)) \
	X(st8_cl, "movb %cl, 1(%rdi)", ST(1, RCX), BD(RDI, 1)) \
	X(st8_ah, "movb %ah, (%rdi)", STH(RAX), B(RDI)) \
	X(st8_ch, "movb %ch, (%rdx)", STH(RCX), B(RDX)) \
	X(st8_dh, "movb %dh, 0x30(%rsi,%rax,4)", STH(RDX), BIS(RSI, RAX, 4, 0x30)) \
	X(st8_bh, "movb %bh, 4(%rsi)", STH(RBX), BD(RSI, 4)) \
	X(st8_sil, "movb %sil, (%rdi)", ST(1, RSI), B(RDI)) \
	X(st8_dil, "movb %dil, mi_ripbuf+3(%rip)", ST(1, RDI), RIPREL(3)) \
	X(st8_bpl, "movb %bpl, (%rax)", ST(1, RBP), B(RAX)) \
	X(st8_spl, "movb %spl, (%rax)", ST(1, RSP), NOEXEC) \
	X(st8_r11b, "movb %r11b, 0x20(%rax)", ST(1, R11), BD(RAX, 0x20)) \
	X(st8_r8b_idx, "movb %r8b, (%r9,%r10,1)", ST(1, R8), BIS(R9, R10, 1, 0)) \
	/* 8B: MOV r, r/m */ \
	X(ld32, "movl (%rsi), %eax", LD(4, RAX), B(RSI)) \
	X(ld32_self, "movl 0x44(%r13,%r14,4), %r13d", LD(4, R13), BIS(R13, R14, 4, 0x44)) \
	X(ld32_rip, "movl mi_ripbuf+0x80(%rip), %ecx", LD(4, RCX), RIPREL(0x80)) \
	X(ld32_abs, "movl 0x5a000010, %r12d", LD(4, R12), ABS(0x10)) \
	X(ld32_rbp, "movl 0x7fffffff(%rbp), %edi", LD(4, RDI), BD(RBP, 0x7fffffff)) \
	X(ld16, "movw (%rdi), %dx", LD(2, RDX), B(RDI)) \
	X(ld16_r9, "movw 2(%rbx), %r9w", LD(2, R9), BD(RBX, 2)) \
	X(ld64, "movq (%rdi), %rax", LD(8, RAX), B(RDI)) \
	X(ld64_sib, "movq 0x7fffffff(%rdx,%rcx,1), %r12", LD(8, R12), \
	  BIS(RDX, RCX, 1, 0x7fffffff)) \
	X(ld64_abs, "movq 0x5a000080, %rbx", LD(8, RBX), ABS(0x80)) \
	X(ld64_rip, "movq mi_ripbuf+0x1f8(%rip), %r8", LD(8, R8), RIPREL(0x1f8)) \
	/* 8A: MOV r8, r/m8 */ \
	X(ld8_al, "movb (%rsi), %al", LD(1, RAX), B(RSI)) \
	X(ld8_ah, "movb (%rsi), %ah", LDH(RAX), B(RSI)) \
	X(ld8_ch, "movb -1(%rsi), %ch", LDH(RCX), BD(RSI, -1)) \
	X(ld8_dh, "movb (%rdi,%rbx,1), %dh", LDH(RDX), BIS(RDI, RBX, 1, 0)) \
	X(ld8_bh, "movb 0x10(%rdi,%rcx,2), %bh", LDH(RBX), BIS(RDI, RCX, 2, 0x10)) \
	X(ld8_dil, "movb (%rsi), %dil", LD(1, RDI), B(RSI)) \
	X(ld8_spl, "movb (%rsi), %spl", LD(1, RSP), NOEXEC) \
	X(ld8_r15b, "movb -1(%r8), %r15b", LD(1, R15), BD(R8, -1)) \
	X(ld8_rip, "movb mi_ripbuf+0x1ff(%rip), %dl", LD(1, RDX), RIPREL(0x1ff)) \
	/* 0F B6/B7: MOVZX; 0F BE/BF: MOVSX; REX.W 63: MOVSXD */ \
	X(movzbl, "movzbl (%rsi), %eax", LDZ(1, RAX, 4), B(RSI)) \
	X(movzbw, "movzbw (%rsi), %cx", LDZ(1, RCX, 2), B(RSI)) \
	X(movzbq, "movzbq 8(%rdi), %r10", LDZ(1, R10, 8), BD(RDI, 8)) \
	X(movzbl_rip, "movzbl mi_ripbuf+9(%rip), %r9d", LDZ(1, R9, 4), RIPREL(9)) \
	X(movzwl, "movzwl (%rsi), %edx", LDZ(2, RDX, 4), B(RSI)) \
	X(movzwl_sib, "movzwl 0x10(%r12,%r13,8), %ebx", LDZ(2, RBX, 4), \
	  BIS(R12, R13, 8, 0x10)) \
	X(movzwq, "movzwq (%rsi), %r11", LDZ(2, R11, 8), B(RSI)) \
	X(movsbl, "movsbl (%rsi), %eax", LDS(1, RAX, 4), B(RSI)) \
	X(movsbw, "movsbw (%rsi), %ax", LDS(1, RAX, 2), B(RSI)) \
	X(movsbq, "movsbq mi_ripbuf+7(%rip), %rbx", LDS(1, RBX, 8), RIPREL(7)) \
	X(movswl, "movswl (%rdi), %r8d", LDS(2, R8, 4), B(RDI)) \
	X(movswq, "movswq (%rdi), %r14", LDS(2, R14, 8), B(RDI)) \
	X(movslq, "movslq (%rsi), %rax", LDS(4, RAX, 8), B(RSI)) \
	X(movslq_sib, "movslq 0x40(%r9,%r10,8), %r13", LDS(4, R13, 8), BIS(R9, R10, 8, 0x40)) \
	X(movslq_abs, "movslq 0x5a000100, %rcx", LDS(4, RCX, 8), ABS(0x100)) \
	/* C6 /0, C7 /0: MOV r/m, imm */ \
	X(st8i, "movb $0x80, (%rdi)", STI(1, 0x80), B(RDI)) \
	X(st8i_sib, "movb $0x5a, 0x11223344(%rax,%rbx,4)", STI(1, 0x5a), \
	  BIS(RAX, RBX, 4, 0x11223344)) \
	X(st8i_rip, "movb $0xff, mi_ripbuf+0x11(%rip)", STI(1, 0xff), RIPREL(0x11)) \
	X(st16i, "movw $0x8001, (%rdi)", STI(2, 0x8001), B(RDI)) \
	X(st16i_r12, "movw $0xffff, -2(%r12)", STI(2, 0xffff), BD(R12, -2)) \
	X(st32i, "movl $0x80000001, (%rdi)", STI(4, 0x80000001), B(RDI)) \
	X(st32i_rip, "movl $0x12345678, mi_ripbuf+0x10(%rip)", STI(4, 0x12345678), \
	  RIPREL(0x10)) \
	X(st32i_long, "movl $0xdeadbeef, 0x12345678(%r13,%r15,8)", STI(4, 0xdeadbeef), \
	  BIS(R13, R15, 8, 0x12345678)) \
	X(st32i_rsp, "movl $7, 0x7ffffff0(%rsp,%r15,8)", STI(4, 7), NOEXEC) \
	X(st32i_abs, "movl $0x55aa55aa, 0x5a000180", STI(4, 0x55aa55aa), ABS(0x180)) \
	X(st64i_m1, "movq $-1, (%rdi)", STI(8, 0xffffffffffffffffULL), B(RDI)) \
	X(st64i_min, "movq $-0x80000000, 8(%rdi)", STI(8, 0xffffffff80000000ULL), BD(RDI, 8)) \
	X(st64i_max, "movq $0x7fffffff, (%rsi,%rdx,1)", STI(8, 0x7fffffff), BIS(RSI, RDX, 1, 0)) \
	X(st64i_long, "movq $-2, 0x12345678(%r8,%r9,8)", STI(8, 0xfffffffffffffffeULL), \
	  BIS(R8, R9, 8, 0x12345678)) \
	X(st64i_rip, "movq $0x1234, mi_ripbuf+0x1c0(%rip)", STI(8, 0x1234), RIPREL(0x1c0)) \
	/* A0-A3: MOV with a 64-bit absolute address */ \
	X(moffs_ld8, "movabs 0x5a000041, %al", LD(1, RAX), ABS(0x41)) \
	X(moffs_ld16, "movabs 0x5a000042, %ax", LD(2, RAX), ABS(0x42)) \
	X(moffs_ld32, "movabs 0x5a000044, %eax", LD(4, RAX), ABS(0x44)) \
	X(moffs_ld64, "movabs 0x5a000048, %rax", LD(8, RAX), ABS(0x48)) \
	X(moffs_st8, "movabs %al, 0x5a000051", ST(1, RAX), ABS(0x51)) \
	X(moffs_st16, "movabs %ax, 0x5a000052", ST(2, RAX), ABS(0x52)) \
	X(moffs_st32, "movabs %eax, 0x5a000054", ST(4, RAX), ABS(0x54)) \
	X(moffs_st64, "movabs %rax, 0x5a000058", ST(8, RAX), ABS(0x58)) \
	/* A4/A5 MOVS, AA/AB STOS */ \
	X(movsb, "movsb", MOVS(1, false), STR) \
	X(movsw, "movsw", MOVS(2, false), STR) \
	X(movsl, "movsl", MOVS(4, false), STR) \
	X(movsq, "movsq", MOVS(8, false), STR) \
	X(rep_movsb, "rep movsb", MOVS(1, true), STR) \
	X(rep_movsw, "rep movsw", MOVS(2, true), STR) \
	X(rep_movsl, "rep; movsl", MOVS(4, true), STR) \
	X(rep_movsq, "rep movsq", MOVS(8, true), STR) \
	X(stosb, "stosb", STOS(1, false), STR) \
	X(stosw, "stosw", STOS(2, false), STR) \
	X(stosl, "stosl", STOS(4, false), STR) \
	X(stosq, "stosq", STOS(8, false), STR) \
	X(rep_stosb, "rep stosb", STOS(1, true), STR) \
	X(rep_stosw, "rep stosw", STOS(2, true), STR) \
	X(rep_stosl, "rep stosl", STOS(4, true), STR) \
	X(rep_stosq, "rep stosq", STOS(8, true), STR) \
	X(rep_stosb_66, "data16 rep stosb", STOS(1, true), STR) \
	X(ds_movsb, "ds movsb", MOVS(1, false), STR) \
	/* Prefixes gas can be asked for */ \
	X(cs_st32, "cs movl %eax, (%rbx)", ST(4, RAX), B(RBX)) \
	X(ds_ld32, "ds movl 4(%rbx), %edx", LD(4, RDX), BD(RBX, 4)) \
	X(data16_st8, "data16 movb %al, (%rdi)", ST(1, RAX), B(RDI)) \
	X(data16_st64, "data16 movq %rax, (%rdi)", ST(8, RAX), B(RDI)) \
	X(ds_st64i_long, "ds movq $-2, 0x12345678(%r8,%r9,8)", STI(8, 0xfffffffffffffffeULL), \
	  BIS(R8, R9, 8, 0x12345678)) \
	ASM_CASES_GAS(X)

/* Explicit REX prefixes: GNU as only (clang's assembler has no rex mnemonics). */
#ifdef __clang__
#define ASM_CASES_GAS(X)
#else
#define ASM_CASES_GAS(X) \
	X(rexb_stosl, "rex.B stosl", STOS(4, false), STR) \
	X(rex_st32, "rex movl %eax, (%rbx)", ST(4, RAX), B(RBX)) \
	X(rexw_st8, "rex.W movb %al, (%rdi)", ST(1, RAX), B(RDI)) \
	X(rexw_st8i, "rex.W movb $1, (%rdi)", STI(1, 1), B(RDI)) \
	X(rexw_ld8, "rex.W movb (%rsi), %cl", LD(1, RCX), B(RSI)) \
	X(rex_ld8_sil_not_dh, "rex movb (%rdi), %sil", LD(1, RSI), B(RDI))
#endif

ASM_CASES(EMIT_ASM)

#define ASM_ENTRY(n, t, e, a) \
	{ .name = #n, .text = t, .start = n##_start, .end = n##_end, .run = n##_run, \
	  .exp = { e }, a },

static const struct asm_case asm_cases[] = { ASM_CASES(ASM_ENTRY) };

#define NCASES (sizeof(asm_cases) / sizeof(asm_cases[0]))

static bool abs_mapped;

static void check_fields(const struct mmio_insn *d, const struct mmio_insn *e)
{
	CHECK_EQ(d->op, e->op);
	CHECK_EQ(d->width, e->width);
	CHECK_EQ(d->reg, e->reg);
	CHECK_EQ(d->high8, e->high8);
	CHECK_EQ(d->has_imm, e->has_imm);
	CHECK_EQ(d->imm, e->imm);
	CHECK_EQ(d->dst_size, e->dst_size);
	CHECK_EQ(d->sign_extend, e->sign_extend);
	CHECK_EQ(d->rep, e->rep);
}

static uint64_t get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int k;

	for (k = 0; k < n; k++)
		v |= (uint64_t)p[k] << (8 * k);
	return v;
}

static void put_le(uint8_t *p, unsigned int n, uint64_t v)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		p[k] = (uint8_t)(v >> (8 * k));
}

/* Point the memory operand at target; false if the case cannot run. */
static bool setup_ea(const struct asm_case *t, uint64_t *regs, uint64_t target)
{
	uint64_t idx = 0, scale = t->scale ? (uint64_t)t->scale : 1;

	if (t->index != NOREG) {
		if (t->kind == EA_ABS) {
			idx = (target - (uint64_t)t->disp) / scale;
			if ((uint64_t)t->disp + idx * scale != target)
				return false;
		} else {
			idx = 3;
		}
		regs[t->index] = idx;
	}
	if (t->kind == EA_MEM)
		regs[t->base] = target - (uint64_t)t->disp - idx * scale;
	return true;
}

static void run_case(const struct asm_case *t, const struct mmio_insn *d, int round)
{
	uint64_t before[16], after[16], exp_regs[16];
	uint8_t *mem, *mem2 = NULL;
	uint8_t exp_mem[512], exp_mem2[512];
	size_t memsize = 512;
	uint64_t target = 0, n;
	unsigned int r, k;

	for (r = 0; r < 16; r++)
		before[r] = rnd();
	/* Make "negative" values common: movsx, high8 */
	if (round & 1)
		for (r = 0; r < 16; r++)
			before[r] |= 0x8080808080808080ULL;
	switch (t->kind) {
	case EA_MEM:
		mem = mi_buf;
		target = (uint64_t)(uintptr_t)(mi_buf + MI_TARGET_OFF);
		break;
	case EA_RIP:
		mem = mi_ripbuf;
		target = (uint64_t)(uintptr_t)(mi_ripbuf + t->off);
		break;
	case EA_ABS:
		if (!abs_mapped)
			return;
		mem = (uint8_t *)MI_ABS;
		memsize = 512;
		target = MI_ABS + t->off;
		break;
	case EA_STR:
		mem = mi_buf;
		mem2 = mi_buf2;
		before[RSI] = (uint64_t)(uintptr_t)(mi_buf + 64);
		before[RDI] = (uint64_t)(uintptr_t)(mi_buf2 + 64);
		before[RCX] = (uint64_t)(round % 7);	/* 0 included */
		break;
	default:
		return;
	}
	if (t->kind != EA_STR &&
	    (target - (uint64_t)(uintptr_t)mem + d->width > memsize ||
	     !setup_ea(t, before, target))) {
		printf("[%s] cannot reach the target\n", t->name);
		case_failed = 1;
		return;
	}

	for (k = 0; k < memsize; k++)
		mem[k] = (uint8_t)rnd();
	if (round & 1)
		for (k = 0; k < memsize; k++)
			mem[k] |= 0x80;
	memcpy(exp_mem, mem, memsize);
	if (mem2) {
		for (k = 0; k < sizeof(mi_buf2); k++)
			mem2[k] = (uint8_t)rnd();
		memcpy(exp_mem2, mem2, sizeof(mi_buf2));
	}
	memcpy(exp_regs, before, sizeof(before));

	/* What the decoded description says will happen. */
	switch (d->op) {
	case MMIO_INSN_LOAD:
		exp_regs[d->reg] = mmio_insn_load_result(d, before[d->reg],
							 get_le(mem + (target - (uint64_t)(uintptr_t)mem),
								d->width));
		break;
	case MMIO_INSN_STORE:
		put_le(exp_mem + (target - (uint64_t)(uintptr_t)mem), d->width,
		       mmio_insn_store_value(d, before[d->reg]));
		break;
	case MMIO_INSN_STOS:
		n = d->rep ? before[RCX] : 1;
		for (k = 0; k < n; k++)
			put_le(exp_mem2 + 64 + k * d->width, d->width,
			       mmio_insn_store_value(d, before[d->reg]));
		exp_regs[RDI] += n * d->width;
		if (d->rep)
			exp_regs[RCX] = 0;
		break;
	case MMIO_INSN_MOVS:
		n = d->rep ? before[RCX] : 1;
		memcpy(exp_mem2 + 64, mem + 64, n * d->width);
		exp_regs[RSI] += n * d->width;
		exp_regs[RDI] += n * d->width;
		if (d->rep)
			exp_regs[RCX] = 0;
		break;
	}

	memcpy(mi_regs, before, sizeof(before));
	t->run();
	memcpy(after, mi_regs, sizeof(after));

	for (r = 0; r < 16; r++) {
		if (r == RSP)
			continue;
		if (after[r] != exp_regs[r]) {
			printf("[%s] round %d: reg %u is 0x%llx, expected 0x%llx (before 0x%llx)\n",
			       t->name, round, r, (unsigned long long)after[r],
			       (unsigned long long)exp_regs[r], (unsigned long long)before[r]);
			case_failed = 1;
		}
	}
	if (memcmp(mem, exp_mem, memsize)) {
		printf("[%s] round %d: memory differs from the prediction\n", t->name, round);
		case_failed = 1;
	}
	if (mem2 && memcmp(mem2, exp_mem2, sizeof(mi_buf2))) {
		printf("[%s] round %d: destination memory differs\n", t->name, round);
		case_failed = 1;
	}
}

static void test_asm_cases(void)
{
	struct mmio_insn d, ref, u;
	size_t i, len, a;
	uint8_t *copy;
	int round;

	for (i = 0; i < NCASES; i++) {
		const struct asm_case *t = &asm_cases[i];

		case_begin(t->name);
		len = (size_t)(t->end - t->start);
		CHECK(len >= 1 && len <= MMIO_INSN_MAX_LEN);
		/* Exactly sized copy: ASan catches a read past the instruction. */
		copy = malloc(len);
		if (!copy)
			abort();
		memcpy(copy, t->start, len);

		memset(&d, 0, sizeof(d));
		CHECK_RET(mmio_insn_decode(copy, len, &d), 0);
		CHECK_EQ(d.len, len);
		check_fields(&d, &t->exp);
		/* avail beyond the instruction: never read, same answer */
		memset(&ref, 0, sizeof(ref));
		CHECK_RET(mmio_insn_decode(copy, (size_t)-1, &ref), 0);
		CHECK(memcmp(&d, &ref, sizeof(d)) == 0);
		CHECK_RET(mmio_insn_decode(t->start, 64, &ref), 0);
		CHECK(memcmp(&d, &ref, sizeof(d)) == 0);
		/* every truncation is -EINVAL and leaves *out alone */
		for (a = 0; a < len; a++) {
			memset(&u, 0xa5, sizeof(u));
			memcpy(&ref, &u, sizeof(u));
			CHECK_RET(mmio_insn_decode(copy, a, &u), -EINVAL);
			CHECK(memcmp(&u, &ref, sizeof(u)) == 0);
		}
		free(copy);

		if (t->kind != EA_NOEXEC && !case_failed)
			for (round = 0; round < 16; round++)
				run_case(t, &d, round);
		if (case_failed)
			printf("  (%s: \"%s\")\n", t->name, t->text);
		case_end();
	}
}

/* ---- Compiler-generated accessors ------------------------------------------------ */

/* One instruction recorded by MI_SITE: its bytes and what it must decode to. */
struct mi_site {
	const uint8_t *start, *end;
	uint8_t op, width, dst_size, rep;
	uint32_t pad;
};

#define MI_STR_(x) #x
#define MI_STR(x) MI_STR_(x)
#define MI_SITE(op, w, dst, rep) \
	"\n2:\n\t.pushsection mi_sites, \"aw\"\n\t.balign 8\n\t.quad 1b, 2b\n\t" \
	".byte " MI_STR(op) ", " #w ", " #dst ", " #rep ", 0, 0, 0, 0\n\t.popsection\n"
#define MI_OP_LOAD 0
#define MI_OP_STORE 1
#define MI_OP_MOVS 2
#define MI_OP_STOS 3

extern HIDDEN const struct mi_site __start_mi_sites[], __stop_mi_sites[];

/* As arch/x86/include/asm/io.h build_mmio_read()/build_mmio_write(). */
#define BUILD_READ(name, type, sfx, w, reg) \
static inline type name(const volatile void *addr) \
{ \
	type ret; \
	__asm__ __volatile__("1: mov" sfx " %1,%0" MI_SITE(MI_OP_LOAD, w, w, 0) \
			     : reg (ret) : "m" (*(const volatile type *)addr) : "memory"); \
	return ret; \
}
#define BUILD_WRITE(name, type, sfx, w, reg) \
static inline void name(type val, volatile void *addr) \
{ \
	__asm__ __volatile__("1: mov" sfx " %0,%1" MI_SITE(MI_OP_STORE, w, 0, 0) \
			     : : reg (val), "m" (*(volatile type *)addr) : "memory"); \
}

BUILD_READ(readb, uint8_t, "b", 1, "=q")
BUILD_READ(readw, uint16_t, "w", 2, "=r")
BUILD_READ(readl, uint32_t, "l", 4, "=r")
BUILD_READ(readq, uint64_t, "q", 8, "=r")
BUILD_WRITE(writeb, uint8_t, "b", 1, "q")
BUILD_WRITE(writew, uint16_t, "w", 2, "r")
BUILD_WRITE(writel, uint32_t, "l", 4, "r")
BUILD_WRITE(writeq, uint64_t, "q", 8, "r")

/* As arch/x86/lib/iomem.c rep_movs(). */
static void rep_movs(void *to, const void *from, size_t n)
{
	unsigned long d0, d1, d2;

	__asm__ __volatile__("1: rep ; movsl" MI_SITE(MI_OP_MOVS, 4, 0, 1)
			     "testb $2,%b4\n\t"
			     "je 3f\n\t"
			     "1: movsw" MI_SITE(MI_OP_MOVS, 2, 0, 0)
			     "3:\ttestb $1,%b4\n\t"
			     "je 4f\n\t"
			     "1: movsb" MI_SITE(MI_OP_MOVS, 1, 0, 0)
			     "4:"
			     : "=&c" (d0), "=&D" (d1), "=&S" (d2)
			     : "0" (n / 4), "q" (n), "1" ((long)to), "2" ((long)from)
			     : "memory");
}

/* As arch/x86/lib/memset_64.S (ERMS and rep stosq variants). */
static void memset_io_stosb(void *to, uint8_t c, size_t n)
{
	unsigned long d0, d1;

	__asm__ __volatile__("1: rep stosb" MI_SITE(MI_OP_STOS, 1, 0, 1)
			     : "=&c" (d0), "=&D" (d1) : "0" (n), "1" (to), "a" (c) : "memory");
}

static void memset_io_stosq(void *to, uint64_t v, size_t n)
{
	unsigned long d0, d1;

	__asm__ __volatile__("1: rep stosq" MI_SITE(MI_OP_STOS, 8, 0, 1)
			     : "=&c" (d0), "=&D" (d1) : "0" (n), "1" (to), "a" (v) : "memory");
}

struct fake_regs {
	uint32_t ctrl, status;
	uint8_t b[16];
	uint16_t w[8];
	uint64_t q[4];
};

static struct fake_regs fake_global;
static volatile unsigned int vol_index = 3;

/* Use every accessor with several kinds of address; checks the values. */
static void exercise_accessors(void)
{
	struct fake_regs *r = malloc(sizeof(*r) * 4);
	uint8_t *base = (uint8_t *)r;
	unsigned int i = vol_index, k;
	uint64_t sum = 0;
	uint8_t src[64], dst[64];

	if (!r)
		abort();
	memset(r, 0, sizeof(*r) * 4);
	writel(0x11223344, &r->ctrl);
	writel(0x55667788, base + 4);
	writel(0x99aabbcc, &r[i].status);
	writeb(0xab, &r->b[i]);
	writeb((uint8_t)i, &r[1].b[i + 1]);
	writew(0xcdef, &r->w[i]);
	writeq(0x0123456789abcdefULL, &r->q[i & 3]);
	writeq(0x1111, &fake_global.q[1]);
	writel(0x2222, &fake_global.status);
	writeb(0x33, &fake_global.b[i]);
	writew(0x44, &fake_global.w[2]);
	for (k = 0; k < 4; k++)
		writel(k, (uint8_t *)&r[k] + 40 + 4 * k);

	sum += readl(&r->ctrl);
	sum += readl(base + 4);
	sum += readl(&r[i].status);
	sum += readb(&r->b[i]);
	sum += readb(&r[1].b[i + 1]);
	sum += readw(&r->w[i]);
	sum += readq(&r->q[i & 3]);
	sum += readq(&fake_global.q[1]);
	sum += readl(&fake_global.status);
	sum += readb(&fake_global.b[i]);
	sum += readw(&fake_global.w[2]);
	for (k = 0; k < 4; k++)
		sum += readl((uint8_t *)&r[k] + 40 + 4 * k);

	CHECK_EQ(sum, 0x11223344ULL + 0x55667788 + 0x99aabbcc + 0xab + 3 + 0xcdef +
		 0x0123456789abcdefULL + 0x1111 + 0x2222 + 0x33 + 0x44 + 0 + 1 + 2 + 3);

	for (k = 0; k < sizeof(src); k++)
		src[k] = (uint8_t)(k * 7 + 1);
	memset(dst, 0, sizeof(dst));
	rep_movs(dst, src, 63);
	CHECK(memcmp(dst, src, 63) == 0 && dst[63] == 0);
	memset_io_stosb(dst, 0x5a, 7);
	CHECK(dst[0] == 0x5a && dst[6] == 0x5a && dst[7] == src[7]);
	memset_io_stosq(dst, 0x0101010101010101ULL, 2);
	CHECK(dst[15] == 1 && dst[16] == src[16]);
	free(r);
}

static void test_compiler_sites(void)
{
	const struct mi_site *s;
	struct mmio_insn d;
	size_t n = 0, len;
	unsigned int seen = 0, want;

	case_begin("compiler_sites");
	exercise_accessors();
	for (s = __start_mi_sites; s < __stop_mi_sites; s++, n++) {
		len = (size_t)(s->end - s->start);
		memset(&d, 0, sizeof(d));
		if (mmio_insn_decode(s->start, 64, &d) != 0 || d.len != len ||
		    d.op != s->op || d.width != s->width ||
		    (s->op == MI_OP_LOAD && d.dst_size != s->dst_size) || d.rep != s->rep) {
			unsigned int k;

			printf("[compiler_sites] site %zu (op %u width %u):", n, s->op, s->width);
			for (k = 0; k < len && k < 16; k++)
				printf(" %02x", s->start[k]);
			printf(" -> len %u op %u width %u\n", d.len, d.op, d.width);
			case_failed = 1;
		}
		if (s->op < 4 && s->width <= 8)
			seen |= 1u << (s->op * 8 + s->width - 1);
	}
	/* at least one instruction of every accessor (more when inlined) */
	printf("[compiler_sites] %zu instructions\n", n);
	want = 0x8bu << (MI_OP_LOAD * 8) | 0x8bu << (MI_OP_STORE * 8) |
	       0x0bu << (MI_OP_MOVS * 8) | 0x81u << (MI_OP_STOS * 8);
	CHECK_EQ(seen, want);
	case_end();
}

/* ---- Hand-written byte strings ------------------------------------------------------ */

struct byte_case {
	const char *name;
	uint8_t len;		/* bytes in code */
	uint8_t code[20];
	int ret;		/* expected result */
	uint8_t exp_len;	/* when ret == 0 */
	uint8_t op, width, reg;
};

#define REJECT(n, ...) { n, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }, \
			 -EOPNOTSUPP, 0, 0, 0, 0 }
#define ACCEPT(n, l, op, w, r, ...) { n, sizeof((uint8_t[]){ __VA_ARGS__ }), \
				      { __VA_ARGS__ }, 0, l, op, w, r }

static const struct byte_case byte_cases[] = {
	/* register operands (mod == 3) do not access memory */
	REJECT("mov_eax_eax", 0x89, 0xc0),
	REJECT("mov_load_reg", 0x8b, 0xc1),
	REJECT("mov8_reg", 0x88, 0xe0),
	REJECT("mov8_load_reg", 0x8a, 0xc4),
	REJECT("mov_imm_reg", 0xc7, 0xc0, 1, 2, 3, 4),
	REJECT("mov8_imm_reg", 0xc6, 0xc0, 1),
	REJECT("movzx_reg", 0x0f, 0xb6, 0xc0),
	REJECT("movsxd_reg", 0x48, 0x63, 0xc0),
	/* prefixes */
	REJECT("lock", 0xf0, 0x89, 0x03),
	REJECT("addr32", 0x67, 0x89, 0x03),
	REJECT("addr32_movs", 0x67, 0xa4),
	REJECT("repne_movs", 0xf2, 0xa4),
	REJECT("repne_mov", 0xf2, 0x89, 0x03),
	REJECT("fs", 0x64, 0x89, 0x03),
	REJECT("gs", 0x65, 0x8b, 0x03),
	REJECT("gs_movs", 0x65, 0xa4),
	REJECT("rex_then_66", 0x48, 0x66, 0x89, 0x03),
	REJECT("rex_then_f3", 0x48, 0xf3, 0xab),
	REJECT("rex_then_2e", 0x40, 0x2e, 0x89, 0x03),
	REJECT("rex_rex", 0x48, 0x48, 0x89, 0x03),
	REJECT("rep_mov", 0xf3, 0x89, 0x03),
	REJECT("rep_movzx", 0xf3, 0x0f, 0xb6, 0x03),
	REJECT("rep_mov_imm", 0xf3, 0xc7, 0x03, 1, 2, 3, 4),
	/* other opcodes */
	REJECT("c7_reg1", 0xc7, 0x08, 1, 2, 3, 4),
	REJECT("c6_reg7", 0xc6, 0x38, 1),
	REJECT("xabort", 0xc6, 0xf8, 1),
	REJECT("xbegin", 0xc7, 0xf8, 1, 2, 3, 4),
	REJECT("movsxd_no_w", 0x63, 0x03),
	REJECT("movsxd_66", 0x66, 0x48, 0x63, 0x03),
	REJECT("add", 0x01, 0x03),
	REJECT("or", 0x09, 0x03),
	REJECT("xchg", 0x87, 0x03),
	REJECT("test", 0x85, 0x03),
	REJECT("cmpxchg", 0x0f, 0xb1, 0x03),
	REJECT("movnti", 0x0f, 0xc3, 0x03),
	REJECT("movups", 0x0f, 0x10, 0x03),
	REJECT("movdir64b", 0x66, 0x0f, 0x38, 0xf8, 0x03),
	REJECT("vex2", 0xc5, 0xf8, 0x10, 0x03),
	REJECT("vex3", 0xc4, 0xe1, 0x78, 0x10, 0x03),
	REJECT("evex", 0x62, 0xf1, 0x7c, 0x48, 0x10, 0x03),
	REJECT("lodsb", 0xac),
	REJECT("cmpsb", 0xa6),
	REJECT("insb", 0x6c),
	REJECT("outsb", 0x6e),
	REJECT("nop", 0x90),
	REJECT("mov_reg_imm", 0xb8, 1, 2, 3, 4),
	REJECT("0f_0f", 0x0f, 0x0f),
	/* 15-byte limit */
	REJECT("16_bytes", 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	       0x66, 0x66, 0x66, 0x66, 0x89, 0x03),
	REJECT("16_bytes_movs", 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	       0x66, 0x66, 0x66, 0x66, 0x66, 0xa4),
	REJECT("16_bytes_imm", 0x2e, 0x2e, 0x3e, 0x66, 0x48, 0xc7, 0x84, 0x24,
	       0x78, 0x56, 0x34, 0x12, 1, 2, 3, 4),
	REJECT("only_prefixes", 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	       0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66),
	ACCEPT("15_bytes", 15, MMIO_INSN_STORE, 2, 0, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	       0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x03),
	ACCEPT("15_bytes_movs", 15, MMIO_INSN_MOVS, 1, 0, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	       0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0xa4),
	ACCEPT("15_bytes_imm", 15, MMIO_INSN_STORE, 8, 0, 0x2e, 0x3e, 0x66, 0x48, 0xc7,
	       0x84, 0x24, 0x78, 0x56, 0x34, 0x12, 1, 2, 3, 4),
	/* prefixes gas will not emit in 64-bit mode */
	ACCEPT("es", 3, MMIO_INSN_STORE, 4, 0, 0x26, 0x89, 0x03),
	ACCEPT("ss", 3, MMIO_INSN_LOAD, 4, 2, 0x36, 0x8b, 0x13),
	ACCEPT("66_after_f3", 3, MMIO_INSN_STOS, 2, 0, 0xf3, 0x66, 0xab),
	ACCEPT("rep_rep", 4, MMIO_INSN_MOVS, 8, 0, 0xf3, 0xf3, 0x48, 0xa5),
	ACCEPT("rexr_movs", 2, MMIO_INSN_MOVS, 4, 0, 0x44, 0xa5),
	/* REX.B does not change SIB/RIP special cases */
	ACCEPT("r13_disp8", 4, MMIO_INSN_STORE, 4, 0, 0x41, 0x89, 0x45, 0x00),
	ACCEPT("rip_rexb", 7, MMIO_INSN_STORE, 4, 0, 0x41, 0x89, 0x05, 1, 2, 3, 4),
	ACCEPT("r12_sib", 4, MMIO_INSN_STORE, 4, 0, 0x41, 0x89, 0x04, 0x24),
	ACCEPT("sib_nobase_rexb", 8, MMIO_INSN_STORE, 4, 0, 0x41, 0x89, 0x04, 0x25,
	       1, 2, 3, 4),
	ACCEPT("sib_r13_mod1", 5, MMIO_INSN_STORE, 4, 0, 0x41, 0x89, 0x44, 0x25, 0x10),
	ACCEPT("rexr_reg", 3, MMIO_INSN_LOAD, 4, 9, 0x44, 0x8b, 0x0b),
	ACCEPT("rexw_66_movzx", 5, MMIO_INSN_LOAD, 1, 0, 0x66, 0x48, 0x0f, 0xb6, 0x03),
	ACCEPT("movzww", 4, MMIO_INSN_LOAD, 2, 0, 0x66, 0x0f, 0xb7, 0x03),
};

#define NBYTE_CASES (sizeof(byte_cases) / sizeof(byte_cases[0]))

static void test_byte_cases(void)
{
	struct mmio_insn d, ref;
	size_t i, a;
	uint8_t *copy;

	for (i = 0; i < NBYTE_CASES; i++) {
		const struct byte_case *b = &byte_cases[i];

		case_begin(b->name);
		copy = malloc(b->len);
		if (!copy)
			abort();
		memcpy(copy, b->code, b->len);
		memset(&d, 0x5a, sizeof(d));
		memcpy(&ref, &d, sizeof(d));
		CHECK_RET(mmio_insn_decode(copy, b->len, &d), b->ret);
		if (b->ret) {
			CHECK(memcmp(&d, &ref, sizeof(d)) == 0);
			/* no amount of further bytes changes a rejection */
			CHECK_RET(mmio_insn_decode(b->code, sizeof(b->code), &d), b->ret);
		} else {
			CHECK_EQ(d.len, b->exp_len);
			CHECK_EQ(d.op, b->op);
			CHECK_EQ(d.width, b->width);
			CHECK_EQ(d.reg, b->reg);
			for (a = 0; a < d.len; a++)
				CHECK_RET(mmio_insn_decode(copy, a, &ref), -EINVAL);
		}
		free(copy);
		case_end();
	}

	case_begin("bad_arguments");
	CHECK_RET(mmio_insn_decode(NULL, 15, &d), -EINVAL);
	CHECK_RET(mmio_insn_decode(byte_cases[0].code, 15, NULL), -EINVAL);
	CHECK_RET(mmio_insn_decode(byte_cases[0].code, 0, &d), -EINVAL);
	case_end();
}

/* ---- Truth tables ---------------------------------------------------------------------- */

/* Decode an assembler case by name (its fields feed the truth tables). */
static struct mmio_insn by_name(const char *name)
{
	struct mmio_insn d;
	size_t i;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < NCASES; i++)
		if (!strcmp(asm_cases[i].name, name)) {
			if (mmio_insn_decode(asm_cases[i].start, 64, &d))
				break;
			return d;
		}
	printf("no decodable case %s\n", name);
	case_failed = 1;
	return d;
}

struct load_row {
	const char *insn;
	uint64_t old, loaded, result;
};

static const struct load_row load_rows[] = {
	{ "ld8_al", 0x1122334455667788ULL, 0xab, 0x11223344556677abULL },
	{ "ld8_al", 0x1122334455667788ULL, 0xffffffffffffff12ULL, 0x1122334455667712ULL },
	{ "ld8_ah", 0x1122334455667788ULL, 0xab, 0x112233445566ab88ULL },
	{ "ld8_ah", 0xffffffffffffffffULL, 0x00, 0xffffffffffff00ffULL },
	{ "ld8_bh", 0, 0x1ff, 0xff00 },
	{ "ld8_dil", 0x1122334455667788ULL, 0x80, 0x1122334455667780ULL },
	{ "ld16", 0x1122334455667788ULL, 0xabcd, 0x112233445566abcdULL },
	{ "ld16", 0xffffffffffffffffULL, 0x12340000, 0xffffffffffff0000ULL },
	{ "ld32", 0xffffffffffffffffULL, 0x80000000, 0x0000000080000000ULL },
	{ "ld32", 0x1122334455667788ULL, 0xaaaaaaaa12345678ULL, 0x12345678 },
	{ "ld64", 0x1122334455667788ULL, 0x8000000000000001ULL, 0x8000000000000001ULL },
	{ "moffs_ld16", 0x1122334455667788ULL, 0xfffe, 0x112233445566fffeULL },
	{ "moffs_ld32", 0xffffffff00000000ULL, 0x1, 0x1 },
	{ "movzbl", 0xffffffffffffffffULL, 0xfe, 0xfe },
	{ "movzbw", 0x1122334455667788ULL, 0xfe, 0x11223344556600feULL },
	{ "movzbq", 0xffffffffffffffffULL, 0x1fe, 0xfe },
	{ "movzwl", 0xffffffffffffffffULL, 0x18000, 0x8000 },
	{ "movzwq", 0xffffffffffffffffULL, 0x8000, 0x8000 },
	{ "movsbl", 0x1122334455667788ULL, 0x80, 0x00000000ffffff80ULL },
	{ "movsbl", 0x1122334455667788ULL, 0x7f, 0x7f },
	{ "movsbw", 0x1122334455667788ULL, 0x80, 0x112233445566ff80ULL },
	{ "movsbw", 0x1122334455667788ULL, 0x01, 0x1122334455660001ULL },
	{ "movsbq", 0, 0x80, 0xffffffffffffff80ULL },
	{ "movsbq", 0, 0xff7f, 0x7f },
	{ "movswl", 0xffffffffffffffffULL, 0x8000, 0x00000000ffff8000ULL },
	{ "movswq", 0, 0x8000, 0xffffffffffff8000ULL },
	{ "movswq", 0, 0xffff7fff, 0x7fff },
	{ "movslq", 0, 0x80000000, 0xffffffff80000000ULL },
	{ "movslq", 0xffffffffffffffffULL, 0xffffffff7fffffffULL, 0x7fffffff },
};

struct store_row {
	const char *insn;
	uint64_t src, value;
};

static const struct store_row store_rows[] = {
	{ "st8_al", 0x1122334455667788ULL, 0x88 },
	{ "st8_ah", 0x1122334455667788ULL, 0x77 },
	{ "st8_bh", 0xff00, 0xff },
	{ "st8_sil", 0x1122334455667788ULL, 0x88 },
	{ "st16", 0x1122334455667788ULL, 0x7788 },
	{ "st32_b", 0x1122334455667788ULL, 0x55667788 },
	{ "st64", 0x1122334455667788ULL, 0x1122334455667788ULL },
	{ "moffs_st16", 0x1122334455667788ULL, 0x7788 },
	{ "st8i", 0x1122334455667788ULL, 0x80 },
	{ "st16i", 0x1122334455667788ULL, 0x8001 },
	{ "st16i_r12", 0, 0xffff },
	{ "st32i", 0x1122334455667788ULL, 0x80000001 },
	{ "st64i_m1", 0, 0xffffffffffffffffULL },
	{ "st64i_min", 0, 0xffffffff80000000ULL },
	{ "st64i_max", 0, 0x7fffffff },
#ifndef __clang__
	{ "rexw_st8i", 0x1122334455667788ULL, 0x01 },
#endif
	{ "stosb", 0x1122334455667788ULL, 0x88 },
	{ "stosw", 0x1122334455667788ULL, 0x7788 },
	{ "stosl", 0x1122334455667788ULL, 0x55667788 },
	{ "rep_stosq", 0x1122334455667788ULL, 0x1122334455667788ULL },
};

/* mmio_insn_load_result() against the x86 rules written out directly. */
static void load_result_formula(void)
{
	static const uint8_t widths[] = { 1, 2, 4, 8 };
	struct mmio_insn d;
	unsigned int wi, di, combo, k, w, ds, sx, hi;
	uint64_t old, ld, v, exp;

	for (wi = 0; wi < 4; wi++) {
		for (di = 0; di < 4; di++) {
			for (combo = 0; combo < 4; combo++) {
				w = widths[wi];
				ds = widths[di];
				sx = combo & 1;
				hi = combo >> 1;
				if (ds < w || (hi && ds != 1))
					continue;
				for (k = 0; k < 1000; k++) {
					old = rnd();
					ld = rnd();
					memset(&d, 0, sizeof(d));
					d.op = MMIO_INSN_LOAD;
					d.width = w;
					d.dst_size = ds;
					d.sign_extend = sx;
					d.high8 = hi;
					if (w == 8)
						v = ld;
					else if (sx)
						v = (uint64_t)((int64_t)(ld << (64 - 8 * w)) >>
							       (64 - 8 * w));
					else
						v = ld & ((1ULL << (8 * w)) - 1);
					if (hi)
						exp = (old & ~0xff00ULL) | ((v & 0xff) << 8);
					else if (ds == 1)
						exp = (old & ~0xffULL) | (v & 0xff);
					else if (ds == 2)
						exp = (old & ~0xffffULL) | (v & 0xffff);
					else if (ds == 4)
						exp = v & 0xffffffffULL;
					else
						exp = v;
					if (mmio_insn_load_result(&d, old, ld) != exp) {
						printf("[load_result_exhaustive] w %u ds %u sx %u hi %u\n",
						       w, ds, sx, hi);
						case_failed = 1;
						return;
					}
				}
			}
		}
	}
}

static void test_truth_tables(void)
{
	struct mmio_insn d;
	size_t i;

	case_begin("load_result");
	for (i = 0; i < sizeof(load_rows) / sizeof(load_rows[0]); i++) {
		const struct load_row *r = &load_rows[i];
		uint64_t got;

		d = by_name(r->insn);
		got = mmio_insn_load_result(&d, r->old, r->loaded);
		if (got != r->result) {
			printf("[load_result] %s old 0x%llx loaded 0x%llx: 0x%llx, expected 0x%llx\n",
			       r->insn, (unsigned long long)r->old,
			       (unsigned long long)r->loaded, (unsigned long long)got,
			       (unsigned long long)r->result);
			case_failed = 1;
		}
	}
	case_end();

	case_begin("store_value");
	for (i = 0; i < sizeof(store_rows) / sizeof(store_rows[0]); i++) {
		const struct store_row *r = &store_rows[i];
		uint64_t got;

		d = by_name(r->insn);
		got = mmio_insn_store_value(&d, r->src);
		if (got != r->value) {
			printf("[store_value] %s src 0x%llx: 0x%llx, expected 0x%llx\n",
			       r->insn, (unsigned long long)r->src,
			       (unsigned long long)got, (unsigned long long)r->value);
			case_failed = 1;
		}
	}
	case_end();

	/* Every width/dst_size/sign combination against a direct formula. */
	case_begin("load_result_exhaustive");
	load_result_formula();
	case_end();
}

/* ---- Random byte strings --------------------------------------------------------------- */

/* Bytes that make supported instructions likely. */
static const uint8_t interesting[] = {
	0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65,
	0x40, 0x41, 0x44, 0x48, 0x49, 0x4c, 0x4f,
	0x88, 0x89, 0x8a, 0x8b, 0xc6, 0xc7, 0x63, 0x0f, 0xb6, 0xb7, 0xbe, 0xbf,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xaa, 0xab,
	0x04, 0x05, 0x24, 0x25, 0x44, 0x84, 0x00, 0xff, 0x80, 0x7f,
};

static uint8_t rnd_byte(unsigned int mode)
{
	uint64_t r = rnd();

	if (mode == 0 || (r & 3) == 0)
		return (uint8_t)(r >> 8);
	return interesting[(r >> 8) % sizeof(interesting)];
}

static void test_random(void)
{
	/* One exactly sized allocation per avail, so ASan sees overreads. */
	uint8_t *bufs[MMIO_INSN_MAX_LEN + 6];
	uint8_t bytes[MMIO_INSN_MAX_LEN + 6];
	struct mmio_insn d, e, sentinel;
	unsigned long iter, ok = 0, einval = 0, enotsup = 0, per_op[4] = { 0 };
	unsigned long rejected_long = 0, bad = 0;
	unsigned int a, k, n;
	int ret, r2;

	case_begin("random");
	for (a = 0; a < MMIO_INSN_MAX_LEN + 6; a++) {
		bufs[a] = malloc(a ? a : 1);
		if (!bufs[a])
			abort();
	}
	memset(&sentinel, 0xc3, sizeof(sentinel));

	for (iter = 0; iter < 5000000 && bad < 20; iter++) {
		unsigned int mode = (unsigned int)(iter % 3);

		n = (unsigned int)(rnd() % (MMIO_INSN_MAX_LEN + 6));
		for (k = 0; k < n; k++)
			bytes[k] = rnd_byte(mode);
		memcpy(bufs[n], bytes, n);

		memcpy(&d, &sentinel, sizeof(d));
		ret = mmio_insn_decode(bufs[n], n, &d);
		if (ret == -EINVAL) {
			einval++;
			if (n >= MMIO_INSN_MAX_LEN) {
				printf("[random] -EINVAL with %u bytes available\n", n);
				bad++;
			}
		} else if (ret == -EOPNOTSUPP) {
			enotsup++;
			/* more bytes never make a rejection acceptable */
			if (n > 0 && n < MMIO_INSN_MAX_LEN + 5) {
				bytes[n] = (uint8_t)rnd();
				memcpy(&e, &sentinel, sizeof(e));
				r2 = mmio_insn_decode(bytes, n + 1, &e);
				if (r2 != -EOPNOTSUPP) {
					printf("[random] rejection turned into %d\n", r2);
					bad++;
				}
			}
			if (n >= MMIO_INSN_MAX_LEN)
				rejected_long++;
		} else if (ret != 0) {
			printf("[random] unexpected return %d\n", ret);
			bad++;
		}
		if (ret) {
			if (memcmp(&d, &sentinel, sizeof(d))) {
				printf("[random] *out changed on error\n");
				bad++;
			}
			continue;
		}

		ok++;
		if (d.len < 1 || d.len > n || d.len > MMIO_INSN_MAX_LEN ||
		    d.op > MMIO_INSN_STOS ||
		    (d.width != 1 && d.width != 2 && d.width != 4 && d.width != 8) ||
		    d.reg > 15 || (d.high8 && (d.reg > 3 || d.width != 1)) ||
		    (d.op == MMIO_INSN_LOAD && d.dst_size < d.width) ||
		    (d.op != MMIO_INSN_LOAD && (d.dst_size || d.sign_extend)) ||
		    (d.has_imm && (d.op != MMIO_INSN_STORE || d.reg)) ||
		    (!d.has_imm && d.imm) ||
		    (d.rep && d.op != MMIO_INSN_MOVS && d.op != MMIO_INSN_STOS) ||
		    (d.width < 8 && d.imm >> (8 * d.width))) {
			printf("[random] inconsistent decoding: len %u op %u width %u reg %u\n",
			       d.len, d.op, d.width, d.reg);
			bad++;
			continue;
		}
		per_op[d.op]++;
		/* the same bytes again; exactly len bytes; changed trailing bytes */
		memcpy(&e, &sentinel, sizeof(e));
		if (mmio_insn_decode(bufs[n], n, &e) || memcmp(&d, &e, sizeof(d))) {
			printf("[random] re-decoding differs\n");
			bad++;
		}
		memcpy(bufs[d.len], bytes, d.len);
		memcpy(&e, &sentinel, sizeof(e));
		if (mmio_insn_decode(bufs[d.len], d.len, &e) || memcmp(&d, &e, sizeof(d))) {
			printf("[random] decoding with avail == len differs\n");
			bad++;
		}
		memcpy(&e, &sentinel, sizeof(e));
		if (mmio_insn_decode(bufs[d.len], d.len - 1u, &e) != -EINVAL ||
		    memcmp(&e, &sentinel, sizeof(e))) {
			printf("[random] a truncated instruction is not -EINVAL\n");
			bad++;
		}
		for (k = d.len; k < n; k++)
			bytes[k] = (uint8_t)~bytes[k];
		memcpy(bufs[n], bytes, n);
		memcpy(&e, &sentinel, sizeof(e));
		if (mmio_insn_decode(bufs[n], n, &e) || memcmp(&d, &e, sizeof(d))) {
			printf("[random] bytes after the instruction changed the decoding\n");
			bad++;
		}
	}
	for (a = 0; a < MMIO_INSN_MAX_LEN + 6; a++)
		free(bufs[a]);
	printf("[random] %lu strings: %lu decoded (load %lu store %lu movs %lu stos %lu), "
	       "%lu -EINVAL, %lu -EOPNOTSUPP\n", iter, ok, per_op[0], per_op[1], per_op[2],
	       per_op[3], einval, enotsup);
	CHECK(bad == 0);
	/* the generator must actually reach every kind of answer */
	CHECK(ok > 100000 && einval > 10000 && enotsup > 100000 && rejected_long > 0);
	CHECK(per_op[0] > 1000 && per_op[1] > 1000 && per_op[2] > 1000 && per_op[3] > 1000);
	case_end();
}

int main(void)
{
	void *p = mmap((void *)MI_ABS, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	abs_mapped = p == (void *)MI_ABS;
	if (!abs_mapped)
		printf("note: cannot map 0x%lx; absolute-address cases decode only\n", MI_ABS);

	test_asm_cases();
	test_compiler_sites();
	test_byte_cases();
	test_truth_tables();
	test_random();

	printf("mmio_insn: %d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
