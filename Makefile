# pciem - top-level build.
#
#   make                 kernel modules, libraries, tools and examples
#   make check           install what is missing, build, run host unit tests
#                        (plain and under ASan/UBSan) and the guest tests in
#                        the test VM, then the pciem tests again on the debug
#                        kernel (lockdep, KASAN; built once, vm/debug-kernel.sh);
#                        ends with one "N passed, M failed" line
#   make demo            install what is missing, build, boot the test VM and
#                        show an emulated device as a user sees it
#   make install         DESTDIR=... PREFIX=/usr/local
#   make unit            host unit tests only (no VM, no root)
#   make guest           guest tests only
#   make fuzz            pciem_fuzz in the test VM for FUZZ_SECONDS (600)
#
# Each component adds itself through a fragment (*.mk up to three levels down) that
# appends to the variables below, so components never edit this file to be
# built, installed or tested.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man

# Kernel build directory.  The test VM (check, demo, guest, guest-payload)
# needs modules built for the kernel it boots, which PCIEM_GUEST_KERNEL
# names: 6.1 (default), 6.12 or debug (vm/guest-kdir.sh).  Otherwise the running kernel's build directory when it has
# one, else the newest Debian linux-headers-*-amd64 under /usr/src.
ifneq ($(filter check demo guest guest-payload fuzz,$(MAKECMDGOALS)),)
KDIR ?= $(shell vm/guest-kdir.sh)
endif
KDIR ?= $(shell scripts/find-kdir.sh)
KVER  = $(shell scripts/kernel-release.sh $(KDIR))

# The release, for DKMS's /usr/src/pciem-$(VERSION) (libpciem's soname is its own).
VERSION := 0.1.0

BUILD   := $(CURDIR)/build
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror
STD     := -std=c11 -D_GNU_SOURCE
CPPFLAGS_COMMON := -I$(CURDIR)/include -I$(CURDIR)/core
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Filled in by the fragments.
LIBS          :=	# static/shared library targets (paths under $(BUILD)/lib)
PROGRAMS      :=	# programs installed to BINDIR (paths under $(BUILD)/bin)
UNIT_TESTS    :=	# host test programs (paths under $(BUILD)/unit), run plain
SAN_TESTS     :=	# host test programs built with $(SANFLAGS) (under $(BUILD)/unit-san)
GUEST_BINS    :=	# static programs for the VM (paths under $(BUILD)/guest/bin)
KMODS         := pciem/pciem.ko pciio/pciio.ko	# modules built from kernel/ (paths below kernel/)
GUEST_KMODS   :=	# extra test modules: directories holding a Kbuild
INSTALL_HDRS  :=	# headers installed under INCDIR (paths relative to include/)
INSTALL_MANS  :=	# man pages (source paths); section taken from the suffix
PKGCONFIGS    :=	# .pc files (paths under $(BUILD)/lib/pkgconfig)

.PHONY: all kernel userspace unit guest check demo install clean guest-payload deps \
        checkpatch fuzz dkms-install dkms-uninstall print-c-targets

all: kernel userspace

