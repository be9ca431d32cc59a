# SPDX-License-Identifier: MIT
# Cortex-M test runs under QEMU. Included (non-recursively) by the top-level
# Makefile; paths are relative to the repository root.
#
#   make test-qemu          build the test suite for every QEMU_CFGS entry, run
#                           each under qemu-system-arm (semihosting), log to
#                           $(BUILDDIR)/qemu-<cfg>.log; fails if any run fails
#   make test-qemu-m4f      one configuration only (also -m3 -m7 -m33 -m0)
#   make test-qemu-hashes   test-qemu, then tests/qemu/check_hashes.sh over
#                           $(BUILDDIR)/host-*.log and the QEMU logs: every
#                           "weights-hash" must be bit-identical everywhere
#   make qemu-elfs          build only
#   make qemu-port-check    compile port/cortex-m for M0+/M3/M4F/M7/M33 with WARN
#
# Configurations (config name = qemu-<cfg>, used in weights-hash lines):
#   m3   mps2-an385  Cortex-M3,  soft float
#   m4f  mps2-an386  Cortex-M4F, hard float, fpv4-sp-d16
#   m7   mps2-an500  Cortex-M7,  hard float, fpv5-d16 (double precision FPU)
#   m33  mps2-an505  Cortex-M33, hard float, fpv5-sp-d16, runs in secure state
#   m0   microbit    Cortex-M0,  soft float, 16 KB RAM, newlib-nano
#   m4f-<profile>, m0-<profile>: the same boards with the library's lean
#        profiles (PROFILE_infer-lean, PROFILE_finetune-lean in the Makefile)
#
# All suites' static arenas together do not fit in the micro:bit's 16 KB of
# RAM, so m0 is a "split" configuration (qemu_split_<cfg> := yes): one image
# per suite (tests/qemu/suite_main.c), in the order tests/test_main.c calls
# them, run one after another by tests/qemu/run_split.sh into a single log
# that ends with the summed "N passed, M failed". A suite whose image alone
# does not fit is reported "SKIP" in the log and on the terminal, not failed.
# Every image ends with "qemu harness: stack .. heap .. static .. RAM .." (see
# startup.c), the measured RAM use.
#
# The Debian packages gcc-arm-none-eabi, libnewlib-arm-none-eabi and
# qemu-system-arm are needed; without them test-qemu prints one line and
# succeeds. Tick counts under QEMU follow the host's real time (SysTick at
# the board's nominal clock); add QEMU_EXTRA='-icount shift=0' for counts
# that repeat exactly run to run (they count instructions, not cycles).

BUILDDIR     ?= build
QEMU_CC      ?= arm-none-eabi-gcc
QEMU_SIZE    ?= arm-none-eabi-size
QEMU_SYSTEM  ?= qemu-system-arm
QEMU_TIMEOUT ?= 300
QEMU_OPT     ?= -O2
QEMU_EXTRA   ?=
QEMU_CFLAGS_EXTRA ?=
QEMU_CFGS    ?= m3 m4f m7 m33 m0 m4f-infer-lean m4f-finetune-lean m0-infer-lean m0-finetune-lean

QEMU_DIR := tests/qemu
QEMU_WARN = $(if $(WARN),$(WARN),-Wall -Wextra -Wpedantic -Wshadow -Wconversion \
  -Wdouble-promotion -Wcast-qual -Wundef -Wmissing-prototypes -Werror)

