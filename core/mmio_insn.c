// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio_insn.c - decoder for the x86-64 instructions that access MMIO.
 *
 * Freestanding C compiled into pciem.ko and into the host tests; see
 * mmio_insn.h for the API and the list of instructions.  Encodings follow
 * the Intel SDM, volume 2 (chapter 2, "Instruction Format", and the MOV,
 * MOVZX, MOVSX/MOVSXD, MOVS and STOS pages).  All private names carry an
 * mi_/MI_ prefix so that this file can be #included next to kernel headers.
 */
#include "mmio_insn.h"

#define MI_REX_W	0x08	/* 64-bit operand size */
#define MI_REX_R	0x04	/* extension of ModRM.reg */

/* The bytes being decoded and how far the decoder has read. */
struct mi_cursor {
	const uint8_t *code;
	size_t avail;
	size_t pos;
};

/*
 * Check that n more bytes exist.  Past 15 bytes the instruction cannot be
 * valid (-EOPNOTSUPP); otherwise running out of bytes means truncated input
 * (-EINVAL).
 */
static int mi_need(const struct mi_cursor *c, size_t n)
{
	if (c->pos + n > MMIO_INSN_MAX_LEN)
		return -EOPNOTSUPP;
	if (c->pos + n > c->avail)
		return -EINVAL;
	return 0;
}

static int mi_byte(struct mi_cursor *c, uint8_t *b)
{
	int ret = mi_need(c, 1);

	if (ret)
		return ret;
	*b = c->code[c->pos++];
	return 0;
}

/* n (<= 8) bytes, little endian. */
static int mi_le(struct mi_cursor *c, unsigned int n, uint64_t *v)
{
	int ret = mi_need(c, n);
	unsigned int k;

	if (ret)
		return ret;
	*v = 0;
	for (k = 0; k < n; k++)
		*v |= (uint64_t)c->code[c->pos + k] << (8 * k);
	c->pos += n;
	return 0;
}

static int mi_skip(struct mi_cursor *c, unsigned int n)
{
	int ret = mi_need(c, n);

	if (ret)
		return ret;
	c->pos += n;
	return 0;
}

static uint64_t mi_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

/*
 * The rest of a memory operand after its ModRM byte: SIB and displacement.
 * In 64-bit mode REX.B does not change which encodings take a SIB byte
 * (rm == 4), a RIP-relative disp32 (mod == 0, rm == 5) or a disp32 without
 * base (mod == 0, SIB base == 5).
 */
static int mi_mem_operand(struct mi_cursor *c, uint8_t modrm)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7;
	unsigned int disp = 0;
	uint8_t sib = 0;
	int ret;

	if (mod == 3)
		return -EOPNOTSUPP;	/* register operand: no memory access */
	if (rm == 4) {
		ret = mi_byte(c, &sib);
		if (ret)
			return ret;
	}
	if (mod == 1)
		disp = 1;
	else if (mod == 2)
		disp = 4;
	else if (rm == 5 || (rm == 4 && (sib & 7) == 5))
		disp = 4;
	return mi_skip(c, disp);
}

