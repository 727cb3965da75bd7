/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pciem_sim.h - test a device program on the host: no root, no pciem.ko.
 *
 * Link the device program with libpciem-sim.a instead of libpciem.  Every
 * pciem.h call then works against a simulated bus in the same process:
 * configuration space follows the same model pciem.ko uses (core/), traced
 * BAR accesses become events the program's handlers answer, DMA reaches
 * only the test memory mapped with pciem_sim_dma_map(), and interrupts are
 * counted.  The test plays the driver:
 *
 *	(a thread runs the device program's main loop)
 *	struct pciem_sim *s = pciem_sim_wait_started(1000);
 *	pciem_sim_enable(s);			(Memory Space, Bus Master)
 *	pciem_sim_write(s, 0, 0x04, 4, 0x12345678);
 *	pciem_sim_read(s, 0, 0x04, 4, &v);	(answered by the program)
 *	pciem_sim_remove(s);			(the program sees -EPIPE)
 *	pciem_sim_put(s);
 *
 * All calls are thread-safe.  They return 0 or a negative errno:
 * -ENODEV once the program destroyed the device or it was removed.
 */
#ifndef PCIEM_SIM_H
#define PCIEM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pciem_sim;

/*
 * The next function a program in this process put on the simulated bus
 * (pciem_start()), in start order; NULL after timeout_ms (-1: no limit).
 * The reference keeps it valid until pciem_sim_put().
 */
struct pciem_sim *pciem_sim_wait_started(int timeout_ms);
void pciem_sim_put(struct pciem_sim *s);

/*
 * Configuration space as a driver sees it (write masks, W1C, FLR).  Like
 * pciem.ko, an access first waits until the program has taken every
 * earlier BAR write.
 */
uint32_t pciem_sim_cfg_read(struct pciem_sim *s, unsigned int off, unsigned int size);
void pciem_sim_cfg_write(struct pciem_sim *s, unsigned int off, unsigned int size,
			 uint32_t val);

/* Command: Memory Space and Bus Master on, as pci_enable_device() + set_master(). */
void pciem_sim_enable(struct pciem_sim *s);
/* Enable MSI (all vectors the function offers) or MSI-X (all unmasked). */
int pciem_sim_enable_msi(struct pciem_sim *s);
int pciem_sim_enable_msix(struct pciem_sim *s);

/*
 * A BAR access of 1, 2, 4 or 8 bytes.  A traced read waits up to a second
 * for the program's answer (-ETIMEDOUT then, *val all ones); a traced
 * write is posted.  -EINVAL: no such BAR, range or size.
 */
int pciem_sim_read(struct pciem_sim *s, unsigned int bar, uint64_t off, unsigned int size,
		   uint64_t *val);
int pciem_sim_write(struct pciem_sim *s, unsigned int bar, uint64_t off, unsigned int size,
		    uint64_t val);
/* Wait until the program has taken every event so far: 0 or -ETIMEDOUT. */
int pciem_sim_sync(struct pciem_sim *s, int timeout_ms);

/* Let the device reach [buf, buf + len) at bus address iova.  Up to 64 mappings. */
int pciem_sim_dma_map(struct pciem_sim *s, uint64_t iova, void *buf, size_t len);
int pciem_sim_dma_unmap(struct pciem_sim *s, uint64_t iova);

/* MSI/MSI-X messages sent for a vector so far; the INTx line now. */
unsigned long pciem_sim_irqs(struct pciem_sim *s, unsigned int vector);
bool pciem_sim_intx(struct pciem_sim *s);
/* Wait until the vector's count reaches @count: 0 or -ETIMEDOUT. */
int pciem_sim_wait_irq(struct pciem_sim *s, unsigned int vector, unsigned long count,
		       int timeout_ms);

/* Surprise removal: the program's next wait for events returns -EPIPE. */
void pciem_sim_remove(struct pciem_sim *s);

#ifdef __cplusplus
}
#endif

#endif /* PCIEM_SIM_H */
