# SPDX-License-Identifier: MIT
# The library's sources, for Makefiles that build tinymlp (as lwIP ships its
# Filelists.mk). Set TINYMLP_LIB to the path of this lib/ folder first:
#   TINYMLP_LIB := path/to/tinymlp/lib
#   include $(TINYMLP_LIB)/Filelists.mk
#   CFLAGS += -I$(TINYMLP_LIB)      # and compile $(TINYMLP_SRCS) with
#                                   # -std=c99 -ffp-contract=off, never -ffast-math
# lib/Filelists.cmake lists the same files; `make check-filelists` checks
# that both name exactly the .c files in lib/'s folders. The folders are
# the library's layers, each using only those before it: core (status,
# random numbers, elementary functions, kernels), optim, net, files, train.
TINYMLP_LIB ?= lib
TINYMLP_SRC_NAMES := core/tmlp_fmath.c core/tmlp_fmath_vec.c core/tmlp_kernel.c \
  core/tmlp_kernel_sgd.c core/tmlp_rng.c core/tmlp_status.c optim/tmlp_optim.c \
  optim/tmlp_optim_sgd.c optim/tmlp_sched.c net/tmlp_act.c net/tmlp_arena.c \
  net/tmlp_forward_backward.c net/tmlp_gradcheck.c net/tmlp_init.c net/tmlp_loss.c \
  net/tmlp_net.c net/tmlp_train_sample.c files/tmlp_ckpt.c files/tmlp_crc.c \
  files/tmlp_load.c files/tmlp_save.c train/tmlp_data.c train/tmlp_train.c \
  train/tmlp_train_order.c
TINYMLP_SRCS := $(addprefix $(TINYMLP_LIB)/,$(TINYMLP_SRC_NAMES))
