# SPDX-License-Identifier: MIT
# RISC-V test runs under QEMU. Included (non-recursively) by the top-level
# Makefile; paths are relative to the repository root.
#
#   make test-riscv          the whole test suite (tests/*.c, as on the host)
#                            for every RV_CFGS entry under qemu-system-riscv32
#                            -M virt, log in $(BUILDDIR)/qemu-<cfg>.log, QEMU's
#                            exit code (main's return value) as the result;
#                            then the checks below, log in
#                            $(BUILDDIR)/riscv-checks.log
#   make test-riscv-<cfg>    one configuration only
#
# Configurations (config name = qemu-<cfg>, used in weights-hash lines):
#   rv32imac   soft float (-mabi=ilp32; Debian's multilibs have no rv32imc)
#   rv32imafc  hardware single precision (-mabi=ilp32f)
#
# Checks (riscv-checks.log):
#   - no fused multiply-add in the library: the F extension has fmadd.s,
#     fmsub.s, fnmadd.s and fnmsub.s, which round once where the C code
#     rounds twice; -ffp-contract=off keeps GCC from using them, and the
#     disassembly of every rv32imafc library object is searched for them.
#     The search is first shown to find one in a probe compiled with
#     -ffp-contract=fast.
#   - the port helpers (port/riscv/tmlp_port.c) run under QEMU: mcycle on
#     rv32imac, the time CSR (-DTMLP_PORT_RISCV_TIME) on rv32imafc.
#
# Toolchain: riscv64-unknown-elf-gcc (GCC 12, multilib) with picolibc
# (--specs=picolibc.specs --oslib=semihost --crt0=semihost: printf and
# main's return value go through semihosting). The Debian packages are
# gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf and
# qemu-system-misc; without them test-riscv prints one SKIPPED line, writes
# "0 passed, 0 failed" logs and succeeds.
#
# Memory: QEMU virt's RAM starts at 0x80000000, where -kernel loads the
# ELF; picolibc's linker script is given 4 MB of "flash" there and 16 MB of
# RAM above it (the suite needs about 0.3 MB and 0.1 MB).

RV_PREFIX  ?= riscv64-unknown-elf-
RV_CC      ?= $(RV_PREFIX)gcc
RV_OBJDUMP ?= $(RV_PREFIX)objdump
RV_SIZE    ?= $(RV_PREFIX)size
RV_QEMU    ?= qemu-system-riscv32
RV_TIMEOUT ?= 900
RV_OPT     ?= -O2
RV_CFGS    := rv32imac rv32imafc

rv_arch_rv32imac  := -march=rv32imac -mabi=ilp32
rv_arch_rv32imafc := -march=rv32imafc -mabi=ilp32f
# The port's clock in each configuration's check, and the rate it reports.
rv_port_rv32imac  := -DTMLP_PORT_EXPECT_HZ=8000000u
rv_port_rv32imafc := -DTMLP_PORT_RISCV_TIME -DTMLP_PORT_EXPECT_HZ=10000000u

RV_DIR := tests/riscv
RV_WARN = $(if $(WARN),$(WARN),-Wall -Wextra -Wpedantic -Wshadow -Wconversion \
  -Wdouble-promotion -Wcast-qual -Wundef -Wmissing-prototypes -Werror)
RV_SPECS := --specs=picolibc.specs --oslib=semihost --crt0=semihost
RV_MEM := -Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=4M \
  -Wl,--defsym=__ram=0x80400000 -Wl,--defsym=__ram_size=16M \
  -Wl,--defsym=__stack_size=64K

rv_cflags = $(rv_arch_$(1)) -std=c99 $(RV_OPT) -ffp-contract=off \
  -ffunction-sections -fdata-sections $(RV_WARN) $(or $(INCLUDES),-Ilib -Iport -Itests) \
  -DTMLP_TEST_CONFIG=\"qemu-$(1)\"
rv_link = $(RV_CC) $(RV_SPECS) $(rv_arch_$(1)) $(RV_MEM) -Wl,--gc-sections
rv_qemu = $(RV_QEMU) -M virt -cpu rv32 -bios none -nographic \
  -semihosting-config enable=on,target=native