int mmio_insn_decode(const uint8_t *code, size_t avail, struct mmio_insn *out)
{
	struct mi_cursor c = { .code = code, .avail = avail, .pos = 0 };
	struct mmio_insn i;
	bool opsize = false, rep = false, has_rex = false;
	bool byte_op = false, need_modrm = true;
	uint8_t op, rex = 0, modrm = 0;
	unsigned int osz, imm_len = 0;
	uint64_t imm = 0;
	int ret;

	if (!code || !out)
		return -EINVAL;
	memset(&i, 0, sizeof(i));

	/* Prefixes; a REX prefix must come last (the opcode follows it). */
	for (;;) {
		ret = mi_byte(&c, &op);
		if (ret)
			return ret;
		if (has_rex)
			break;
		switch (op) {
		case 0x66:
			opsize = true;
			continue;
		case 0xf3:
			rep = true;
			continue;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			continue;	/* ES, CS, SS, DS: no effect in 64-bit mode */
		}
		if ((op & 0xf0) == 0x40) {
			has_rex = true;
			rex = op;
			continue;
		}
		break;	/* F0, F2, 64, 65, 67 fall through to "unknown opcode" */
	}
	osz = (rex & MI_REX_W) ? 8 : opsize ? 2 : 4;

	switch (op) {
	case 0x88:		/* MOV r/m8, r8 */
		i.op = MMIO_INSN_STORE;
		byte_op = true;
		i.width = 1;
		break;
	case 0x89:		/* MOV r/m, r */
		i.op = MMIO_INSN_STORE;
		i.width = osz;
		break;
	case 0x8a:		/* MOV r8, r/m8 */
		i.op = MMIO_INSN_LOAD;
		byte_op = true;
		i.width = 1;
		i.dst_size = 1;
		break;
	case 0x8b:		/* MOV r, r/m */
		i.op = MMIO_INSN_LOAD;
		i.width = osz;
		i.dst_size = osz;
		break;
	case 0xc6:		/* MOV r/m8, imm8 */
		i.op = MMIO_INSN_STORE;
		i.width = 1;
		i.has_imm = true;
		imm_len = 1;
		break;
	case 0xc7:		/* MOV r/m, imm16/imm32 */
		i.op = MMIO_INSN_STORE;
		i.width = osz;
		i.has_imm = true;
		imm_len = osz == 2 ? 2 : 4;
		break;
	case 0x63:		/* MOVSXD r64, r/m32 */
		if (!(rex & MI_REX_W) || opsize)
			return -EOPNOTSUPP;
		i.op = MMIO_INSN_LOAD;
		i.width = 4;
		i.dst_size = 8;
		i.sign_extend = true;
		break;
	case 0x0f:
		ret = mi_byte(&c, &op);
		if (ret)
			return ret;
		switch (op) {
		case 0xb6:	/* MOVZX r, r/m8 */
		case 0xb7:	/* MOVZX r, r/m16 */
		case 0xbe:	/* MOVSX r, r/m8 */
		case 0xbf:	/* MOVSX r, r/m16 */
			i.op = MMIO_INSN_LOAD;
			i.width = (op & 1) ? 2 : 1;
			i.dst_size = osz;
			i.sign_extend = op >= 0xbe;
			break;
		default:
			return -EOPNOTSUPP;
		}
		break;
	case 0xa0:		/* MOV AL, moffs8 */
	case 0xa1:		/* MOV eAX, moffs */
	case 0xa2:		/* MOV moffs8, AL */
	case 0xa3:		/* MOV moffs, eAX */
		i.op = op < 0xa2 ? MMIO_INSN_LOAD : MMIO_INSN_STORE;
		i.width = (op & 1) ? osz : 1;
		if (i.op == MMIO_INSN_LOAD)
			i.dst_size = i.width;
		need_modrm = false;
		break;
	case 0xa4:		/* MOVSB */
	case 0xa5:		/* MOVSW/D/Q */
	case 0xaa:		/* STOSB */
	case 0xab:		/* STOSW/D/Q */
		i.op = op < 0xaa ? MMIO_INSN_MOVS : MMIO_INSN_STOS;
		i.width = (op & 1) ? osz : 1;
		i.rep = rep;
		need_modrm = false;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (rep && i.op != MMIO_INSN_MOVS && i.op != MMIO_INSN_STOS)
		return -EOPNOTSUPP;	/* F3 MOV is XRELEASE or undefined */

	if (need_modrm) {
		ret = mi_byte(&c, &modrm);
		if (ret)
			return ret;
		if (i.has_imm && ((modrm >> 3) & 7) != 0)
			return -EOPNOTSUPP;	/* C6 F8 XABORT, C7 F8 XBEGIN */
		ret = mi_mem_operand(&c, modrm);
		if (ret)
			return ret;
		if (!i.has_imm) {
			i.reg = ((modrm >> 3) & 7) | ((rex & MI_REX_R) << 1);
			if (byte_op && !has_rex && i.reg >= 4) {
				i.reg -= 4;	/* AH, CH, DH, BH */
				i.high8 = true;
			}
		}
	} else if (i.op == MMIO_INSN_LOAD || i.op == MMIO_INSN_STORE) {
		ret = mi_skip(&c, 8);	/* moffs64 */
		if (ret)
			return ret;
	}

	if (imm_len) {
		ret = mi_le(&c, imm_len, &imm);
		if (ret)
			return ret;
		if (i.width == 8 && (imm & 0x80000000ULL))
			imm |= 0xffffffff00000000ULL;
		i.imm = imm;
	}

	i.len = c.pos;
	*out = i;
	return 0;
}

uint64_t mmio_insn_load_result(const struct mmio_insn *i, uint64_t old_reg, uint64_t loaded)
{
	uint64_t v = loaded & mi_mask(i->width);

	if (i->sign_extend && i->width && i->width < 8 &&
	    ((v >> (8 * i->width - 1)) & 1))
		v |= ~mi_mask(i->width);

	switch (i->dst_size) {
	case 1:
		if (i->high8)
			return (old_reg & ~0xff00ULL) | ((v & 0xff) << 8);
		return (old_reg & ~0xffULL) | (v & 0xff);
	case 2:
		return (old_reg & ~0xffffULL) | (v & 0xffff);
	case 4:
		return v & 0xffffffffULL;
	default:
		return v;
	}
}

uint64_t mmio_insn_store_value(const struct mmio_insn *i, uint64_t src_reg)
{
	if (i->has_imm)
		return i->imm & mi_mask(i->width);
	if (i->high8)
		return (src_reg >> 8) & 0xff;
	return src_reg & mi_mask(i->width);
}
