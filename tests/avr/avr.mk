# SPDX-License-Identifier: MIT
# AVR (ATmega328P, the Arduino Uno's chip) test runs under simavr. Included
# (non-recursively) by the top-level Makefile; paths are relative to the
# repository root.
#
#   make test-avr   lib/ built with avr-gcc -mmcu=atmega328p and the
#                   project's warnings as errors; the suites of
#                   tests/test_small.c, one image each (AVR_SUITES), and the
#                   port helpers (port/avr) run under simavr; log in
#                   $(BUILDDIR)/simavr-atmega328p.log ("N passed, M failed",
#                   weights-hash lines with the config name
#                   simavr-atmega328p, compared with the host's by make test)
#
# Why a reduced suite: the chip has 2 KB of RAM and 32 KB of flash, and
# avr-gcc keeps string constants in RAM. The whole suite's static arenas
# alone need about 80 KB (tests/qemu/qemu.mk splits it even for the 16 KB
# micro:bit). tests/test_small.c holds the cases that fit: two training runs
# whose weights-hash lines every target prints (XOR 2-4-1 with tanh and
# sigmoid, a 4-6-3 ReLU/softmax net with Nesterov momentum and weight decay:
# exp, log, tanh, the losses, backward and SGD), a model file round trip,
# CRC-32, arena sizes past 64 KB (refused, not wrapped) and arena alignment;
# tests/test_small_arith.c checks the float operations themselves against
# x86-64's correctly rounded ones. A training run's image is about 30 KB of
# flash, so each suite is its own image. Each image ends with "avr harness:
# stack .. static .. free .. RAM .." (tests/avr/avr_main.c), the measured
# RAM use.
#
# simavr does not pass on the program's status: tests/avr/run_simavr.sh
# reads the "N passed, M failed" lines. Debian packages: gcc-avr, avr-libc,
# simavr; without them test-avr prints one SKIPPED line, writes a
# "0 passed, 0 failed" log and succeeds.

AVR_CC      ?= avr-gcc
AVR_SIZE    ?= avr-size
AVR_SIMAVR  ?= simavr
AVR_MCU     ?= atmega328p
AVR_F_CPU   ?= 16000000
AVR_TIMEOUT ?= 600
AVR_SUITES  := suite_small_train suite_small_softmax suite_small_arith suite_small_api

AVR_DIR := tests/avr
AVR_OUT := $(BUILDDIR)/avr
AVR_FP_DIR := $(FP_DIR)/$(AVR_MCU)
AVR_LOG := $(BUILDDIR)/simavr-$(AVR_MCU).log
AVR_WARN = $(if $(WARN),$(WARN),-Wall -Wextra -Wpedantic -Wshadow -Wconversion \
  -Wdouble-promotion -Wcast-qual -Wundef -Wmissing-prototypes -Werror)
# -mcall-prologues (shared register save/restore code) and -flto (as the
# Arduino build) keep about 2.5 KB of the 32 KB spare in the training images.
AVR_CFLAGS = -mmcu=$(AVR_MCU) -DF_CPU=$(AVR_F_CPU)UL -std=c99 -Os -mcall-prologues \
  -ffp-contract=off -ffunction-sections -fdata-sections $(AVR_WARN) -flto -Ilib -Iport -Itests \
  -DTMLP_TEST_CONFIG=\"simavr-$(AVR_MCU)\"
AVR_LDFLAGS = -mmcu=$(AVR_MCU) -Os -mcall-prologues -flto -Wl,--gc-sections
AVR_SIM = $(AVR_SIMAVR) -m $(AVR_MCU) -f $(AVR_F_CPU)

AVR_SRCS = $(LIB_SRCS) tests/tmlp_test.c tests/test_small.c tests/test_small_arith.c
AVR_OBJS = $(patsubst %.c,$(AVR_OUT)/%.o,$(AVR_SRCS))
AVR_IMAGES = $(patsubst %,$(AVR_OUT)/%.elf,$(AVR_SUITES)) $(AVR_OUT)/port.elf

AVR_TOOLS_OK := $(shell command -v $(AVR_CC) >/dev/null 2>&1 && \
  command -v $(AVR_SIMAVR) >/dev/null 2>&1 && \
  test -f "`$(AVR_CC) -mmcu=$(AVR_MCU) -print-file-name=libc.a`" && echo yes)

TARGET_TESTS += test-avr
TARGET_LOGS  += $(AVR_LOG)

$(AVR_OUT)/%.o: %.c $(AVR_DIR)/avr.mk
	@mkdir -p $(@D)
	$(AVR_CC) $(AVR_CFLAGS) -MMD -MP -c $< -o $@

$(AVR_OUT)/main-%.o: $(AVR_DIR)/avr_main.c $(AVR_DIR)/avr.mk
	@mkdir -p $(@D)
	$(AVR_CC) $(AVR_CFLAGS) -DTMLP_AVR_SUITE=$* -MMD -MP -c $< -o $@