RV_SRCS = $(LIB_SRCS) $(or $(TEST_SRCS),$(wildcard tests/*.c))

RV_TOOLS_OK := $(shell command -v $(RV_CC) >/dev/null 2>&1 && \
  command -v $(RV_QEMU) >/dev/null 2>&1 && \
  test -f "`$(RV_CC) -march=rv32imac -mabi=ilp32 -print-file-name=picolibc.specs`" && echo yes)

RV_LOGS := $(foreach c,$(RV_CFGS),$(BUILDDIR)/qemu-$(c).log) $(BUILDDIR)/riscv-checks.log
TARGET_TESTS += test-riscv
TARGET_LOGS  += $(RV_LOGS)

# $(1) = cfg
define RV_CFG_RULES
RV_OBJS_$(1) := $$(addprefix $(BUILDDIR)/qemu-$(1)/,$$(RV_SRCS:.c=.o))

$(BUILDDIR)/qemu-$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(RV_CC) $(RV_SPECS) $$(call rv_cflags,$(1)) -MMD -MP -c $$< -o $$@

$(BUILDDIR)/qemu-$(1)/tinymlp-test.elf: $$(RV_OBJS_$(1))
	$$(call rv_link,$(1)) $$(RV_OBJS_$(1)) -o $$@
	@$$(RV_SIZE) $$@

$(BUILDDIR)/qemu-$(1)/port-test.elf: $(RV_DIR)/port_main.c port/riscv/tmlp_port.c port/tmlp_port.h
	$$(call rv_link,$(1)) $$(call rv_cflags,$(1)) $$(rv_port_$(1)) -Iport \
	    $(RV_DIR)/port_main.c port/riscv/tmlp_port.c -o $$@

# The exit status is kept in qemu-<cfg>.rc, so that test-riscv runs every
# configuration (all logs exist) before failing.
.PHONY: test-riscv-$(1)
test-riscv-$(1): $(BUILDDIR)/qemu-$(1)/tinymlp-test.elf
	@echo "== qemu-$(1): $$(rv_qemu) -kernel $$<"
	@t0=`date +%s`; \
	timeout $(RV_TIMEOUT) $$(rv_qemu) -kernel $$< > $(BUILDDIR)/qemu-$(1).out 2>&1; \
	rc=$$$$?; echo $$$$rc > $(BUILDDIR)/qemu-$(1).rc; t1=`date +%s`; \
	tr -d '\r' < $(BUILDDIR)/qemu-$(1).out > $(BUILDDIR)/qemu-$(1).log; \
	grep -v '^[0-9]* passed, [0-9]* failed$$$$' $(BUILDDIR)/qemu-$(1).log | grep -v '^weights-hash\|^ckpt '; \
	if [ "$$$$rc" = 124 ]; then why=" (timed out after $(RV_TIMEOUT) s)"; else why=; fi; \
	echo "[qemu-$(1)] `tail -n 1 $(BUILDDIR)/qemu-$(1).log`: exit $$$$rc$$$$why, $$$$((t1 - t0)) s"; \
	exit $$$$rc

-include $$(RV_OBJS_$(1):.o=.d)
endef
$(foreach c,$(RV_CFGS),$(eval $(call RV_CFG_RULES,$(c))))

# The fused-multiply-add probe: a * b + c, contracted on purpose.
$(BUILDDIR)/riscv-fma-probe.o: $(RV_DIR)/fma_probe.c
	@mkdir -p $(@D)
	$(RV_CC) --specs=picolibc.specs $(rv_arch_rv32imafc) -O2 -ffp-contract=fast -c $< -o $@

RV_FUSED := '\<f(n)?m(add|sub)\.[sd]\>'

.PHONY: test-riscv riscv-checks

ifeq ($(RV_TOOLS_OK),yes)

test-riscv: ## the test suite on rv32imac and rv32imafc under QEMU, no fused multiply-add in lib/, the RISC-V port
	@fail=0; for c in $(RV_CFGS); do \
	    $(MAKE) --no-print-directory test-riscv-$$c || fail=1; done; \
	$(MAKE) --no-print-directory riscv-checks || fail=1; exit $$fail

riscv-checks: $(BUILDDIR)/riscv-fma-probe.o $(RV_OBJS_rv32imafc) $(foreach c,$(RV_CFGS),$(BUILDDIR)/qemu-$(c)/port-test.elf) ## no fmadd.s & co. in lib/ on rv32imafc; the RISC-V port under QEMU
	@log=$(BUILDDIR)/riscv-checks.log; p=0; f=0; : > $$log; \
	if $(RV_OBJDUMP) -d $(BUILDDIR)/riscv-fma-probe.o | grep -Eq $(RV_FUSED); then p=$$((p + 1)); \
	else f=$$((f + 1)); echo "FAIL riscv fused-op search: found nothing in a -ffp-contract=fast probe" | tee -a $$log; fi; \
	$(RV_OBJDUMP) -d $(filter $(BUILDDIR)/qemu-rv32imafc/lib/%,$(RV_OBJS_rv32imafc)) \
	    | grep -E $(RV_FUSED) > $(BUILDDIR)/riscv-fused.txt; \
	if [ -s $(BUILDDIR)/riscv-fused.txt ]; then f=$$((f + 1)); \
	    echo "FAIL lib/ on rv32imafc has fused multiply-adds:" | tee -a $$log; head $(BUILDDIR)/riscv-fused.txt | tee -a $$log; \
	else p=$$((p + 1)); echo "riscv: no fmadd/fmsub/fnmadd/fnmsub in lib/ on rv32imafc (`echo $(filter $(BUILDDIR)/qemu-rv32imafc/lib/%,$(RV_OBJS_rv32imafc)) | wc -w` objects)" | tee -a $$log; fi; \
	for c in $(RV_CFGS); do \
	    out=`timeout 60 $(rv_qemu) -kernel $(BUILDDIR)/qemu-$$c/port-test.elf 2>&1 | tr -d '\r'`; rc=$$?; \
	    printf '%s\n' "$$out" | grep -v '^[0-9]* passed, [0-9]* failed$$' | sed "s/^/$$c /" | tee -a $$log; \
	    line=`printf '%s\n' "$$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$$'`; \
	    if [ $$rc = 0 ] && [ -n "$$line" ]; then p=$$((p + $${line%% passed*})); \
	    else f=$$((f + 1)); echo "FAIL $$c port test (exit $$rc)" | tee -a $$log; fi; \
	done; \
	echo "$$p passed, $$f failed" >> $$log; echo "[riscv-checks] $$p passed, $$f failed"; [ $$f = 0 ]

else

test-riscv riscv-checks:
	@echo "SKIPPED $@: $(RV_CC), picolibc or $(RV_QEMU) not found (apt-get install gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc)"
	@mkdir -p $(BUILDDIR); for f in $(RV_LOGS); do echo "0 passed, 0 failed" > $$f; done

endif

# ---------------------------------------------------------------------------
# make size-riscv (run by make size): the footprint lines of make size for
# rv32imac and rv32imafc, the same configurations (FP_CFGS: the 64-32-10
# net; infer, infer-lean, finetune-lean, train) and profiles, built with
# -Os -ffunction-sections -fdata-sections and linked with --gc-sections
# against picolibc (--crt0=minimal: the start-up code is in both links, so
# the difference is the library's share with the libgcc and picolibc
# routines it pulls in). Stack: tools/scripts/footprint.py --arch riscv on
# the linked ELF. Details in $(FP_DIR)/<config>-<cpu>.txt. The stack limit
# is higher than the Cortex-M's: the RISC-V ABI keeps every frame a
# multiple of 16 bytes.
RV_FP_CPUS := rv32imac rv32imafc
RV_FP_STACK_LIMIT ?= 640
rvfp_cflags = $(rv_arch_$(1)) -std=c99 -Os -ffp-contract=off -ffunction-sections \
  -fdata-sections $(RV_WARN) -Ilib -Iport
rvfp_link = $(RV_CC) --specs=picolibc.specs --crt0=minimal $(rv_arch_$(1)) $(RV_MEM) -Wl,--gc-sections

# $(1) = cpu, $(2) = profile
define RVFP_LIB_RULES
RVFP_OBJS_$(1)_$(2) := $$(patsubst %.c,$(FP_DIR)/$(1)/$(2)/obj/%.o,$$(notdir $$(FP_LIB_SRCS)))

$(FP_DIR)/$(1)/$(2)/obj/%.o: %.c $$(FP_HDRS) Makefile
	@mkdir -p $$(@D)
	$$(RV_CC) --specs=picolibc.specs $$(call rvfp_cflags,$(1)) $$(PROFILE_$(2)) -fstack-usage -c $$< -o $$@

$(FP_DIR)/$(1)/$(2)/libtinymlp.a: $$(RVFP_OBJS_$(1)_$(2))
	@rm -f $$@
	$(RV_PREFIX)ar rcs $$@ $$^
endef

# $(1) = cpu, $(2) = configuration
define RVFP_CFG_RULES
$(FP_DIR)/$(1)/main-$(2)-%.o: $(FP_QDIR)/footprint_main.c $$(FP_HDRS) Makefile
	@mkdir -p $$(@D)
	$$(RV_CC) --specs=picolibc.specs $$(call rvfp_cflags,$(1)) $$(PROFILE_$(fp_prof_$(2))) \
	  -DTMLP_FP_TRAIN=$(fp_train_$(2)) -DTMLP_FP_LIB=$$(if $$(filter lib,$$*),1,0) -c $$< -o $$@

$(FP_DIR)/$(1)/main-$(2)-%.elf: $(FP_DIR)/$(1)/main-$(2)-%.o $(FP_DIR)/$(1)/$(fp_prof_$(2))/libtinymlp.a
	$$(call rvfp_link,$(1)) $$< $(FP_DIR)/$(1)/$(fp_prof_$(2))/libtinymlp.a -o $$@

.SECONDARY: $(FP_DIR)/$(1)/main-$(2)-base.o $(FP_DIR)/$(1)/main-$(2)-lib.o
endef
$(foreach p,$(RV_FP_CPUS),$(foreach f,$(FP_PROFS),$(eval $(call RVFP_LIB_RULES,$(p),$(f)))))
$(foreach p,$(RV_FP_CPUS),$(foreach c,$(FP_CFGS),$(eval $(call RVFP_CFG_RULES,$(p),$(c)))))

RV_FP_ELFS := $(foreach p,$(RV_FP_CPUS),$(foreach c,$(FP_CFGS),$(FP_DIR)/$(p)/main-$(c)-base.elf \
  $(FP_DIR)/$(p)/main-$(c)-lib.elf))
SIZE_TARGETS += size-riscv

.PHONY: size-riscv
ifeq ($(shell command -v $(RV_CC) >/dev/null 2>&1 && \
  test -f "`$(RV_CC) -march=rv32imac -mabi=ilp32 -print-file-name=picolibc.specs`" && echo yes),yes)
size-riscv: $(RV_FP_ELFS) ## footprint on rv32imac and rv32imafc, as make size (run by it)
	@fail=0; $(foreach c,$(FP_CFGS),for p in $(RV_FP_CPUS); do \
	  $(FP_PYTHON) tools/scripts/footprint.py --arch riscv --config $(c) --cpu $$p --prefix $(RV_PREFIX) \
	    --base $(FP_DIR)/$$p/main-$(c)-base.elf --lib $(FP_DIR)/$$p/main-$(c)-lib.elf \
	    --su-dir $(FP_DIR)/$$p/$(fp_prof_$(c))/obj --calls $(FP_CALLS_$(c)) --indirect $(FP_INDIRECT) \
	    --limit $(RV_FP_STACK_LIMIT) --details $(FP_DIR)/$(c)-$$p.txt || fail=1; \
	done;) exit $$fail
else
size-riscv:
	@echo "SKIPPED size-riscv: $(RV_CC) or picolibc not found (apt-get install gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf)"
endif

# make bench-riscv: instructions per multiply-accumulate on rv32imac and
# rv32imafc (tests/riscv/bench_main.c, the -Os library of size-riscv),
# counted by minstret under qemu-system-riscv32 -icount shift=0, in the
# format of make bench-qemu.
RV_BENCH_ELFS := $(foreach p,$(RV_FP_CPUS),$(FP_DIR)/$(p)/bench.elf)

$(FP_DIR)/rv32%/bench.elf: $(RV_DIR)/bench_main.c $(FP_HDRS) $(FP_DIR)/rv32%/default/libtinymlp.a
	$(RV_CC) $(RV_SPECS) $(call rvfp_cflags,rv32$*) -DTMLP_BENCH_CPU=\"rv32$*\" $(RV_MEM) \
	    -Wl,--gc-sections $< $(FP_DIR)/rv32$*/default/libtinymlp.a -o $@

.PHONY: bench-riscv
ifeq ($(RV_TOOLS_OK),yes)
bench-riscv: $(RV_BENCH_ELFS) ## instructions per multiply-accumulate on rv32imac and rv32imafc under QEMU (-icount)
	@rc=0; for p in $(RV_FP_CPUS); do \
	  echo "== $(rv_qemu) -icount shift=0 -kernel $(FP_DIR)/$$p/bench.elf"; \
	  timeout 300 $(rv_qemu) -icount shift=0 -kernel $(FP_DIR)/$$p/bench.elf > $(FP_DIR)/bench-$$p.log 2>&1 || rc=1; \
	  tr -d '\r' < $(FP_DIR)/bench-$$p.log; \
	done; exit $$rc
else
bench-riscv:
	@echo "SKIPPED bench-riscv: $(RV_CC), picolibc or $(RV_QEMU) not found (apt-get install gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc)"
endif
