/* SPDX-License-Identifier: MIT */
/* tinymlp: model files, checkpoints in flash and checksums. A topic header of tinymlp.h, which includes it: include
 * "tinymlp.h", not this file. The conventions at the top of tinymlp.h hold. */
#ifndef TMLP_FILES_H
#define TMLP_FILES_H

#ifndef TINYMLP_H
#error "include tinymlp.h, not this topic header"
#endif

/* ------------------------------------------------------------------------ */
/* Model files (format: docs/model-format.md)                               */
/* ------------------------------------------------------------------------ */

/* Newest format version this library reads and writes. A file carries the
 * lowest version that can hold it: 1 for a full file (readable by every
 * release), 2 for a partial one (see TMLP_SAVE_FULL). */
#define TMLP_FORMAT_VERSION 2u
/* Bytes of a file without parameters, scaling or optimizer state:
 * header (32) + 12 per layer + CRC (4). */
#define TMLP_MODEL_BASE_BYTES(n_layers) (36u + 12u * (size_t)(n_layers))
/* Bytes of a file, at compile time (tmlp_model_size() at run time), as the
 * sum of its sections, with n_params and n_train as for the arena macros:
 *   full file:     TMLP_MODEL_BYTES(n_layers, n_params)
 *   partial file:  TMLP_MODEL_PARTIAL_BYTES(n_layers, n_train) (the frozen
 *                  layers' parameters are left out)
 *   + TMLP_MODEL_SCALE_BYTES(n_in) for a net with input scaling
 *   + TMLP_MODEL_OPTIM_BYTES(n_train, slots) with TMLP_SAVE_OPTIM, slots
 *     being the state vectors the net's current optimizer uses (TMLP_SLOTS_*;
 *     fewer than the arena's after tmlp_net_set_optim turned momentum off). */
#define TMLP_MODEL_BYTES(n_layers, n_params) \
    (TMLP_MODEL_BASE_BYTES(n_layers) + 4u * (size_t)(n_params))
#define TMLP_MODEL_PARTIAL_BYTES(n_layers, n_train) TMLP_MODEL_BYTES(n_layers, n_train)
#define TMLP_MODEL_SCALE_BYTES(n_in) (8u * (size_t)(n_in))
#define TMLP_MODEL_OPTIM_BYTES(n_train, slots) \
    (44u + 4u * (size_t)(slots) * (size_t)(n_train))

/* What to save: the optimizer state (hyperparameters, step count and state
 * vectors) besides the model, so training resumes exactly. */
#define TMLP_SAVE_OPTIM 1u
/* A fine-tuning net (see tmlp_opts_t) saves a partial file by
 * default: the layer table, the trainable layers' parameters, and the
 * number and CRC-32 of the frozen layers, whose parameters stay in flash
 * and are left out. TMLP_SAVE_FULL saves the whole model instead (its frozen
 * layers included), e.g. to ship the adapted model back; other nets always
 * save whole. The loads ignore this bit (a file says which it is), so a
 * save and its load can share one `what`. */
#define TMLP_SAVE_FULL 2u

/* Receives the next len bytes of a file being saved. Return TMLP_OK, or an
 * error that stops the save and is passed on. */
typedef tmlp_status_t (*tmlp_write_fn)(void *ctx, const void *buf, size_t len);
/* Reads len bytes at byte offset `offset` of a stored file into buf. */
typedef tmlp_status_t (*tmlp_pread_fn)(void *ctx, uint32_t offset, void *buf, size_t len);

/* Bytes tmlp_model_save() writes for this net and `what` (see
 * TMLP_MODEL_BYTES; smaller for the partial file of a fine-tuning net).
 * Errors: TMLP_ERR_ARG (NULL, unknown `what` bits), TMLP_ERR_NOT_TRAINING
 * (TMLP_SAVE_OPTIM on an inference net: it has no training state). */