# Libraries first: a program's rule names $(LIBPCIEM_A) and the like as
# prerequisites, which make expands as it reads the rule, so a library's
# variables must be set before any fragment that links with it is read.
FRAGMENTS := $(sort $(wildcard */*.mk */*/*.mk */*/*/*.mk))
-include $(filter lib/%,$(FRAGMENTS)) $(filter-out lib/%,$(FRAGMENTS))

userspace: $(LIBS) $(PROGRAMS) $(PKGCONFIGS)

kernel:
	@test -d "$(KDIR)" || { echo "error: no kernel build directory (KDIR=$(KDIR)); install linux-headers or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel modules
	@for d in $(GUEST_KMODS); do $(MAKE) -C $(KDIR) M=$(CURDIR)/$$d modules || exit 1; done

# Everything the test VM needs, collected under $(BUILD)/guest.
guest-payload: kernel $(GUEST_BINS)
	@mkdir -p $(BUILD)/guest/modules $(BUILD)/guest/tests
	@cp $(addprefix kernel/,$(KMODS)) $(BUILD)/guest/modules/
	@for d in $(GUEST_KMODS); do cp $$d/*.ko $(BUILD)/guest/modules/ || exit 1; done
	@rm -rf $(BUILD)/guest/tests && mkdir -p $(BUILD)/guest/tests && cp -r tests/guest/. $(BUILD)/guest/tests/
	@find $(BUILD)/guest/tests -name '*.c' -delete; find $(BUILD)/guest/tests -name '*.mk' -delete

unit: $(UNIT_TESTS) $(SAN_TESTS)
	@scripts/run-unit.sh $(UNIT_TESTS) $(SAN_TESTS)

guest: guest-payload
	@vm/run-tests.sh

deps:
	@vm/setup-host.sh

# The /dev/pciem fuzzer alone, for as long as asked; findings name their seed.
FUZZ_SECONDS ?= 600
fuzz: deps
	@$(MAKE) --no-print-directory all guest-payload
	@PCIEM_FUZZ_SECONDS=$(FUZZ_SECONDS) vm/run-tests.sh 10-pciem/21-fuzz

# The programs and libraries built from C here, for scripts/check-deps.sh.
print-c-targets:
	@echo $(LIBS) $(PROGRAMS) $(GUEST_BINS) $(UNIT_TESTS) $(SAN_TESTS)

# make check: dependencies, then build, then every test; one summary line.
check: deps
	@$(MAKE) --no-print-directory all guest-payload $(UNIT_TESTS) $(SAN_TESTS)
	@PCIEM_VERSION=$(VERSION) PCIEM_MANS="$(INSTALL_MANS)" PCIEM_PROGRAMS="$(PROGRAMS)" \
		scripts/check.sh "$(UNIT_TESTS) $(SAN_TESTS)"

demo: deps
	@$(MAKE) --no-print-directory all guest-payload
	@vm/demo.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR)
	@for p in $(PROGRAMS); do install -m 0755 $$p $(DESTDIR)$(BINDIR)/ || exit 1; done
	@for l in $(LIBS); do cp -P $$l $(DESTDIR)$(LIBDIR)/ || exit 1; done
	@for p in $(PKGCONFIGS); do sed 's|@PREFIX@|$(PREFIX)|g' $$p > $(DESTDIR)$(LIBDIR)/pkgconfig/$$(basename $$p) || exit 1; done
	@for h in $(INSTALL_HDRS); do install -D -m 0644 include/$$h $(DESTDIR)$(INCDIR)/$$h || exit 1; done
	@for m in $(INSTALL_MANS); do s=$${m##*.}; install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/$$(basename $$m) || exit 1; done
	install -d $(DESTDIR)/lib/modules/$(KVER)/extra
	install -m 0644 $(addprefix kernel/,$(KMODS)) $(DESTDIR)/lib/modules/$(KVER)/extra/

# DKMS (dkms.conf): the modules' sources under /usr/src/pciem-$(VERSION),
# built and installed for the running kernel now and for every kernel
# installed later.  Needs root and the dkms package.
dkms-install:
	scripts/dkms-source.sh /usr/src/pciem-$(VERSION) $(VERSION)
	dkms install -m pciem -v $(VERSION)

dkms-uninstall:
	-dkms remove -m pciem -v $(VERSION) --all
	rm -rf /usr/src/pciem-$(VERSION)

# Kernel coding style, with the kernel's own checkpatch.pl.
checkpatch:
	@scripts/checkpatch.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel clean >/dev/null 2>&1
	@for d in $(GUEST_KMODS); do $(MAKE) -C $(KDIR) M=$(CURDIR)/$$d clean >/dev/null 2>&1; done; true
	rm -rf $(BUILD)

# Generic rules fragments can rely on.
$(BUILD)/%/.dir:
	@mkdir -p $(@D) && touch $@