# Sources: the library, the Cortex-M port, the portable tests, the harness.
QEMU_SRCS = $(LIB_SRCS) port/cortex-m/tmlp_port.c \
  $(or $(TEST_SRCS),$(wildcard tests/*.c)) $(QEMU_DIR)/startup.c

qemu_board_m3  := mps2-an385
qemu_cpu_m3    := -mcpu=cortex-m3 -mfloat-abi=soft
qemu_ld_m3     := mps2.ld
qemu_specs_m3  := -specs=rdimon.specs
qemu_defs_m3   := -DTMLP_PORT_CPU_HZ=25000000u

qemu_board_m4f := mps2-an386
qemu_cpu_m4f   := -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16
qemu_ld_m4f    := mps2.ld
qemu_specs_m4f := -specs=rdimon.specs
qemu_defs_m4f  := -DTMLP_PORT_CPU_HZ=25000000u

qemu_board_m7  := mps2-an500
qemu_cpu_m7    := -mcpu=cortex-m7 -mfloat-abi=hard -mfpu=fpv5-d16
qemu_ld_m7     := mps2.ld
qemu_specs_m7  := -specs=rdimon.specs
qemu_defs_m7   := -DTMLP_PORT_CPU_HZ=25000000u -DTMLP_CACHE_LINE=32

qemu_board_m33 := mps2-an505
qemu_cpu_m33   := -mcpu=cortex-m33 -mfloat-abi=hard -mfpu=fpv5-sp-d16
qemu_ld_m33    := an505.ld
qemu_specs_m33 := -specs=rdimon.specs
qemu_defs_m33  := -DTMLP_PORT_CPU_HZ=20000000u

qemu_board_m0  := microbit
qemu_cpu_m0    := -mcpu=cortex-m0 -mfloat-abi=soft
qemu_ld_m0     := microbit.ld
qemu_specs_m0  := -specs=nano.specs -specs=rdimon.specs
qemu_defs_m0   := -DTMLP_PORT_CPU_HZ=16000000u
qemu_split_m0  := yes

# The lean profiles: a base configuration's board and flags, plus the
# profile's options. $(1) = base cfg, $(2) = profile
define QEMU_PROFILE_CFG
qemu_board_$(1)-$(2) = $$(qemu_board_$(1))
qemu_cpu_$(1)-$(2)   = $$(qemu_cpu_$(1))
qemu_ld_$(1)-$(2)    = $$(qemu_ld_$(1))
qemu_specs_$(1)-$(2) = $$(qemu_specs_$(1))
qemu_defs_$(1)-$(2)  = $$(qemu_defs_$(1)) $$(PROFILE_$(2))
qemu_split_$(1)-$(2) = $$(qemu_split_$(1))
endef
$(foreach b,m4f m0,$(foreach p,infer-lean finetune-lean,$(eval $(call QEMU_PROFILE_CFG,$(b),$(p)))))

# Parse-time tool check (a few ms): compiler, newlib's rdimon specs, QEMU.
QEMU_TOOLS_OK := $(shell command -v $(QEMU_SYSTEM) >/dev/null 2>&1 && \
  command -v $(QEMU_CC) >/dev/null 2>&1 && \
  test -f "`$(QEMU_CC) -print-file-name=rdimon.specs`" && echo yes)
QEMU_MISSING_MSG := test-qemu: SKIPPED: $(QEMU_CC), newlib or $(QEMU_SYSTEM) not found; \
  install the Debian packages gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm

qemu_cflags = -mthumb $(qemu_cpu_$(1)) -std=c99 $(QEMU_OPT) -g -ffp-contract=off \
  -ffunction-sections -fdata-sections $(QEMU_WARN) $(or $(INCLUDES),-Ilib -Iport -Itests) \
  -DTMLP_TEST_CONFIG=\"qemu-$(1)\" $(qemu_defs_$(1)) $(QEMU_CFLAGS_EXTRA)

qemu_cmd = $(QEMU_SYSTEM) -M $(qemu_board_$(1)) -nographic \
  -semihosting-config enable=on,target=native $(QEMU_EXTRA)
qemu_link = $(QEMU_CC) -mthumb $(qemu_cpu_$(1)) $(qemu_specs_$(1)) -nostartfiles \
  -T$(QEMU_DIR)/$(qemu_ld_$(1)) -L$(QEMU_DIR) -Wl,--gc-sections

# Suites in the order tests/test_main.c runs them (for split configurations).
QEMU_SUITES := $(shell sed -n 's/^[[:space:]]*\(suite_[A-Za-z0-9_]*\)();.*/\1/p' tests/test_main.c 2>/dev/null)

# Objects, shared by both kinds of configuration. $(1) = cfg
define QEMU_CFG_RULES
QEMU_OBJS_$(1) := $$(addprefix $(BUILDDIR)/qemu-$(1)/,$$(QEMU_SRCS:.c=.o))

$(BUILDDIR)/qemu-$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(QEMU_CC) $$(call qemu_cflags,$(1)) -MMD -MP -c $$< -o $$@

# qemu-run-<cfg> always succeeds and leaves the exit status in qemu-<cfg>.rc,
# so that test-qemu runs every configuration (all logs exist) before failing.
.PHONY: qemu-run-$(1) test-qemu-$(1)
test-qemu-$(1): qemu-run-$(1)
	@exit `cat $(BUILDDIR)/qemu-$(1).rc`

-include $$(QEMU_OBJS_$(1):.o=.d)
endef

# One image with every suite (tests/test_main.c). $(1) = cfg
define QEMU_WHOLE_RULES
qemu_images_$(1) := $(BUILDDIR)/qemu-$(1)/tinymlp-test.elf

$(BUILDDIR)/qemu-$(1)/tinymlp-test.elf: $$(QEMU_OBJS_$(1)) $(QEMU_DIR)/$(qemu_ld_$(1)) $(QEMU_DIR)/sections.ld
	$$(call qemu_link,$(1)) -Wl,-Map=$$@.map $$(QEMU_OBJS_$(1)) -lm -o $$@
	@$$(QEMU_SIZE) $$@

qemu-run-$(1): $(BUILDDIR)/qemu-$(1)/tinymlp-test.elf
	@echo "== qemu-$(1): $$(call qemu_cmd,$(1)) -kernel $$<"
	@t0=`date +%s`; \
	{ timeout $(QEMU_TIMEOUT) $$(call qemu_cmd,$(1)) -kernel $$< 2>&1; \
	  echo $$$$? > $(BUILDDIR)/qemu-$(1).rc; } | tee $(BUILDDIR)/qemu-$(1).log; \
	rc=`cat $(BUILDDIR)/qemu-$(1).rc`; t1=`date +%s`; \
	if [ "$$$$rc" = 124 ]; then why=" (timed out after $(QEMU_TIMEOUT) s)"; else why=; fi; \
	echo "== qemu-$(1): exit $$$$rc$$$$why, $$$$((t1 - t0)) s"
endef

# One image per suite (tests/qemu/suite_main.c), for boards whose RAM cannot
# hold all suites' static arenas at once. An image that overflows RAM is
# replaced by a text file starting "SKIP", which run_split.sh reports. $(1) = cfg
define QEMU_SPLIT_RULES
QEMU_SPLIT_OBJS_$(1) := $$(filter-out %/tests/test_main.o,$$(QEMU_OBJS_$(1)))
qemu_images_$(1) := $$(patsubst %,$(BUILDDIR)/qemu-$(1)/split/%.elf,$(QEMU_SUITES))

$(BUILDDIR)/qemu-$(1)/split/%.o: $(QEMU_DIR)/suite_main.c
	@mkdir -p $$(@D)
	$$(QEMU_CC) $$(call qemu_cflags,$(1)) -DTMLP_QEMU_SUITE=$$* -MMD -MP -c $$< -o $$@

$(BUILDDIR)/qemu-$(1)/split/%.elf: $(BUILDDIR)/qemu-$(1)/split/%.o $$(QEMU_SPLIT_OBJS_$(1)) \
    $(QEMU_DIR)/$(qemu_ld_$(1)) $(QEMU_DIR)/sections.ld
	@if $$(call qemu_link,$(1)) -Wl,-Map=$$@.map $$< $$(QEMU_SPLIT_OBJS_$(1)) -lm \
	    -o $$@.tmp 2> $$@.err; then mv $$@.tmp $$@; $$(QEMU_SIZE) $$@ | sed 1d; \
	elif grep -q "overflowed by\|not enough RAM left" $$@.err; then \
	  echo "SKIP: does not fit in $(qemu_board_$(1))'s RAM (`sed -n 's/.*\(overflowed by [0-9]* bytes\|not enough RAM left.*\)/\1/p' $$@.err | head -n 1`)" > $$@; \
	  cat $$@; \
	else cat $$@.err; rm -f $$@.tmp; exit 1; fi

qemu-run-$(1): $$(qemu_images_$(1)) $(QEMU_DIR)/run_split.sh
	@echo "== qemu-$(1): $$(call qemu_cmd,$(1)) -kernel <one image per suite>"
	@t0=`date +%s`; \
	sh $(QEMU_DIR)/run_split.sh $(BUILDDIR)/qemu-$(1).log $(QEMU_TIMEOUT) \
	  "$$(call qemu_cmd,$(1))" $$(qemu_images_$(1)); \
	rc=$$$$?; echo $$$$rc > $(BUILDDIR)/qemu-$(1).rc; t1=`date +%s`; \
	echo "== qemu-$(1): exit $$$$rc, $$$$((t1 - t0)) s"

# Named only in pattern rules, these would count as intermediate and be deleted.
.SECONDARY: $$(QEMU_SPLIT_OBJS_$(1)) $$(qemu_images_$(1):.elf=.o)

-include $$(qemu_images_$(1):.elf=.d)
endef

$(foreach c,$(QEMU_CFGS),$(eval $(call QEMU_CFG_RULES,$(c))))
$(foreach c,$(QEMU_CFGS),$(eval $(call $(if $(qemu_split_$(c)),QEMU_SPLIT_RULES,QEMU_WHOLE_RULES),$(c))))

.PHONY: test-qemu test-qemu-hashes qemu-elfs qemu-port-check

ifeq ($(QEMU_TOOLS_OK),yes)

qemu-elfs: $(foreach c,$(QEMU_CFGS),$(qemu_images_$(c))) ## the Cortex-M test images, without running them

test-qemu: qemu-port-check $(foreach c,$(QEMU_CFGS),qemu-run-$(c)) ## the test suite on every Cortex-M core under QEMU
	@fail=; for c in $(QEMU_CFGS); do \
	  [ "`cat $(BUILDDIR)/qemu-$$c.rc`" = 0 ] || fail="$$fail qemu-$$c"; \
	done; \
	if [ -n "$$fail" ]; then echo "test-qemu: FAILED:$$fail"; exit 1; fi; \
	echo "test-qemu: all passed ($(QEMU_CFGS))"

qemu-port-check: ## the Cortex-M port helpers built for every core
	@mkdir -p $(BUILDDIR)/qemu-port
	@for cpu in "cortex-m0plus -mfloat-abi=soft" "cortex-m3 -mfloat-abi=soft" \
	  "cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16" "cortex-m7 -mfloat-abi=hard -mfpu=fpv5-d16" \
	  "cortex-m33 -mfloat-abi=hard -mfpu=fpv5-sp-d16"; do \
	  $(QEMU_CC) -mthumb -mcpu=$$cpu -std=c99 -Os $(QEMU_WARN) -Iport \
	    -c port/cortex-m/tmlp_port.c -o $(BUILDDIR)/qemu-port/tmlp_port.o || exit 1; \
	done

test-qemu-hashes: test-qemu ## test-qemu, then every weights-hash equal across host and QEMU
	@sh $(QEMU_DIR)/check_hashes.sh $(wildcard $(BUILDDIR)/host-*.log) \
	  $(foreach c,$(QEMU_CFGS),$(BUILDDIR)/qemu-$(c).log)

else

qemu-elfs test-qemu qemu-port-check:
	@echo "$(QEMU_MISSING_MSG)"

# Without the cross tools, at least the host builds must agree.
test-qemu-hashes: test-qemu
	@sh $(QEMU_DIR)/check_hashes.sh $(wildcard $(BUILDDIR)/host-*.log)

endif