$(AVR_OUT)/suite_%.elf: $(AVR_OUT)/main-suite_%.o $(AVR_OBJS)
	@echo "  LD      $@"
	@$(AVR_CC) $(AVR_LDFLAGS) $^ -o $@
	@$(AVR_SIZE) $@ | sed 1d

$(AVR_OUT)/port.elf: $(AVR_DIR)/port_main.c port/avr/tmlp_port.c port/tmlp_port.h
	@mkdir -p $(@D)
	$(AVR_CC) $(AVR_CFLAGS) $(AVR_LDFLAGS) $(AVR_DIR)/port_main.c port/avr/tmlp_port.c -o $@

.SECONDARY: $(AVR_OBJS) $(patsubst %,$(AVR_OUT)/main-%.o,$(AVR_SUITES))
-include $(AVR_OBJS:.o=.d) $(patsubst %,$(AVR_OUT)/main-%.d,$(AVR_SUITES))

.PHONY: test-avr

ifeq ($(AVR_TOOLS_OK),yes)

test-avr: $(AVR_IMAGES) $(AVR_DIR)/run_simavr.sh ## the suites that fit an ATmega328P (2 KB RAM), the AVR port and the Arduino sketches under simavr
	@echo "== simavr-$(AVR_MCU): $(AVR_SIM) <one image per suite>"
	@t0=`date +%s`; sh $(AVR_DIR)/run_simavr.sh $(AVR_LOG) $(AVR_TIMEOUT) "$(AVR_SIM)" $(AVR_IMAGES); \
	rc=$$?; t1=`date +%s`; \
	grep -v '^weights-hash' $(AVR_LOG) | sed '$$d'; \
	echo "[simavr-$(AVR_MCU)] `tail -n 1 $(AVR_LOG)`, $$((t1 - t0)) s"; \
	$(MAKE) --no-print-directory test-arduino || rc=1; exit $$rc

else

test-avr:
	@echo "SKIPPED test-avr: $(AVR_CC), avr-libc or $(AVR_SIMAVR) not found (apt-get install gcc-avr avr-libc simavr)"
	@mkdir -p $(BUILDDIR); echo "0 passed, 0 failed" > $(AVR_LOG); echo "0 passed, 0 failed" > $(ARD_LOG)

endif

include tests/arduino/arduino.mk

# ---------------------------------------------------------------------------
# make size-avr (run by make size): footprint lines in the format of make
# size for the ATmega328P, for the configurations (FP_CFGS) that fit it.
# The 64-32-10 reference net does not (its 2,410 weights alone are 9,640 B,
# and avr-gcc keeps const data in RAM), so these lines are for the 4-8-3
# net of the Arduino examples (FP_IN/FP_HID/FP_OUT below), same profiles,
# built with -Os -mcall-prologues (as make test-avr) and linked with
# --gc-sections; a configuration whose program does not fit the chip's
# 32 KB of flash or 2 KB of RAM is reported as such, not as a failure.
# Stack: tools/scripts/footprint.py --arch avr, with the 2-byte return
# address of each call level added.
AVR_FP_NET := -DFP_IN=4 -DFP_HID=8 -DFP_OUT=3 -DFP_FLASH_BYTES=64
avrfp_cflags = -mmcu=$(AVR_MCU) -DF_CPU=$(AVR_F_CPU)UL -std=c99 -Os -mcall-prologues -ffp-contract=off \
  -ffunction-sections -fdata-sections $(AVR_WARN) -Ilib -Iport

# $(1) = profile
define AVRFP_LIB_RULES
AVRFP_OBJS_$(1) := $$(patsubst %.c,$(AVR_FP_DIR)/$(1)/obj/%.o,$$(notdir $$(FP_LIB_SRCS)))

$(AVR_FP_DIR)/$(1)/obj/%.o: %.c $$(FP_HDRS) Makefile $(AVR_DIR)/avr.mk
	@mkdir -p $$(@D)
	$$(AVR_CC) $$(avrfp_cflags) $$(PROFILE_$(1)) -fstack-usage -c $$< -o $$@

$(AVR_FP_DIR)/$(1)/libtinymlp.a: $$(AVRFP_OBJS_$(1))
	@rm -f $$@
	avr-ar rcs $$@ $$^
endef

# $(1) = configuration. A link that does not fit leaves a file saying so.
define AVRFP_CFG_RULES
$(AVR_FP_DIR)/main-$(1)-%.o: $(FP_QDIR)/footprint_main.c $$(FP_HDRS) Makefile $(AVR_DIR)/avr.mk
	@mkdir -p $$(@D)
	$$(AVR_CC) $$(avrfp_cflags) $(AVR_FP_NET) $$(PROFILE_$(fp_prof_$(1))) \
	  -DTMLP_FP_TRAIN=$(fp_train_$(1)) -DTMLP_FP_LIB=$$(if $$(filter lib,$$*),1,0) -c $$< -o $$@

