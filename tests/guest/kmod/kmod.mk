# Kernel modules the guest tests load (built with the same KDIR as pciem.ko).
GUEST_KMODS += tests/guest/kmod