tmlp_status_t tmlp_model_size(const tmlp_net_t *net, uint32_t what, size_t *n_bytes) TMLP_NODISCARD;

/* Serialises the net into buf[0..cap): *len gets the bytes written.
 * Errors: as tmlp_model_size(); TMLP_ERR_NOMEM (cap too small). */
tmlp_status_t tmlp_model_save(const tmlp_net_t *net, uint32_t what, void *buf, size_t cap,
                              size_t *len) TMLP_NODISCARD;

/* The same through a write callback, in pieces of at most 64 bytes.
 * Errors: as tmlp_model_size(), and the callback's. */
tmlp_status_t tmlp_model_save_stream(const tmlp_net_t *net, uint32_t what, tmlp_write_fn write,
                                     void *ctx) TMLP_NODISCARD;

/* What a stored file holds, from tmlp_model_peek(). */
typedef struct {
    uint32_t version;   /* format version */
    uint32_t n_params;
    uint32_t file_bytes;
    uint8_t has_scale;  /* input scaling present (desc.flags has TMLP_DESC_INPUT_SCALE) */
    uint8_t has_optim;  /* optimizer state present */
    uint8_t partial;    /* 1: a partial file (a fine-tuning net saved without
                           TMLP_SAVE_FULL): the parameters of the n_frozen
                           leading layers are not in it; n_params counts them */
    uint8_t n_frozen;   /* partial: the layers left out, 1..n_layers-1; else 0 */
    tmlp_optim_t optim; /* its hyperparameters, when has_optim */
    uint32_t steps;     /* its step count, when has_optim */
    uint32_t base_crc;  /* partial: CRC-32 of the left-out parameters, canonical
                           order, each as its 4 little-endian bytes (as
                           tmlp_net_crc32; on a little-endian target, the
                           tmlp_crc32 of the base array's first floats); else 0 */
} tmlp_model_info_t;

/* Verifies a whole stored file of `len` bytes (magic, version, every size,
 * the CRC, finite values) and returns its description, so the caller can
 * size an arena and build a net for it. Reads nothing past len.
 * Optimizer state must be state that training can produce: all zero with a
 * step count of 0, and never a negative second moment (Adam's exp_avg_sq,
 * RMSprop's square_avg); anything else is refused as corrupt, even with a
 * valid CRC, since no step could ever succeed from it.
 * Parameters and input scaling load whatever their finite values: a model
 * trained elsewhere may hold large ones. If they are so large that the
 * forward pass overflows (e.g. weights near 3.4e38), tmlp_net_forward
 * returns TMLP_ERR_NUMERIC for a finite input: the model, not the input,
 * is then at fault.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_FORMAT (anything malformed, truncated or
 * corrupt, impossible optimizer state), TMLP_ERR_NUMERIC (a NaN/Inf value),
 * the read callback's. */
tmlp_status_t tmlp_model_peek(tmlp_pread_fn read, void *ctx, size_t len, tmlp_desc_t *desc,
                              tmlp_model_info_t *info) TMLP_NODISCARD;

/* Loads a stored file into a net built for the same desc: a first pass
 * verifies everything (as tmlp_model_peek, plus the shape against the net),
 * a second writes parameters, input scaling and, with TMLP_SAVE_OPTIM, the
 * optimizer state, step count and hyperparameters (the net's optimizer must
 * be of the same kind; TMLP_SAVE_FULL is ignored). On any error the net is
 * unchanged, with one exception: if the read callback itself fails during
 * the second pass (the storage failing between two reads of bytes it has
 * just verified), the parameters are partly loaded, the training state is
 * reset and the callback's error is returned. The stored bytes must not
 * change between the two passes.
 * A fine-tuning net (see tmlp_opts_t) takes only the trainable
 * layers from the file, after checking that the file belongs to its base
 * model (a checkpoint of another base model is refused): a full file's
 * frozen layers must equal the base parameters bit for bit; a partial file
 * must leave out as many layers as the net has frozen, and their CRC-32
 * must be that of the base parameters. A partial file loads only into a
 * fine-tuning net: other nets have no base to complete it.
 * Errors: as tmlp_model_peek(); TMLP_ERR_SHAPE (another shape),
 * TMLP_ERR_READ_ONLY (an inference net with borrowed parameters),
 * TMLP_ERR_NOT_TRAINING (TMLP_SAVE_OPTIM into an inference net),
 * TMLP_ERR_OPTIM_MISMATCH (TMLP_SAVE_OPTIM with a file without optimizer
 * state, or of another optimizer kind, state-vector count or trainable
 * size, or with an optimizer a net without a gradient buffer cannot run),
 * TMLP_ERR_FROZEN (frozen layers that differ from a fine-tuning net's
 * base; a partial file into a net that is not fine-tuning, or of another
 * base or frozen-layer count). */
