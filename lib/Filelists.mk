# SPDX-License-Identifier: MIT
# The library's sources, for Makefiles that build tinymlp (as lwIP ships its
# Filelists.mk). Set TINYMLP_LIB to the path of this lib/ folder first:
#   TINYMLP_LIB := path/to/tinymlp/lib
#   include $(TINYMLP_LIB)/Filelists.mk
#   CFLAGS += -I$(TINYMLP_LIB)      # and compile $(TINYMLP_SRCS) with
#                                   # -std=c99 -ffp-contract=off, never -ffast-math
# lib/Filelists.cmake lists the same files; `make check-filelists` checks
# that both name exactly the .c files in lib/.
TINYMLP_LIB ?= lib
TINYMLP_SRC_NAMES := tmlp_act.c tmlp_arena.c tmlp_ckpt.c tmlp_crc.c tmlp_data.c tmlp_fmath.c \
  tmlp_fmath_vec.c tmlp_forward_backward.c tmlp_gradcheck.c tmlp_init.c tmlp_kernel.c \
  tmlp_kernel_fused_sgd.c tmlp_load.c tmlp_loss.c tmlp_net.c tmlp_optim.c tmlp_optim_sgd.c \
  tmlp_rng.c tmlp_save.c tmlp_sched.c tmlp_status.c tmlp_train.c tmlp_train_order.c \
  tmlp_train_sample.c
TINYMLP_SRCS := $(addprefix $(TINYMLP_LIB)/,$(TINYMLP_SRC_NAMES))
