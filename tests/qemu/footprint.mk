# SPDX-License-Identifier: MIT
# Footprint, instruction counts and the CMake build. Included (non-recursively)
# by the top-level Makefile; paths are relative to the repository root.
#
#   make size        for the reference configurations (64-32-10 ReLU/softmax
#                    net; "infer": forward with const weights in flash,
#                    "train": forward, backward, SGD with momentum and the
#                    training loop at batch 1) on Cortex-M0+ and Cortex-M4F,
#                    one line each:
#                      footprint <config> <cpu> text= data= bss= arena= stack=
#                    Fails if a public call needs more than FP_STACK_LIMIT
#                    bytes of stack. Details (per-call stack paths) in
#                    $(BUILDDIR)/footprint/<config>-<cpu>.txt.
#   make bench-qemu  instructions per multiply-accumulate of the forward pass
#                    and of a training step (forward + backward + SGD with
#                    momentum, batch 1; MACs counted 3x) on mps2-an386 under
#                    qemu-system-arm -icount shift=0, library at -Os:
#                      qemu <config> cortex-m4f instr_per_mac=<x>
#   make test-cmake  configure and build examples/cmake with CMake in
#                    $(BUILDDIR)/cmake, run it, check its output; writes
#                    $(BUILDDIR)/cmake.log ("N passed, M failed"). Without
#                    cmake: one SKIPPED line and success.
#
# Everything is built with arm-none-eabi-gcc -Os -ffunction-sections
# -fdata-sections, linked with --gc-sections against newlib-nano
# (-specs=nano.specs, the usual choice on small parts) and -nostartfiles.

BUILDDIR       ?= build
FP_PREFIX      ?= arm-none-eabi-
FP_CC          ?= $(FP_PREFIX)gcc
FP_AR          ?= $(FP_PREFIX)ar
FP_PYTHON      ?= /usr/bin/python3
FP_QEMU        ?= qemu-system-arm
FP_STACK_LIMIT ?= 512
FP_CMAKE       ?= cmake

FP_DIR  := $(BUILDDIR)/footprint
FP_QDIR := tests/qemu
FP_CPUS := cortex-m0plus cortex-m4f
FP_CFGS := infer train
fp_cpu_cortex-m0plus := -mcpu=cortex-m0plus -mfloat-abi=soft
fp_cpu_cortex-m4f    := -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16
fp_train_infer := 0
fp_train_train := 1

# The public calls whose stack depth is reported, per configuration, and the
# library's own callbacks (reached through function pointers).
FP_CALLS_infer := tmlp_net_init_const,tmlp_net_forward
FP_CALLS_train := tmlp_data_arrays,tmlp_net_init,tmlp_net_set_params,tmlp_net_forward,$\
  tmlp_net_backward,tmlp_net_step,tmlp_train_begin,tmlp_train_step,tmlp_train
FP_INDIRECT    := read_arrays

FP_WARN = $(if $(WARN),$(WARN),-Wall -Wextra -Wpedantic -Wshadow -Wconversion \
  -Wdouble-promotion -Wcast-qual -Wundef -Wmissing-prototypes -Werror)