tmlp_status_t tmlp_model_load(tmlp_net_t *net, uint32_t what, tmlp_pread_fn read, void *ctx,
                              size_t len) TMLP_NODISCARD;

/* tmlp_model_peek and tmlp_model_load on a file in memory (buf[0..len)). */
tmlp_status_t tmlp_model_peek_buf(const void *buf, size_t len, tmlp_desc_t *desc,
                                  tmlp_model_info_t *info) TMLP_NODISCARD;
tmlp_status_t tmlp_model_load_buf(tmlp_net_t *net, uint32_t what, const void *buf, size_t len)
    TMLP_NODISCARD;

/* ------------------------------------------------------------------------ */
/* Checkpoints in flash (layout and protocol: docs/checkpoints.md)          */
/* ------------------------------------------------------------------------ */

/* Largest program unit the checkpoint functions accept, in bytes: a save
 * (and a repair, see tmlp_ckpt_load) keeps one unit on its stack (at least
 * 40 bytes are kept, for the header).
 * 128 by default, so every checkpoint call needs at most 512 bytes of stack
 * on Cortex-M0+ and M4F (docs/quality.md); each 128 bytes more adds as much
 * to tmlp_ckpt_save's stack. */
#ifndef TMLP_CKPT_MAX_PROG
#define TMLP_CKPT_MAX_PROG 128u
#endif
/* Bytes of a checkpoint record's header before rounding up to the program
 * unit: magic, sequence number, model length, model CRC, header CRC. */
#define TMLP_CKPT_HEADER_BYTES 20u
/* Bytes of the confirm mark (4 zero bytes) programmed after the header,
 * before rounding up to the program unit: proof that the header's program
 * completed (docs/checkpoints.md). */
#define TMLP_CKPT_CONFIRM_BYTES 4u
/* n rounded up to a multiple of p (p > 0). */
#define TMLP_CKPT_ROUND_UP(n, p) ((((size_t)(n) + (size_t)(p) - 1u) / (size_t)(p)) * (size_t)(p))
/* Bytes one slot needs for a model file of model_bytes (tmlp_model_size, or
 * TMLP_MODEL_BYTES / TMLP_MODEL_PARTIAL_BYTES and their extras) on a flash
 * whose program unit is prog_bytes: usable to size the slots at compile
 * time. tmlp_ckpt_size() computes the same at run time. */
#define TMLP_CKPT_SLOT_BYTES(model_bytes, prog_bytes)          \
    (TMLP_CKPT_ROUND_UP(TMLP_CKPT_HEADER_BYTES, prog_bytes) +   \
     TMLP_CKPT_ROUND_UP(TMLP_CKPT_CONFIRM_BYTES, prog_bytes) + \
     TMLP_CKPT_ROUND_UP(model_bytes, prog_bytes))

