# SPDX-License-Identifier: MIT
# The library's sources, for CMake projects that list files themselves:
#   include(path/to/tinymlp/lib/Filelists.cmake)
#   target_sources(app PRIVATE ${TINYMLP_SOURCES})
#   target_include_directories(app PRIVATE ${TINYMLP_INCLUDE_DIR})
# (lib/CMakeLists.txt builds them as the target `tinymlp` and sets the
# flags they need.) lib/Filelists.mk lists the same files; `make
# check-filelists` checks that both name exactly the .c files in lib/'s
# folders (its layers: core, optim, net, files, train).
set(TINYMLP_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(TINYMLP_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/core/tmlp_fmath.c
  ${CMAKE_CURRENT_LIST_DIR}/core/tmlp_fmath_vec.c
  ${CMAKE_CURRENT_LIST_DIR}/core/tmlp_kernel.c
  ${CMAKE_CURRENT_LIST_DIR}/core/tmlp_kernel_sgd.c
  ${CMAKE_CURRENT_LIST_DIR}/core/tmlp_rng.c
  ${CMAKE_CURRENT_LIST_DIR}/core/tmlp_status.c
  ${CMAKE_CURRENT_LIST_DIR}/optim/tmlp_optim.c
  ${CMAKE_CURRENT_LIST_DIR}/optim/tmlp_optim_sgd.c
  ${CMAKE_CURRENT_LIST_DIR}/optim/tmlp_sched.c
  ${CMAKE_CURRENT_LIST_DIR}/net/tmlp_act.c
  ${CMAKE_CURRENT_LIST_DIR}/net/tmlp_arena.c
  ${CMAKE_CURRENT_LIST_DIR}/net/tmlp_forward_backward.c
  ${CMAKE_CURRENT_LIST_DIR}/net/tmlp_gradcheck.c
  ${CMAKE_CURRENT_LIST_DIR}/net/tmlp_init.c
  ${CMAKE_CURRENT_LIST_DIR}/net/tmlp_loss.c
  ${CMAKE_CURRENT_LIST_DIR}/net/tmlp_net.c
  ${CMAKE_CURRENT_LIST_DIR}/net/tmlp_train_sample.c
  ${CMAKE_CURRENT_LIST_DIR}/files/tmlp_ckpt.c
  ${CMAKE_CURRENT_LIST_DIR}/files/tmlp_crc.c
  ${CMAKE_CURRENT_LIST_DIR}/files/tmlp_load.c
  ${CMAKE_CURRENT_LIST_DIR}/files/tmlp_save.c
  ${CMAKE_CURRENT_LIST_DIR}/train/tmlp_data.c
  ${CMAKE_CURRENT_LIST_DIR}/train/tmlp_train.c
  ${CMAKE_CURRENT_LIST_DIR}/train/tmlp_train_order.c
)