FP_LIB_SRCS = $(or $(LIB_SRCS),$(wildcard lib/*.c))
FP_HDRS     = $(wildcard lib/*.h) port/tmlp_port.h

fp_cflags = -mthumb $(fp_cpu_$(1)) -std=c99 -Os -ffp-contract=off -ffunction-sections \
  -fdata-sections $(FP_WARN) -Ilib -Iport
fp_ldflags = -mthumb $(fp_cpu_$(1)) -nostartfiles -T$(FP_QDIR)/mps2.ld -L$(FP_QDIR) \
  -Wl,--gc-sections

FP_TOOLS_OK := $(shell command -v $(FP_CC) >/dev/null 2>&1 && \
  test -f "`$(FP_CC) -print-file-name=nano.specs`" && echo yes)

# $(1) = cpu. The library (and the Cortex-M port) with -fstack-usage, one
# flat object directory per CPU so that every .su file is in one place.
define FP_CPU_RULES
FP_OBJS_$(1) := $$(patsubst lib/%.c,$(FP_DIR)/$(1)/obj/%.o,$$(FP_LIB_SRCS)) \
  $(FP_DIR)/$(1)/obj/tmlp_port.o

$(FP_DIR)/$(1)/obj/%.o: lib/%.c $$(FP_HDRS)
	@mkdir -p $$(@D)
	$$(FP_CC) $$(call fp_cflags,$(1)) -fstack-usage -c $$< -o $$@

$(FP_DIR)/$(1)/obj/tmlp_port.o: port/cortex-m/tmlp_port.c port/tmlp_port.h
	@mkdir -p $$(@D)
	$$(FP_CC) $$(call fp_cflags,$(1)) -fstack-usage -c $$< -o $$@

$(FP_DIR)/$(1)/libtinymlp.a: $$(FP_OBJS_$(1))
	@rm -f $$@
	$$(FP_AR) rcs $$@ $$^

# footprint_main.c with (1) and without (0) the library calls.
$(FP_DIR)/$(1)/main-%.o: $(FP_QDIR)/footprint_main.c $$(FP_HDRS)
	@mkdir -p $$(@D)
	$$(FP_CC) $$(call fp_cflags,$(1)) -DTMLP_FP_TRAIN=$$(fp_train_$$(word 1,$$(subst -, ,$$*))) \
	  -DTMLP_FP_LIB=$$(word 2,$$(subst -, ,$$*)) -c $$< -o $$@

$(FP_DIR)/$(1)/main-%.elf: $(FP_DIR)/$(1)/main-%.o $(FP_DIR)/$(1)/libtinymlp.a
	$$(FP_CC) $$(call fp_ldflags,$(1)) -specs=nano.specs $$< $(FP_DIR)/$(1)/libtinymlp.a -o $$@

.SECONDARY: $$(foreach c,$(FP_CFGS),$(FP_DIR)/$(1)/main-$$(c)-0.o $(FP_DIR)/$(1)/main-$$(c)-1.o)
endef
$(foreach p,$(FP_CPUS),$(eval $(call FP_CPU_RULES,$(p))))

FP_ELFS := $(foreach p,$(FP_CPUS),$(foreach c,$(FP_CFGS),$(FP_DIR)/$(p)/main-$(c)-0.elf \
  $(FP_DIR)/$(p)/main-$(c)-1.elf))

# The benchmark: M4F only, the same -Os library objects as `make size`, the
# QEMU test start-up (semihosting stdio through newlib's rdimon).
FP_BENCH := $(FP_DIR)/cortex-m4f/bench.elf

$(FP_DIR)/cortex-m4f/bench/%.o: $(FP_QDIR)/%.c $(FP_HDRS) $(FP_QDIR)/semihost.h
	@mkdir -p $(@D)
	$(FP_CC) $(call fp_cflags,cortex-m4f) -c $< -o $@

$(FP_BENCH): $(FP_DIR)/cortex-m4f/bench/bench_main.o $(FP_DIR)/cortex-m4f/bench/startup.o \
    $(FP_DIR)/cortex-m4f/libtinymlp.a
	$(FP_CC) $(call fp_ldflags,cortex-m4f) -specs=rdimon.specs $(filter %.o,$^) \
	  $(FP_DIR)/cortex-m4f/libtinymlp.a -o $@

FP_QEMU_CMD := $(FP_QEMU) -M mps2-an386 -icount shift=0 -nographic \
  -semihosting-config enable=on,target=native

.PHONY: size bench-qemu test-cmake

ifeq ($(FP_TOOLS_OK),yes)

size: $(FP_ELFS)
	@fail=0; for c in $(FP_CFGS); do for p in $(FP_CPUS); do \
	  calls=`if [ $$c = infer ]; then echo $(FP_CALLS_infer); else echo $(FP_CALLS_train); fi`; \
	  $(FP_PYTHON) tools/footprint.py --config $$c --cpu $$p --prefix $(FP_PREFIX) \
	    --base $(FP_DIR)/$$p/main-$$c-0.elf --lib $(FP_DIR)/$$p/main-$$c-1.elf \
	    --su-dir $(FP_DIR)/$$p/obj --calls $$calls --indirect $(FP_INDIRECT) \
	    --limit $(FP_STACK_LIMIT) --details $(FP_DIR)/$$c-$$p.txt || fail=1; \
	done; done; exit $$fail

bench-qemu: $(FP_BENCH)
	@if command -v $(FP_QEMU) >/dev/null 2>&1; then \
	  echo "== $(FP_QEMU_CMD) -kernel $<"; \
	  timeout 300 $(FP_QEMU_CMD) -kernel $< > $(FP_DIR)/bench-qemu.log 2>&1; rc=$$?; \
	  grep -v '^qemu harness:' $(FP_DIR)/bench-qemu.log; exit $$rc; \
	else echo "SKIPPED bench-qemu: $(FP_QEMU) is not installed (apt-get install qemu-system-arm)"; fi

else

size bench-qemu:
	@echo "SKIPPED $@: $(FP_CC) or newlib not found (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)"

endif

FP_CMAKE_DIR := $(BUILDDIR)/cmake

test-cmake:
	@mkdir -p $(BUILDDIR)
	@if command -v $(FP_CMAKE) >/dev/null 2>&1; then \
	  if $(FP_CMAKE) -S examples/cmake -B $(FP_CMAKE_DIR) -DCMAKE_BUILD_TYPE=MinSizeRel \
	       -DTINYMLP_PORT=host -DTINYMLP_STRICT=ON > $(FP_CMAKE_DIR).out 2>&1 && \
	     $(FP_CMAKE) --build $(FP_CMAKE_DIR) >> $(FP_CMAKE_DIR).out 2>&1 && \
	     ./$(FP_CMAKE_DIR)/tinymlp_cmake_example >> $(FP_CMAKE_DIR).out 2>&1 && \
	     grep -q '^cmake example: ok$$' $(FP_CMAKE_DIR).out; then \
	    echo "1 passed, 0 failed" > $(FP_CMAKE_DIR).log; \
	  else cat $(FP_CMAKE_DIR).out; echo "0 passed, 1 failed" > $(FP_CMAKE_DIR).log; fi; \
	  echo "[cmake] `cat $(FP_CMAKE_DIR).log`"; grep -q ' 0 failed' $(FP_CMAKE_DIR).log; \
	else echo "SKIPPED test-cmake: $(FP_CMAKE) is not installed (apt-get install cmake)"; fi