/* Storage shaped like NOR flash, provided by the board (or by the RAM
 * simulator in port/sim for tests), in the manner of littlefs's struct
 * lfs_config. Addresses are device byte addresses. The checkpoint area is
 * sector_count sectors from `base`, split into sector_count / slot_sectors
 * slots (at least 2; sectors left over are not used), or with slot_sectors
 * 0 into two slots of sector_count / 2 sectors. Zero-initialise,
 * then fill every field; the struct is borrowed for the duration of each
 * call. Every callback returns TMLP_OK or an error, which the checkpoint
 * functions pass on unchanged. */
typedef struct {
    /* Reads len bytes at addr into buf: any alignment and length inside the
     * area. */
    tmlp_status_t (*read)(void *ctx, uint32_t addr, void *buf, size_t len);
    /* Programs buf[0..len) at addr: addr and len are multiples of
     * prog_bytes and stay within one sector. Programming can only clear bits
     * (1 -> 0). The library programs each unit once per erase, except to
     * repair a record that a cut save may have left half-programmed: then
     * it programs that record's units a second time with the bytes it has
     * just read from them, so only bits already 0 (or half-programmed) are
     * cleared and never is a 1 asked where the flash reads 0. A flash that
     * refuses a second program of a unit (some with per-unit ECC) returns
     * an error there, and the load or save that needed the repair returns
     * it (docs/checkpoints.md). */
    tmlp_status_t (*prog)(void *ctx, uint32_t addr, const void *buf, size_t len);
    /* Erases the sector that starts at addr (a multiple of sector_bytes):
     * every byte becomes 0xFF. */
    tmlp_status_t (*erase)(void *ctx, uint32_t addr);
    void *ctx;             /* passed to the callbacks */
    uint32_t base;         /* device address of the area, a multiple of sector_bytes */
    uint32_t sector_bytes; /* erase unit, bytes, a multiple of prog_bytes */
    uint32_t prog_bytes;   /* program unit, bytes, 1..TMLP_CKPT_MAX_PROG */
    uint32_t sector_count; /* sectors in the area; base + the area's bytes must be < 2^32 */
    uint32_t slot_sectors; /* sectors per slot; 0 = two slots of sector_count / 2 */
} tmlp_flash_t;

/* Bytes one slot needs (TMLP_CKPT_SLOT_BYTES) to hold this net saved with
 * `what` on a flash whose program unit is prog_bytes.
 * Errors: as tmlp_model_size(); TMLP_ERR_GEOMETRY (prog_bytes 0 or more
 * than TMLP_CKPT_MAX_PROG). */
tmlp_status_t tmlp_ckpt_size(const tmlp_net_t *net, uint32_t what, uint32_t prog_bytes,
                             size_t *n_bytes) TMLP_NODISCARD;

/* Saves the net (as tmlp_model_save_stream with `what`: for a fine-tuning
 * net, a partial file unless TMLP_SAVE_FULL) as a new checkpoint with the
 * next sequence number, in the slot after the newest valid one
 * (round-robin, so every sector wears alike), then reads it back. If the
 * newest valid record lacks its confirm mark (a save of it was cut), it is
 * repaired first, as by tmlp_ckpt_load, before anything is erased. A power
 * cut at any point leaves either the previous newest checkpoint or this one
 * as the newest valid one. The net is not changed; *seq (may be NULL) gets
 * the new sequence number. Streams in program units, whatever the model's
 * size: stack use is at most 512 bytes on Cortex-M0+ and 468 on M4F with
 * the default TMLP_CKPT_MAX_PROG (gcc -Os, flash callbacks excluded; the
 * program unit's own bytes are part of it).
 * Errors: TMLP_ERR_ARG (NULL, a NULL callback, unknown `what` bits),
 * TMLP_ERR_GEOMETRY (see tmlp_flash_t: a program unit 0 or above
 * TMLP_CKPT_MAX_PROG, a sector size not a multiple of it, a base not a
 * multiple of the sector size, fewer than 2 slots, an area past 2^32, a
 * header unit larger than a sector), TMLP_ERR_NOT_TRAINING
 * (TMLP_SAVE_OPTIM on an inference net), TMLP_ERR_SLOT_SIZE (a slot
 * smaller than tmlp_ckpt_size(): give it more sectors), TMLP_ERR_IO (the
 * read-back or the repair did not verify: a failing flash, or one whose
 * half-programmed bits read differently), the callbacks' errors.
 * After an error the flash holds the checkpoints it held before the call,
 * except that the slot this save used may have been erased (never after a
 * failed repair: nothing is erased then). */
