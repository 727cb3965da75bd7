// SPDX-License-Identifier: GPL-2.0-only
// The ABI header must compile as C++ too (its layout asserts run here).
#include "pciem_api.h"
#include "pciem.h"

int main()
{
	struct pciem_cap_config c = {};

	c.cap_type = PCIEM_CAP_MSI;
	c.msi.num_vectors_log2 = 1;
	return sizeof(c) == 20 ? 0 : 1;
}