$(AVR_FP_DIR)/main-$(1)-%.elf: $(AVR_FP_DIR)/main-$(1)-%.o $(AVR_FP_DIR)/$(fp_prof_$(1))/libtinymlp.a
	@rm -f $$@.nofit; $$(AVR_CC) -mmcu=$(AVR_MCU) -Wl,--gc-sections $$< \
	  $(AVR_FP_DIR)/$(fp_prof_$(1))/libtinymlp.a -o $$@ 2> $$@.err || \
	{ grep -q "overflowed\|not within region" $$@.err || { cat $$@.err; exit 1; }; \
	  sed -n 's/.*\(region .* overflowed by [0-9]* bytes\).*/\1/p' $$@.err | head -n 2 | tr '\n' ' ' > $$@.nofit; \
	  touch $$@; }

.SECONDARY: $(AVR_FP_DIR)/main-$(1)-base.o $(AVR_FP_DIR)/main-$(1)-lib.o
endef
$(foreach f,$(FP_PROFS),$(eval $(call AVRFP_LIB_RULES,$(f))))
$(foreach c,$(FP_CFGS),$(eval $(call AVRFP_CFG_RULES,$(c))))

AVR_FP_ELFS := $(foreach c,$(FP_CFGS),$(AVR_FP_DIR)/main-$(c)-base.elf $(AVR_FP_DIR)/main-$(c)-lib.elf)
SIZE_TARGETS += size-avr

.PHONY: size-avr
ifeq ($(AVR_TOOLS_OK),yes)
size-avr: $(AVR_FP_ELFS) ## footprint on the ATmega328P (4-8-3 net), as make size (run by it)
	@echo "size-avr: $(AVR_MCU) lines for the 4-8-3 net (the 64-32-10 reference net does not fit 2 KB of RAM)"
	@fail=0; $(foreach c,$(FP_CFGS),\
	  if [ -f $(AVR_FP_DIR)/main-$(c)-lib.elf.nofit ]; then \
	    echo "footprint $(c) $(AVR_MCU): does not fit (`cat $(AVR_FP_DIR)/main-$(c)-lib.elf.nofit`)"; \
	  else $(FP_PYTHON) tools/scripts/footprint.py --arch avr --call-bytes 2 --config $(c) --cpu $(AVR_MCU) \
	    --prefix avr- --base $(AVR_FP_DIR)/main-$(c)-base.elf --lib $(AVR_FP_DIR)/main-$(c)-lib.elf \
	    --su-dir $(AVR_FP_DIR)/$(fp_prof_$(c))/obj --calls $(FP_CALLS_$(c)) --indirect $(FP_INDIRECT) \
	    --limit $(FP_STACK_LIMIT) --details $(FP_DIR)/$(c)-$(AVR_MCU).txt || fail=1; fi;) exit $$fail
else
size-avr:
	@echo "SKIPPED size-avr: $(AVR_CC) or avr-libc not found (apt-get install gcc-avr avr-libc)"
endif

# make bench-avr: cycles per multiply-accumulate on the ATmega328P under
# simavr (tests/avr/bench_main.c: a 4-8-3 net, the -Os -mcall-prologues
# library of size-avr, timed with port/avr's Timer1), in the format of
# make bench-qemu.
AVR_BENCH := $(AVR_FP_DIR)/bench.elf

$(AVR_BENCH): $(AVR_DIR)/bench_main.c port/avr/tmlp_port.c $(FP_HDRS) $(AVR_FP_DIR)/default/libtinymlp.a
	$(AVR_CC) $(avrfp_cflags) -Wl,--gc-sections $(AVR_DIR)/bench_main.c port/avr/tmlp_port.c \
	    $(AVR_FP_DIR)/default/libtinymlp.a -o $@

.PHONY: bench-avr
ifeq ($(AVR_TOOLS_OK),yes)
bench-avr: $(AVR_BENCH) ## cycles per multiply-accumulate on the ATmega328P under simavr (4-8-3 net)
	@echo "== $(AVR_SIM) $(AVR_BENCH)"
	@timeout 300 $(AVR_SIM) $(AVR_BENCH) 2>&1 >/dev/null | sed "s/`printf '\033'`\[[0-9;]*m//g; s/\.$$//" | \
	    grep -v '^$$' | tee $(AVR_FP_DIR)/bench.log; grep -q cycles_per_mac $(AVR_FP_DIR)/bench.log
else
bench-avr:
	@echo "SKIPPED bench-avr: $(AVR_CC), avr-libc or $(AVR_SIMAVR) not found (apt-get install gcc-avr avr-libc simavr)"
endif