tmlp_status_t tmlp_ckpt_save(const tmlp_flash_t *flash, const tmlp_net_t *net, uint32_t what,
                             uint32_t *seq) TMLP_NODISCARD;

/* Describes the newest valid checkpoint, fully verified as by
 * tmlp_model_peek(), so the caller can build a net for it; *seq (may be
 * NULL) gets its sequence number. The newest record is verified twice: in
 * the scan of every slot, then again for its shape (the scan keeps only
 * where it is, to save stack). Repairs it first if its confirm mark is
 * missing, as tmlp_ckpt_load does.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_GEOMETRY (as tmlp_ckpt_save),
 * TMLP_ERR_NOT_FOUND (no valid checkpoint),
 * TMLP_ERR_IO (the record verified in the scan but not the second time: the
 * flash did not read the same bytes twice; or the repair did not verify),
 * the callbacks' errors (prog's only from a repair). */
tmlp_status_t tmlp_ckpt_peek(const tmlp_flash_t *flash, tmlp_desc_t *desc,
                             tmlp_model_info_t *info, uint32_t *seq) TMLP_NODISCARD;

/* Loads the newest valid checkpoint into a net built for its shape, as
 * tmlp_model_load() (verify everything, then write); *seq (may be NULL) gets
 * its sequence number. Older checkpoints are never used when the newest
 * does not suit the net: that is an error (e.g. a partial checkpoint of
 * another base model, TMLP_ERR_FROZEN). On any error the net is unchanged,
 * provided the flash reads the same bytes twice.
 * Across boots and power cuts, peek, load and save never hand out a
 * checkpoint older than one a save reported saved or a peek or load
 * returned, and never TMLP_ERR_NOT_FOUND once a save completed. For that,
 * the newest record is repaired before it is used if its confirm mark is
 * missing (only in the first call after a cut save): its units are
 * programmed again with the bytes just verified, which makes
 * half-programmed bits solid, then read back. Otherwise nothing is written.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_GEOMETRY (as tmlp_ckpt_save),
 * TMLP_ERR_NOT_FOUND (no valid checkpoint), and as tmlp_model_load()
 * (TMLP_ERR_SHAPE, TMLP_ERR_READ_ONLY, TMLP_ERR_NOT_TRAINING,
 * TMLP_ERR_OPTIM_MISMATCH, TMLP_ERR_FROZEN), TMLP_ERR_IO (the
 * repair did not verify; the net is unchanged), the callbacks' errors
 * (prog's only from a repair). */
tmlp_status_t tmlp_ckpt_load(const tmlp_flash_t *flash, tmlp_net_t *net, uint32_t what,
                             uint32_t *seq) TMLP_NODISCARD;

/* ------------------------------------------------------------------------ */
/* Checksums                                                                 */
/* ------------------------------------------------------------------------ */

/* CRC-32 (zlib polynomial 0xEDB88320, reflected) of len bytes, continuing
 * from crc (0 to start): tmlp_crc32(0, "123456789", 9) gives 0xcbf43926.
 * Errors: TMLP_ERR_ARG (data NULL with len > 0). */
tmlp_status_t tmlp_crc32(uint32_t crc, const void *data, size_t len, uint32_t *out) TMLP_NODISCARD;

/* CRC-32 of the parameters in canonical order, each as its 4 little-endian
 * IEEE-754 bytes: the "weights-hash", equal on every target for equal
 * parameters. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_net_crc32(const tmlp_net_t *net, uint32_t *crc) TMLP_NODISCARD;

#endif
