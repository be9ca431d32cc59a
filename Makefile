# SPDX-License-Identifier: MIT
# tinymlp: one non-recursive Makefile. `make help` lists the targets.

CC      ?= cc
BUILDDIR ?= build
PORT    ?= host

# The library's sources, listed once (lib/Filelists.mk, also for users' Makefiles).
TINYMLP_LIB := lib
include lib/Filelists.mk
LIB_SRCS  := $(TINYMLP_SRCS)
LIB_HDRS  := $(wildcard lib/*.h)
PORT_SRCS := port/$(PORT)/tmlp_port.c
# The simulated NOR flash (port/sim) is portable and part of every test build.
TEST_SRCS := $(wildcard tests/*.c) $(wildcard port/sim/*.c)
TEST_HDRS := $(wildcard tests/*.h)
EXAMPLES  := $(patsubst examples/%.c,%,$(wildcard examples/*.c))

# Warnings are errors, for the library, the tests and the examples alike.
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wdouble-promotion -Wcast-qual \
        -Wundef -Wmissing-prototypes -Werror
# -ffp-contract=off is required for bit-identical results on every target
# (no fused multiply-add); users building the library themselves need it too.
LIB_FLAGS := -std=c99 -ffp-contract=off
INCLUDES  := -Ilib -Iport -Iport/sim -Itests

# The library's lean profiles: tmlp_config.h options (each feature in by
# default). `make size` measures them; `make test` runs the suite with each
# (host-gcc-<profile>, qemu-<cfg>-<profile>), counting the cases that need a
# left-out feature as skipped.
PROFILE_default       :=
PROFILE_infer-lean    := -DTMLP_WITH_TRAINING=0 -DTMLP_WITH_CHECKED_STEP=0 -DTMLP_WITH_ADAM=0 \
  -DTMLP_WITH_SIGMOID=0 -DTMLP_WITH_TANH=0 -DTMLP_WITH_LEAKY_RELU=0 -DTMLP_WITH_INPUT_SCALE=0 \
  -DTMLP_WITH_SCHEDULES=0 -DTMLP_NO_STRINGS=1 -DTMLP_NO_ASM=1
PROFILE_finetune-lean := -DTMLP_WITH_CHECKED_STEP=0 -DTMLP_WITH_ADAM=0 -DTMLP_WITH_SIGMOID=0 \
  -DTMLP_WITH_TANH=0 -DTMLP_WITH_LEAKY_RELU=0 -DTMLP_WITH_SCHEDULES=0 -DTMLP_NO_STRINGS=1 \
  -DTMLP_NO_ASM=1

OPT ?= -O2
LIB_OBJS := $(patsubst lib/%.c,$(BUILDDIR)/obj/%.o,$(LIB_SRCS))

.PHONY: all lib examples test test-host test-readme demo test-demo clean help deps check-syms check-cxx
all: lib examples ## library, examples and the command-line tool, in $(BUILDDIR)

lib: $(BUILDDIR)/libtinymlp.a ## the library alone: $(BUILDDIR)/libtinymlp.a

# The library compiles with -Ilib alone: it includes nothing from port/.
$(BUILDDIR)/obj/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(LIB_FLAGS) $(OPT) $(WARN) -Ilib -c $< -o $@

$(BUILDDIR)/libtinymlp.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

examples: $(addprefix $(BUILDDIR)/,$(EXAMPLES)) ## the example programs of examples/

$(BUILDDIR)/%: examples/%.c $(BUILDDIR)/libtinymlp.a $(PORT_SRCS) $(LIB_HDRS)
	$(CC) $(LIB_FLAGS) $(OPT) $(WARN) $(INCLUDES) $< $(PORT_SRCS) $(BUILDDIR)/libtinymlp.a -o $@

# The build is quiet (its log is shown only when it fails): the demo's
# output is the story alone.
demo: ## the story a new user sees: train, evaluate, export and fine-tune the digits model
	@mkdir -p $(BUILDDIR)
	@echo "building the library, the tool and the examples in $(BUILDDIR) ..."
	@$(MAKE) -s --no-print-directory examples tool > $(BUILDDIR)/demo-build.log 2>&1 || \
	    { cat $(BUILDDIR)/demo-build.log; echo "demo: the build failed"; exit 1; }
	@sh tools/scripts/demo.sh $(BUILDDIR)

# `make demo` run as a new user runs it, in an empty build folder (so the
# build's output shows if it leaks into the story, even under make -s),
# and its output checked (tests/test_demo.sh); log in $(BUILDDIR)/demo.log,
# part of the total of `make test`.
DEMO_FRESH := $(BUILDDIR)/demo-fresh
test-demo: ## make demo checked: sections 1..N, no compiler lines, one value per figure, measured Cortex-M4 sizes
	@mkdir -p $(BUILDDIR); rm -rf $(DEMO_FRESH)
	@$(MAKE) --no-print-directory --no-silent BUILDDIR=$(DEMO_FRESH) demo > $(BUILDDIR)/demo.out 2>&1; \
	sh tests/test_demo.sh $(BUILDDIR) $(BUILDDIR)/demo.out $$? > $(BUILDDIR)/demo.log 2>&1; rc=$$?; \
	grep -v '^[0-9]* passed, [0-9]* failed$$' $(BUILDDIR)/demo.log; \
	echo "[demo] `tail -n 1 $(BUILDDIR)/demo.log`"; exit $$rc

# ---------------------------------------------------------------------------
# Tests. Each host configuration builds the whole suite (library, host port,
# tests) with its own compiler and flags, runs it and keeps its log in
# $(BUILDDIR)/host-<config>.log; `make test` then checks that every
# configuration printed the same weights-hash lines, runs the Cortex-M suites
# when the cross tools are installed, and prints the total.

HOST_CONFIGS := gcc-O0 gcc-O2 gcc-O3-native clang-O2 clang-O3-native gcc-asan \
  gcc-infer-lean clang-finetune-lean
cc_gcc-O0          := gcc
flags_gcc-O0       := -O0
cc_gcc-O2          := gcc
flags_gcc-O2       := -O2
cc_gcc-O3-native   := gcc
flags_gcc-O3-native := -O3 -march=native
cc_clang-O2        := clang
flags_clang-O2     := -O2
cc_clang-O3-native := clang
flags_clang-O3-native := -O3 -march=native
cc_gcc-asan        := gcc
flags_gcc-asan     := -O1 -g -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
# The lean profiles (PROFILE_*, above), under the sanitizers too, and
# without a cache line (TMLP_CACHE_LINE 0), as on the boards they are for.
cc_gcc-infer-lean  := gcc
flags_gcc-infer-lean := $(flags_gcc-asan) $(PROFILE_infer-lean) -DTMLP_CACHE_LINE=0
cc_clang-finetune-lean := clang
flags_clang-finetune-lean := $(flags_gcc-asan) $(PROFILE_finetune-lean) -DTMLP_CACHE_LINE=0

TEST_INPUTS := $(LIB_SRCS) $(LIB_HDRS) port/host/tmlp_port.c $(TEST_SRCS) $(TEST_HDRS)

$(BUILDDIR)/host-%/tests: $(TEST_INPUTS)
	@mkdir -p $(@D)
	@echo "  CC      host-$* ($(cc_$*) $(flags_$*))"
	@$(cc_$*) $(LIB_FLAGS) $(flags_$*) $(WARN) $(INCLUDES) -DTMLP_TEST_CONFIG='"host-$*"' \
	    $(LIB_SRCS) port/host/tmlp_port.c $(TEST_SRCS) -o $@ -lm

# One configuration: build and run, log kept; a missing compiler is one
# visible line, not a failure.
$(BUILDDIR)/host-%.log: $(TEST_INPUTS)
	@mkdir -p $(BUILDDIR)
	@if command -v $(cc_$*) >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory $(BUILDDIR)/host-$*/tests && \
	    { $(BUILDDIR)/host-$*/tests > $@.tmp 2>&1; rc=$$?; cat $@.tmp; mv $@.tmp $@; \
	      echo "[host-$*] `tail -n 1 $@`"; exit $$rc; }; \
	else echo "SKIPPED host-$*: $(cc_$*) is not installed (apt-get install $(cc_$*))"; \
	     echo "0 passed, 0 failed" > $@; fi

HOST_LOGS := $(addprefix $(BUILDDIR)/host-,$(addsuffix .log,$(HOST_CONFIGS)))

test-host: ## the test suite in every host configuration (gcc, clang, -O0..-O3, ASan+UBSan)
	@rm -f $(HOST_LOGS)
	@fail=0; for c in $(HOST_CONFIGS); do \
	    $(MAKE) --no-print-directory $(BUILDDIR)/host-$$c.log || fail=1; done; exit $$fail

test: ## everything: host suites, Cortex-M suites under QEMU, tool, README, CMake, hashes
	@fail=0; \
	$(MAKE) --no-print-directory test-host || fail=1; \
	$(MAKE) --no-print-directory check-syms check-cxx check-nodiscard check-filelists check-help \
	    check-options || fail=1; \
	$(MAKE) --no-print-directory test-readme || fail=1; \
	$(MAKE) --no-print-directory test-demo || fail=1; \
	$(MAKE) --no-print-directory test-json || fail=1; \
	$(MAKE) --no-print-directory test-tool || fail=1; \
	$(MAKE) --no-print-directory test-torch-json || fail=1; \
	$(MAKE) --no-print-directory test-finetune || fail=1; \
	$(MAKE) --no-print-directory test-cortex-m-example || fail=1; \
	$(MAKE) --no-print-directory test-qemu || fail=1; \
	$(MAKE) --no-print-directory test-cmake || fail=1; \
	for t in $(TARGET_TESTS); do $(MAKE) --no-print-directory $$t || fail=1; done; \
	sh tests/qemu/check_hashes.sh $(BUILDDIR)/host-*.log $(BUILDDIR)/qemu-m*.log $(TARGET_LOGS) || fail=1; \
	sh tests/total.sh $(BUILDDIR)/host-*.log $(BUILDDIR)/qemu-m*.log $(TARGET_LOGS) $(BUILDDIR)/readme.log $(BUILDDIR)/demo.log $(BUILDDIR)/cmake.log $(BUILDDIR)/json.log $(BUILDDIR)/tool.log $(BUILDDIR)/parity.log $(BUILDDIR)/finetune.log $(BUILDDIR)/cortex-m-example.log $(BUILDDIR)/torch_json.log || fail=1; \
	exit $$fail

# The README's first program, extracted and run, so it never rots: first
# with the warning flags, then with the exact command line the README
# prints, run as printed in a folder laid out like the repository (xor.c
# beside lib/).
README_DIR := $(BUILDDIR)/readme
test-readme: ## build and run the README's first program with the README's own command line
	@mkdir -p $(README_DIR) && rm -f $(README_DIR)/lib && ln -s $(CURDIR)/lib $(README_DIR)/lib
	@sed -n '/<!-- readme-example:begin -->/,/<!-- readme-example:end -->/p' README.md \
	    | sed '1,2d;$$d' | sed '$$d' > $(README_DIR)/xor.c
	@sed -n '/<!-- readme-build:begin -->/,/<!-- readme-build:end -->/p' README.md \
	    | sed '1,2d;$$d' | sed '$$d' > $(README_DIR)/build.sh
	@ok=1; \
	$(CC) $(LIB_FLAGS) $(OPT) $(WARN) -Ilib $(README_DIR)/xor.c $(LIB_SRCS) -o $(README_DIR)/xor-warn \
	    && $(README_DIR)/xor-warn > /dev/null || ok=0; \
	(cd $(README_DIR) && rm -f xor && sh ./build.sh) > $(README_DIR)/out.txt 2>&1 \
	    || { ok=0; echo "test-readme: the README's build line failed:"; cat $(README_DIR)/build.sh $(README_DIR)/out.txt; }; \
	if [ $$ok = 1 ]; then echo "2 passed, 0 failed" > $(BUILDDIR)/readme.log; \
	else echo "0 passed, 2 failed" > $(BUILDDIR)/readme.log; fi; \
	echo "[readme] `cat $(BUILDDIR)/readme.log`"; [ $$ok = 1 ]

include tests/qemu/qemu.mk

# ---------------------------------------------------------------------------
# Footprint, instruction counts and the CMake build.
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
#                    and for the M4F the estimated Cortex-M4 cycles, the
#                    executed instruction mix (a QEMU plugin built with the
#                    host's compiler) weighted by the manual's timings
#                    (tools/scripts/m4_cycles.py gives the rules):
#                      qemu <config> cortex-m4f cycles_per_mac_est=<y>
#                    Per-function mix in $(BUILDDIR)/footprint/cycles-cortex-m4f.txt.
#   make test-cmake  configure and build examples/cmake with CMake in
#                    $(BUILDDIR)/cmake, run it, check its output; writes
#                    $(BUILDDIR)/cmake.log ("N passed, M failed"). Without
#                    cmake: one SKIPPED line and success.
#
# Everything is built with arm-none-eabi-gcc -Os -ffunction-sections
# -fdata-sections, linked with --gc-sections against newlib-nano
# (-specs=nano.specs, the usual choice on small parts) and -nostartfiles.

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
FP_CFGS := infer infer-lean finetune-lean train
fp_cpu_cortex-m0plus := -mcpu=cortex-m0plus -mfloat-abi=soft
fp_cpu_cortex-m4f    := -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16
# Per configuration: what footprint_main.c calls (TMLP_FP_TRAIN) and which
# library profile it links (PROFILE_*, above: default = every feature).
fp_train_infer         := 0
fp_train_infer-lean    := 3
fp_train_finetune-lean := 2
fp_train_train         := 1
fp_prof_infer         := default
fp_prof_infer-lean    := infer-lean
fp_prof_finetune-lean := finetune-lean
fp_prof_train         := default
FP_PROFS := default infer-lean finetune-lean

# The public calls whose stack depth is reported, per configuration, and the
# library's own callbacks (reached through function pointers).
FP_CALLS_infer := tmlp_net_init,tmlp_net_forward
FP_CALLS_infer-lean := $(FP_CALLS_infer),tmlp_argmax
FP_CALLS_finetune-lean := tmlp_net_init,tmlp_ckpt_load,tmlp_net_train_sample,tmlp_ckpt_save,$\
  tmlp_net_forward,tmlp_argmax
FP_CALLS_train := tmlp_data_arrays,tmlp_net_init,tmlp_net_set_params,tmlp_net_forward,$\
  tmlp_net_backward,tmlp_net_step,tmlp_train_begin,tmlp_train_step,tmlp_train
FP_INDIRECT    := read_arrays

FP_WARN = $(if $(WARN),$(WARN),-Wall -Wextra -Wpedantic -Wshadow -Wconversion \
  -Wdouble-promotion -Wcast-qual -Wundef -Wmissing-prototypes -Werror)
FP_LIB_SRCS = $(LIB_SRCS)
FP_HDRS     = $(wildcard lib/*.h) port/tmlp_port.h

fp_cflags = -mthumb $(fp_cpu_$(1)) -std=c99 -Os -ffp-contract=off -ffunction-sections \
  -fdata-sections $(FP_WARN) -Ilib -Iport
fp_ldflags = -mthumb $(fp_cpu_$(1)) -nostartfiles -T$(FP_QDIR)/mps2.ld -L$(FP_QDIR) \
  -Wl,--gc-sections

FP_TOOLS_OK := $(shell command -v $(FP_CC) >/dev/null 2>&1 && \
  test -f "`$(FP_CC) -print-file-name=nano.specs`" && echo yes)

# The footprint objects are flat (one folder per CPU and profile): sources
# found by vpath.
vpath %.c $(sort $(dir $(LIB_SRCS)))

# $(1) = cpu, $(2) = profile. The library (and the Cortex-M port) with
# -fstack-usage, one flat object directory per CPU and profile so that every
# .su file is in one place.
define FP_LIB_RULES
FP_OBJS_$(1)_$(2) := $$(patsubst %.c,$(FP_DIR)/$(1)/$(2)/obj/%.o,$$(notdir $$(FP_LIB_SRCS))) \
  $(FP_DIR)/$(1)/$(2)/obj/tmlp_port.o

# The Makefile too: it holds the profiles' options.
$(FP_DIR)/$(1)/$(2)/obj/%.o: %.c $$(FP_HDRS) Makefile
	@mkdir -p $$(@D)
	$$(FP_CC) $$(call fp_cflags,$(1)) $$(PROFILE_$(2)) -fstack-usage -c $$< -o $$@

$(FP_DIR)/$(1)/$(2)/obj/tmlp_port.o: port/cortex-m/tmlp_port.c port/tmlp_port.h
	@mkdir -p $$(@D)
	$$(FP_CC) $$(call fp_cflags,$(1)) $$(PROFILE_$(2)) -fstack-usage -c $$< -o $$@

$(FP_DIR)/$(1)/$(2)/libtinymlp.a: $$(FP_OBJS_$(1)_$(2))
	@rm -f $$@
	$$(FP_AR) rcs $$@ $$^
endef

# $(1) = cpu, $(2) = configuration: footprint_main.c with (lib) and without
# (base) the library calls, and the two links.
define FP_CFG_RULES
$(FP_DIR)/$(1)/main-$(2)-%.o: $(FP_QDIR)/footprint_main.c $$(FP_HDRS) Makefile
	@mkdir -p $$(@D)
	$$(FP_CC) $$(call fp_cflags,$(1)) $$(PROFILE_$(fp_prof_$(2))) -DTMLP_FP_TRAIN=$(fp_train_$(2)) \
	  -DTMLP_FP_LIB=$$(if $$(filter lib,$$*),1,0) -c $$< -o $$@

$(FP_DIR)/$(1)/main-$(2)-%.elf: $(FP_DIR)/$(1)/main-$(2)-%.o $(FP_DIR)/$(1)/$(fp_prof_$(2))/libtinymlp.a
	$$(FP_CC) $$(call fp_ldflags,$(1)) -specs=nano.specs $$< $(FP_DIR)/$(1)/$(fp_prof_$(2))/libtinymlp.a -o $$@

.SECONDARY: $(FP_DIR)/$(1)/main-$(2)-base.o $(FP_DIR)/$(1)/main-$(2)-lib.o
endef
$(foreach p,$(FP_CPUS),$(foreach f,$(FP_PROFS),$(eval $(call FP_LIB_RULES,$(p),$(f)))))
$(foreach p,$(FP_CPUS),$(foreach c,$(FP_CFGS),$(eval $(call FP_CFG_RULES,$(p),$(c)))))

FP_ELFS := $(foreach p,$(FP_CPUS),$(foreach c,$(FP_CFGS),$(FP_DIR)/$(p)/main-$(c)-base.elf \
  $(FP_DIR)/$(p)/main-$(c)-lib.elf))

# The benchmark: the same -Os library objects as `make size` (every
# feature), the QEMU test start-up (semihosting stdio through newlib's
# rdimon). The M4F code runs on mps2-an386 (Cortex-M4F). The M0+ code
# (Thumb-1, libgcc's soft float for ARMv6-M) runs on mps2-an385, a
# Cortex-M3: it executes exactly the M0+ program's instructions (ARMv6-M is
# a subset of ARMv7-M), and its 4 MB of RAM hold the reference net's
# training arena, which the micro:bit's 16 KB do not.
FP_BENCH := $(FP_DIR)/cortex-m4f/bench.elf $(FP_DIR)/cortex-m0plus/bench.elf
fp_board_cortex-m4f    := mps2-an386
fp_board_cortex-m0plus := mps2-an385

define FP_BENCH_RULES
$(FP_DIR)/$(1)/bench/%.o: $(FP_QDIR)/%.c $(FP_HDRS) $(FP_QDIR)/semihost.h
	@mkdir -p $$(@D)
	$(FP_CC) $$(call fp_cflags,$(1)) -DTMLP_BENCH_CPU=\"$(1)\" -c $$< -o $$@

$(FP_DIR)/$(1)/bench.elf: $(FP_DIR)/$(1)/bench/bench_main.o $(FP_DIR)/$(1)/bench/startup.o \
    $(FP_DIR)/$(1)/default/libtinymlp.a
	$(FP_CC) $$(call fp_ldflags,$(1)) -specs=rdimon.specs $$(filter %.o,$$^) \
	  $(FP_DIR)/$(1)/default/libtinymlp.a -o $$@
endef
$(foreach p,$(FP_CPUS),$(eval $(call FP_BENCH_RULES,$(p))))

fp_qemu_cmd = $(FP_QEMU) -M $(fp_board_$(1)) -icount shift=0 -nographic \
  -semihosting-config enable=on,target=native

# The instruction-mix plugin: host code, any C compiler of the host.
FP_MIX := $(FP_DIR)/qemu_insn_mix.so
$(FP_MIX): tools/scripts/qemu_insn_mix.c
	@mkdir -p $(@D)
	$(CC) -std=c99 -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden $< -o $@

# The M4F run goes through m4_cycles.py (the program's own lines, plus the
# cycle estimates), the M0+ run straight to QEMU.
fp_bench_run_cortex-m4f = $(FP_PYTHON) tools/scripts/m4_cycles.py --elf $(FP_DIR)/$(1)/bench.elf \
  --plugin $(FP_MIX) --prefix $(FP_PREFIX) --counts $(FP_DIR)/mix-$(1).txt \
  --details $(FP_DIR)/cycles-$(1).txt -- $(call fp_qemu_cmd,$(1))
fp_bench_run_cortex-m0plus = $(call fp_qemu_cmd,$(1)) -kernel $(FP_DIR)/$(1)/bench.elf

.PHONY: size size-options bench-qemu test-cmake

ifeq ($(FP_TOOLS_OK),yes)

size: $(FP_ELFS) ## footprint on Cortex-M0+ and M4F (then RISC-V and AVR): text/data/bss/arena/stack per configuration
	@fail=0; $(foreach c,$(FP_CFGS),for p in $(FP_CPUS); do \
	  $(FP_PYTHON) tools/scripts/footprint.py --config $(c) --cpu $$p --prefix $(FP_PREFIX) \
	    --base $(FP_DIR)/$$p/main-$(c)-base.elf --lib $(FP_DIR)/$$p/main-$(c)-lib.elf \
	    --su-dir $(FP_DIR)/$$p/$(fp_prof_$(c))/obj --calls $(FP_CALLS_$(c)) --indirect $(FP_INDIRECT) \
	    --limit $(FP_STACK_LIMIT) --details $(FP_DIR)/$(c)-$$p.txt || fail=1; \
	done;) for t in $(SIZE_TARGETS); do $(MAKE) --no-print-directory $$t || fail=1; done; exit $$fail

size-options: ## text each TMLP_WITH_* option saves (infer and train, M4F and M0+)
	@sh tools/scripts/size_options.sh $(BUILDDIR)

bench-qemu: $(FP_BENCH) $(FP_MIX) ## instructions per multiply-accumulate under QEMU (-icount), M4F and M0+ code; estimated M4 cycles
	@if command -v $(FP_QEMU) >/dev/null 2>&1; then rc=0; \
	  $(foreach p,$(FP_CPUS),echo "== $(call fp_bench_run_$(p),$(p))"; \
	  timeout 300 $(call fp_bench_run_$(p),$(p)) \
	    > $(FP_DIR)/bench-qemu-$(p).log 2>&1 || rc=1; \
	  grep -v '^qemu harness:' $(FP_DIR)/bench-qemu-$(p).log;) exit $$rc; \
	else echo "SKIPPED bench-qemu: $(FP_QEMU) is not installed (apt-get install qemu-system-arm)"; fi

else

size size-options bench-qemu:
	@echo "SKIPPED $@: $(FP_CC) or newlib not found (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)"
	@if [ $@ = size ]; then fail=0; for t in $(SIZE_TARGETS); do \
	    $(MAKE) --no-print-directory $$t || fail=1; done; exit $$fail; fi

endif

# Suites on other architectures. Each tests/<arch>/<arch>.mk adds its make
# target to TARGET_TESTS and the logs it writes ("N passed, M failed", with
# weights-hash lines) to TARGET_LOGS; `make test` runs them, compares their
# hashes with the host's and counts them in the total. Its footprint target
# (lines in the format of `make size`, for the same FP_CFGS) goes in
# SIZE_TARGETS, which `make size` runs after the Cortex-M lines. Included
# here, after the footprint definitions they use.
TARGET_TESTS :=
TARGET_LOGS  :=
SIZE_TARGETS :=
-include tests/riscv/riscv.mk tests/avr/avr.mk


FP_CMAKE_DIR := $(BUILDDIR)/cmake

test-cmake: ## configure, build and run examples/cmake with CMake
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

# ---------------------------------------------------------------------------
# Host tools (C99 + POSIX, the library's warning flags): tools/json/, the
# JSON form of model files, used by the tinymlp command (tools/cli/, below),
# and the test-model generator tmlp-mkmodel (tests/tool/tmlp_mkmodel.c),
# which writes random model files for the tool's tests and the fuzzing seeds.
JSON_SRCS := $(wildcard tools/json/*.c)
JSON_HDRS := $(wildcard tools/json/*.h)
TOOL_INCLUDES = $(INCLUDES) -Itools/cli -Itools/json -Itests/fuzz
HOST_PORT := port/host/tmlp_port.c
TOOL_SRCS := $(wildcard tools/cli/*.c)
TOOL_HDRS := $(wildcard tools/cli/*.h)

.PHONY: test-json fuzz
$(BUILDDIR)/tmlp-mkmodel: tests/tool/tmlp_mkmodel.c $(BUILDDIR)/libtinymlp.a $(LIB_HDRS)
	$(CC) $(LIB_FLAGS) $(OPT) $(WARN) $(TOOL_INCLUDES) $< $(HOST_PORT) $(BUILDDIR)/libtinymlp.a -o $@ -lm

# The fuzz targets without libFuzzer, under ASan/UBSan, replaying the seed
# corpus and every stored crash (tests/fuzz/regress/) from tests/test_json.sh.
REPLAY_SAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Tool sources each replayer links besides its fuzz_*.c, the library and the
# host port (fuzz_cli includes tools/cli/tinymlp.c itself, for its static parsers).
FUZZ_SRCS_json := $(JSON_SRCS)
FUZZ_SRCS_csv  := tools/cli/tinymlp_csv.c tools/cli/tinymlp_common.c tools/cli/tinymlp_scale.c
FUZZ_SRCS_cli  := $(filter-out tools/cli/tinymlp.c,$(TOOL_SRCS)) $(JSON_SRCS)

$(BUILDDIR)/fuzz-replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c tests/fuzz/fuzz.h $(JSON_SRCS) $(JSON_HDRS) \
        $(TOOL_SRCS) $(TOOL_HDRS) $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(LIB_FLAGS) $(REPLAY_SAN) $(WARN) $(TOOL_INCLUDES) $< tests/fuzz/replay_main.c \
	    $(FUZZ_SRCS_$*) $(LIB_SRCS) $(HOST_PORT) -o $@ -lm

# Round trips and error cases of the JSON form (tinymlp dump and load-json);
# its log joins the total.
test-json: ## round trips and error cases of the JSON form (tinymlp dump/load-json), and the fuzz corpora replayed
	@mkdir -p $(BUILDDIR); rm -f $(BUILDDIR)/json.log
	@if $(MAKE) -s --no-print-directory $(BUILDDIR)/tinymlp $(BUILDDIR)/tmlp-mkmodel \
	        $(BUILDDIR)/fuzz-replay-model $(BUILDDIR)/fuzz-replay-json \
	        $(BUILDDIR)/fuzz-replay-csv $(BUILDDIR)/fuzz-replay-cli; then \
	    sh tests/test_json.sh $(BUILDDIR) > $(BUILDDIR)/json.log 2>&1; rc=$$?; \
	else echo "0 passed, 1 failed" > $(BUILDDIR)/json.log; rc=1; fi; \
	grep -v '^[0-9]* passed, [0-9]* failed$$' $(BUILDDIR)/json.log; \
	echo "[json] `tail -n 1 $(BUILDDIR)/json.log`"; exit $$rc

# ---------------------------------------------------------------------------
# The command-line tool (host only): tools/cli/*.c with the library, the
# host port and the JSON form (tools/json/); TOOL_SRCS above.
.PHONY: tool test-tool
all: tool
tool: $(BUILDDIR)/tinymlp ## the command-line tool $(BUILDDIR)/tinymlp

$(BUILDDIR)/tinymlp: $(TOOL_SRCS) $(TOOL_HDRS) $(JSON_SRCS) $(JSON_HDRS) $(LIB_SRCS) $(LIB_HDRS) port/host/tmlp_port.c
	@mkdir -p $(@D)
	$(CC) $(LIB_FLAGS) $(OPT) $(WARN) -Ilib -Iport -Itools/cli -Itools/json $(TOOL_SRCS) $(JSON_SRCS) \
	    $(LIB_SRCS) port/host/tmlp_port.c -lm -o $@

# The tool's end-to-end tests, then PyTorch parity (one SKIPPED line without
# python3/torch); logs in $(BUILDDIR)/tool.log and $(BUILDDIR)/parity.log.
test-tool: $(BUILDDIR)/tinymlp $(BUILDDIR)/tmlp-mkmodel ## the tool's end-to-end tests, then PyTorch parity
	@rc=0; sh tests/test_tool.sh $(BUILDDIR) > $(BUILDDIR)/tool.log 2>&1 || rc=1; \
	grep -v '^[0-9]* passed, [0-9]* failed$$' $(BUILDDIR)/tool.log; echo "[tool] `tail -n 1 $(BUILDDIR)/tool.log`"; \
	if [ -x /usr/bin/python3 ]; then \
	    /usr/bin/python3 tests/test_torch_parity.py $(BUILDDIR) > $(BUILDDIR)/parity.log 2>&1 || rc=1; \
	else echo "SKIPPED test_torch_parity: /usr/bin/python3 is not installed"; \
	     echo "0 passed, 0 failed" > $(BUILDDIR)/parity.log; fi; \
	grep -v '^[0-9]* passed, [0-9]* failed$$' $(BUILDDIR)/parity.log; echo "[parity] `tail -n 1 $(BUILDDIR)/parity.log`"; exit $$rc

# ---------------------------------------------------------------------------
# Fine-tuning on the device (examples/finetune.c): a digits model trained on
# the host with the tool and exported as a header (weights const in flash),
# and the digits test split as bytes in flash. Both headers are generated
# into $(BUILDDIR)/gen; the training is seeded, so every machine makes the
# same model bit for bit.
GEN := $(BUILDDIR)/gen
FT_TRAIN := --lr 0.05 --momentum 0.9 --batch 16 --epochs 30 --scale standard --seed 1 --quiet

$(GEN)/digits_model.h: $(BUILDDIR)/tinymlp data/digits_train.csv
	@mkdir -p $(@D)
	$(BUILDDIR)/tinymlp init --input 64 --layers 32,10 --act relu,softmax --seed 1 -o $(GEN)/digits_init.tmlp
	$(BUILDDIR)/tinymlp train $(GEN)/digits_init.tmlp data/digits_train.csv -o $(GEN)/digits.tmlp $(FT_TRAIN)
	$(BUILDDIR)/tinymlp export $(GEN)/digits.tmlp -o $@ --name digits

$(GEN)/digits_data.h: data/digits_test.csv tools/scripts/csv2c.sh
	@mkdir -p $(@D)
	sh tools/scripts/csv2c.sh data/digits_test.csv digits_test > $@.tmp && mv $@.tmp $@

FT_DEPS := examples/finetune.c $(GEN)/digits_model.h $(GEN)/digits_data.h port/sim/tmlp_flash_sim.c
$(BUILDDIR)/finetune: $(FT_DEPS) $(BUILDDIR)/libtinymlp.a $(LIB_HDRS)
	$(CC) $(LIB_FLAGS) $(OPT) $(WARN) $(INCLUDES) -I$(GEN) examples/finetune.c \
	    port/sim/tmlp_flash_sim.c $(PORT_SRCS) $(BUILDDIR)/libtinymlp.a -o $@

# The same program on the Cortex-M4F under QEMU must print the same lines.
$(BUILDDIR)/qemu-finetune.elf: $(FT_DEPS) $(LIB_SRCS) $(LIB_HDRS) port/cortex-m/tmlp_port.c tests/qemu/startup.c
	arm-none-eabi-gcc -mthumb $(qemu_cpu_m4f) $(LIB_FLAGS) -O2 $(WARN) $(INCLUDES) -I$(GEN) \
	    $(qemu_defs_m4f) -ffunction-sections -fdata-sections examples/finetune.c \
	    port/sim/tmlp_flash_sim.c $(LIB_SRCS) port/cortex-m/tmlp_port.c tests/qemu/startup.c \
	    $(qemu_specs_m4f) -nostartfiles -Ttests/qemu/$(qemu_ld_m4f) -Ltests/qemu -Wl,--gc-sections -o $@

test-finetune: $(BUILDDIR)/finetune ## the fine-tuning example on the host and on the M4F under QEMU: same output
	@$(BUILDDIR)/finetune > $(BUILDDIR)/finetune.host.out || { cat $(BUILDDIR)/finetune.host.out; \
	    echo "0 passed, 1 failed" > $(BUILDDIR)/finetune.log; exit 1; }
	@if command -v arm-none-eabi-gcc >/dev/null 2>&1 && command -v $(QEMU_SYSTEM) >/dev/null 2>&1; then \
	    $(MAKE) -s --no-print-directory $(BUILDDIR)/qemu-finetune.elf && \
	    timeout 300 $(QEMU_SYSTEM) -M mps2-an386 -nographic -semihosting-config enable=on,target=native \
	        -kernel $(BUILDDIR)/qemu-finetune.elf | grep -v '^qemu harness:' > $(BUILDDIR)/finetune.qemu.out; \
	    if cmp -s $(BUILDDIR)/finetune.host.out $(BUILDDIR)/finetune.qemu.out; then \
	        echo "1 passed, 0 failed" > $(BUILDDIR)/finetune.log; \
	    else diff $(BUILDDIR)/finetune.host.out $(BUILDDIR)/finetune.qemu.out; \
	        echo "0 passed, 1 failed" > $(BUILDDIR)/finetune.log; fi; \
	else echo "SKIPPED finetune under QEMU (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)"; \
	     echo "0 passed, 0 failed" > $(BUILDDIR)/finetune.log; echo skipped > $(BUILDDIR)/finetune.qemu.skip; fi
	@cat $(BUILDDIR)/finetune.host.out
	@if [ -f $(BUILDDIR)/finetune.qemu.skip ]; then rm -f $(BUILDDIR)/finetune.qemu.skip; \
	    echo "[finetune] SKIPPED: host ran, no qemu-m4f run to compare: `cat $(BUILDDIR)/finetune.log`"; \
	else echo "[finetune] host and qemu-m4f print the same: `cat $(BUILDDIR)/finetune.log`"; fi
	@grep -q " 0 failed" $(BUILDDIR)/finetune.log

# examples/cortex-m/: a self-contained Cortex-M4F project (its own Makefile,
# CMake project, start-up code and linker script). Its model header is
# committed, so the folder builds without the tool; this rule makes it
# afresh (seeded: the same bytes on every machine), `make cortex-m-model`
# copies it in, and test-cortex-m-example fails while the two differ.
CM_GEN := $(BUILDDIR)/cortex-m-gen
$(CM_GEN)/iris_model.h: $(BUILDDIR)/tinymlp data/iris_train.csv
	@mkdir -p $(@D)
	$(BUILDDIR)/tinymlp init --input 4 --layers 8,3 --act relu,softmax --seed 1 -o $(CM_GEN)/iris_init.tmlp
	$(BUILDDIR)/tinymlp train $(CM_GEN)/iris_init.tmlp data/iris_train.csv -o $(CM_GEN)/iris.tmlp \
	    --lr 0.05 --momentum 0.9 --batch 8 --epochs 50 --scale standard --seed 1 --quiet
	cd $(CM_GEN) && $(abspath $(BUILDDIR))/tinymlp export iris.tmlp -o iris_model.h --name iris

.PHONY: cortex-m-model test-cortex-m-example
cortex-m-model: $(CM_GEN)/iris_model.h ## rewrite examples/cortex-m/iris_model.h from a fresh tinymlp export
	cp $< examples/cortex-m/iris_model.h

test-cortex-m-example: $(CM_GEN)/iris_model.h ## examples/cortex-m: header up to date, built by its Makefile and by CMake, both run under QEMU
	@QEMU_SYSTEM=$(QEMU_SYSTEM) CMAKE=$(FP_CMAKE) sh tests/test_cortex_m_example.sh $(BUILDDIR) $< \
	    > $(BUILDDIR)/cortex-m-example.log 2>&1; rc=$$?; \
	grep -v '^[0-9]* passed, [0-9]* failed$$' $(BUILDDIR)/cortex-m-example.log; \
	echo "[cortex-m-example] `tail -n 1 $(BUILDDIR)/cortex-m-example.log`"; exit $$rc

# Host benchmark: tinymlp vs FANN 2.2 (libfann-dev) vs a plain C loop, and
# instructions per sample under callgrind. Install nothing themselves.
.PHONY: bench bench-instr
bench: ## host speed against FANN and a plain loop (ns per multiply-accumulate)
	@sh tests/bench/run.sh $(BUILDDIR)
bench-instr: ## instructions per sample under callgrind (deterministic)
	@sh tests/bench/instr.sh $(BUILDDIR)

# PyTorch interop (tools/scripts/torch_json.py): round trips through the
# tool. One SKIPPED line, and a clean log, without /usr/bin/python3, PyTorch
# or numpy.
.PHONY: test-torch-json compare check-datasets
test-torch-json: $(BUILDDIR)/tinymlp ## PyTorch interop (tools/scripts/torch_json.py) through the tool
	@if [ -x /usr/bin/python3 ]; then \
	    /usr/bin/python3 tests/test_torch_json.py --tool $(BUILDDIR)/tinymlp > $(BUILDDIR)/torch_json.log 2>&1; rc=$$?; \
	else echo "SKIPPED test_torch_json: /usr/bin/python3 is not installed" > $(BUILDDIR)/torch_json.log; rc=0; fi; \
	if grep -q '^SKIPPED' $(BUILDDIR)/torch_json.log; then \
	    cat $(BUILDDIR)/torch_json.log; echo "0 passed, 0 failed" >> $(BUILDDIR)/torch_json.log; \
	else grep -v '^[0-9]* passed, [0-9]* failed$$' $(BUILDDIR)/torch_json.log; \
	     echo "[torch-json] `tail -n 1 $(BUILDDIR)/torch_json.log`"; fi; exit $$rc

# tinymlp against PyTorch and scikit-learn on data/
# (apt-get install python3-torch python3-sklearn python3-numpy, or make deps)
compare: $(BUILDDIR)/tinymlp ## accuracy and time per epoch against PyTorch and scikit-learn on data/
	/usr/bin/python3 tools/scripts/compare.py --tool $(BUILDDIR)/tinymlp

# data/*.csv are exactly what tools/scripts/make_datasets.py makes from
# python3-sklearn.
check-datasets: ## data/*.csv are exactly what tools/scripts/make_datasets.py makes
	/usr/bin/python3 tools/scripts/make_datasets.py --check

# ---- Quality (README "Quality") -------------------------------------------
.PHONY: coverage lint stack-all portability check layers check-filelists check-help
coverage: ## line and branch coverage of lib/ (gcov)
	@sh tests/quality/coverage.sh $(BUILDDIR)
lint: ## cppcheck, clang-tidy and scan-build on lib/
	@sh tests/quality/lint.sh $(BUILDDIR)
stack-all: ## worst-case stack of every public call on Cortex-M0+ and M4F
	@sh tests/quality/stack.sh $(BUILDDIR) $(FP_STACK_LIMIT)
portability: ## the library built for every supported compiler and core
	@sh tests/quality/portability.sh $(BUILDDIR)
# The library's objects form layers, each needing only those below it: no
# dependency cycle, and no object needs one of a later folder (core, optim,
# net, files, train). The checker is first tested on a cyclic pair.
layers: $(BUILDDIR)/libtinymlp.a ## lib/'s objects form layers: no dependency cycle
	@python3 tests/quality/layers.py --self-test --dir $(BUILDDIR)/layers-selftest > $(BUILDDIR)/layers-selftest.log 2>&1 \
	    || { cat $(BUILDDIR)/layers-selftest.log; exit 1; }
	@python3 tests/quality/layers.py --order core,optim,net,files,train $(LIB_OBJS)
check: ## the quality gates: layers, coverage, lint, stack, portability
	@fail=0; \
	$(MAKE) --no-print-directory layers || fail=1; \
	$(MAKE) --no-print-directory coverage || fail=1; \
	$(MAKE) --no-print-directory lint || fail=1; \
	$(MAKE) --no-print-directory stack-all || fail=1; \
	$(MAKE) --no-print-directory portability || fail=1; \
	exit $$fail

# libFuzzer + ASan + UBSan (clang, libclang-rt-dev): each target for
# FUZZ_SECONDS. Corpora and crash artifacts go to $(BUILDDIR)/fuzz/.
FUZZ_SECONDS ?= 60
fuzz: ## libFuzzer on the model loader, JSON, CSV and CLI [FUZZ_SECONDS=60]
	BUILDDIR=$(BUILDDIR) sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# lib/Filelists.mk and lib/Filelists.cmake name exactly the .c files in lib/'s folders.
check-filelists: ## lib/Filelists.mk and lib/Filelists.cmake list exactly lib/*/*.c
	@have=`cd lib && ls *.c */*.c 2>/dev/null | sort | tr '\n' ' '`; \
	mk=`echo $(TINYMLP_SRC_NAMES) | tr ' ' '\n' | sort | tr '\n' ' '`; \
	cm=`sed -n 's|^ *\$${CMAKE_CURRENT_LIST_DIR}/\(.*\.c\)$$|\1|p' lib/Filelists.cmake | sort | tr '\n' ' '`; \
	if [ "$$have" = "$$mk" ] && [ "$$have" = "$$cm" ]; then \
	    echo "check-filelists: ok (lib/Filelists.mk and lib/Filelists.cmake list the `echo $$have | wc -w` files of lib/)"; \
	else echo "check-filelists: lib/ has: $$have"; echo "  Filelists.mk: $$mk"; echo "  Filelists.cmake: $$cm"; exit 1; fi

# Every TMLP_WITH_* option of lib/tmlp_config.h compiles warning-free on its
# own and all together, with gcc and clang (the lean profiles are also built
# and run by test-host and test-qemu).
LIB_OPTIONS := $(shell sed -n 's/^\#define \(TMLP_WITH_[A-Z_]*\) 1$$/\1/p' lib/tmlp_config.h)
check-options: ## every TMLP_WITH_* option alone and all of them off: lib/ builds with the warnings
	@mkdir -p $(BUILDDIR)/options; fail=0; n=0; \
	all="`for o in $(LIB_OPTIONS); do printf ' -D%s=0' $$o; done`"; \
	for c in gcc clang; do \
	    if ! command -v $$c >/dev/null 2>&1; then echo "SKIPPED check-options $$c: not installed"; continue; fi; \
	    for set in $(addprefix -D,$(addsuffix =0,$(LIB_OPTIONS))) all; do \
	        flags=$$set; [ $$set = all ] && flags=$$all; n=$$((n + 1)); \
	        for f in $(LIB_SRCS); do \
	            $$c $(LIB_FLAGS) -O2 $(WARN) $$flags -Ilib -c $$f -o $(BUILDDIR)/options/lib.o \
	                || { echo "check-options: $$c $$flags: $$f fails"; fail=1; }; \
	        done; \
	    done; \
	done; \
	[ $$fail = 0 ] && echo "check-options: ok ($$n option sets: each of `echo $(LIB_OPTIONS) | wc -w` options off, and all off; gcc and clang)"; \
	exit $$fail

# lib/ must link on its own: its objects may need nothing from outside but
# memcpy, memset and memmove (no heap, no stdio, no libm, no port).
check-syms: $(BUILDDIR)/libtinymlp.a ## lib/ needs nothing from outside but memcpy/memset/memmove
	@nm $(BUILDDIR)/libtinymlp.a | awk '$$1 ~ /^[0-9a-fA-F]+$$/ && $$2 ~ /[TDBRC]/ {def[$$3]=1} \
	    $$1 == "U" {use[$$2]=1} END {for (s in use) if (!def[s] && s !~ /^(memcpy|memset|memmove)$$/) print s}' \
	    | sort > $(BUILDDIR)/check-syms.txt; \
	if [ -s $(BUILDDIR)/check-syms.txt ]; then \
	    echo "check-syms: lib/ needs symbols from outside:"; cat $(BUILDDIR)/check-syms.txt; exit 1; fi; \
	echo "check-syms: ok (lib/ needs only memcpy/memset/memmove: no heap, stdio, libm or port)"

# The public header must compile as C++ (extern "C", no restrict, no C-only
# constructs), without warnings.
check-cxx: ## tinymlp.h compiles as C++11 without warnings
	@if command -v g++ >/dev/null 2>&1; then \
	    printf '#include "tinymlp.h"\nint main() { tmlp_net_t n; (void)n; return 0; }\n' > $(BUILDDIR)/cxx_check.cpp && \
	    g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -Ilib -Iport $(BUILDDIR)/cxx_check.cpp -o $(BUILDDIR)/cxx_check && \
	    echo "check-cxx: ok (tinymlp.h compiles as C++11)"; \
	else echo "SKIPPED check-cxx: g++ is not installed (apt-get install g++)"; fi

# A dropped status is a compile error with -Werror under gcc and clang
# (TMLP_NODISCARD), even through a (void) cast with gcc; TMLP_NO_NODISCARD
# turns the attribute off.
.PHONY: check-nodiscard check-options
check-nodiscard: ## a caller that ignores a tinymlp status gets a warning from gcc and clang
	@mkdir -p $(BUILDDIR) && \
	printf '#include "tinymlp.h"\nint main(void)\n{\n    tmlp_rng_t r;\n    tmlp_rng_seed(&r, 1u);\n    return 0;\n}\n' \
	    > $(BUILDDIR)/nodiscard_check.c; fail=0; \
	for c in gcc clang; do \
	    if ! command -v $$c >/dev/null 2>&1; then echo "SKIPPED check-nodiscard $$c: not installed"; continue; fi; \
	    if $$c -std=c99 -Wall -Werror -Ilib -c $(BUILDDIR)/nodiscard_check.c -o $(BUILDDIR)/nodiscard_check.o 2>/dev/null; then \
	        echo "check-nodiscard: $$c accepted an ignored status"; fail=1; fi; \
	    $$c -std=c99 -Wall -Werror -DTMLP_NO_NODISCARD -Ilib -c $(BUILDDIR)/nodiscard_check.c \
	        -o $(BUILDDIR)/nodiscard_check.o || { echo "check-nodiscard: $$c, TMLP_NO_NODISCARD: still refused"; fail=1; }; \
	done; \
	missing=`awk '/^tmlp_status_t tmlp_/ {d = 1; name = $$2} \
	    d && /;[ \t]*$$/ {if ($$0 !~ /TMLP_NODISCARD;/) print FILENAME ": " name; d = 0}' \
	    lib/tinymlp.h lib/tmlp_training.h lib/tmlp_files.h`; \
	if [ -n "$$missing" ]; then echo "check-nodiscard: declared without TMLP_NODISCARD:"; \
	    echo "$$missing"; fail=1; fi; \
	[ $$fail = 0 ] && echo "check-nodiscard: ok (every status-returning declaration; an ignored status is an error with -Werror)"

deps: ## install the Debian packages the tests need (root)
	apt-get update && apt-get install -y gcc g++ clang make gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc gcc-avr avr-libc simavr zip arduino-builder arduino-core-avr arduino-ctags cmake valgrind python3 python3-numpy python3-torch python3-sklearn librsvg2-bin libfann-dev gcovr cppcheck clang-tidy clang-tools libclang-rt-14-dev

clean: ## remove the build folder, $(BUILDDIR)
	rm -rf $(BUILDDIR)

# Every target named in a .PHONY line has a "## " description for make help.
check-help: ## every phony target is described in make help
	@phony=`sed -n 's/^\.PHONY: *//p' $(MAKEFILE_LIST) | tr ' ' '\n' | grep -v '[$$]' | grep . | sort -u`; \
	described=`$(MAKE) -s --no-print-directory help | awk '{print $$2}' | sort -u`; \
	missing=`for t in $$phony; do echo "$$described" | grep -qx "$$t" || echo $$t; done`; \
	if [ -n "$$missing" ]; then echo "check-help: no ## description:" $$missing; exit 1; fi; \
	echo "check-help: ok (`echo "$$phony" | wc -l` targets, each in make help)"

help: ## this list
	@awk -F ':[^#]*## ' '/^[a-zA-Z][a-zA-Z0-9_.-]*:.*## / {printf "make %-17s %s\n", $$1, $$2}' \
	    $(MAKEFILE_LIST) | sed 's|$$(BUILDDIR)|$(BUILDDIR)|g'
