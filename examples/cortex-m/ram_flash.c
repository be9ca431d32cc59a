/* SPDX-License-Identifier: MIT */
/* A NOR flash in RAM with the rules of the real thing: an erase sets a
 * whole sector to 0xFF, a program can only clear bits (1 -> 0) and works on
 * whole program units inside one sector. A request that breaks a rule is
 * refused with TMLP_ERR_IO, as a flash controller would flag it. Device
 * addresses are offsets into the array. */
#include <string.h>

#include "ram_flash.h"

#define RAM_FLASH_BYTES (RAM_FLASH_SECTORS * RAM_FLASH_SECTOR_BYTES)

static uint8_t flash_mem[RAM_FLASH_BYTES];

static int in_device(uint32_t addr, size_t len)
{
    return addr <= RAM_FLASH_BYTES && len <= RAM_FLASH_BYTES - addr;
}

static tmlp_status_t ram_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    (void)ctx;
    if (!in_device(addr, len)) {
        return TMLP_ERR_IO;
    }
    memcpy(buf, &flash_mem[addr], len);
    return TMLP_OK;
}

static tmlp_status_t ram_prog(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    const uint8_t *src = (const uint8_t *)buf;
    size_t i;
    (void)ctx;
    if (!in_device(addr, len) || addr % RAM_FLASH_PROG_BYTES != 0u ||
        len % RAM_FLASH_PROG_BYTES != 0u ||
        (len > 0u && addr / RAM_FLASH_SECTOR_BYTES !=
                         (addr + len - 1u) / RAM_FLASH_SECTOR_BYTES)) {
        return TMLP_ERR_IO;
    }
    for (i = 0; i < len; i++) {
        if ((src[i] & (uint8_t)~flash_mem[addr + i]) != 0u) {
            return TMLP_ERR_IO; /* would set a bit that is 0: needs an erase */
        }
    }
    memcpy(&flash_mem[addr], src, len);
    return TMLP_OK;
}

static tmlp_status_t ram_erase(void *ctx, uint32_t addr)
{
    (void)ctx;
    if (addr % RAM_FLASH_SECTOR_BYTES != 0u || !in_device(addr, RAM_FLASH_SECTOR_BYTES)) {
        return TMLP_ERR_IO;
    }
    memset(&flash_mem[addr], 0xFF, RAM_FLASH_SECTOR_BYTES);
    return TMLP_OK;
}

void ram_flash_config(tmlp_flash_t *flash)
{
    memset(flash, 0, sizeof *flash);
    flash->read = ram_read;
    flash->prog = ram_prog;
    flash->erase = ram_erase;
    flash->base = 0;
    flash->sector_bytes = RAM_FLASH_SECTOR_BYTES;
    flash->prog_bytes = RAM_FLASH_PROG_BYTES;
    flash->sector_count = RAM_FLASH_SECTORS;
    flash->slot_sectors = 1;
}

tmlp_status_t ram_flash_erase_all(void)
{
    uint32_t addr;
    tmlp_status_t st = TMLP_OK;
    for (addr = 0; addr < RAM_FLASH_BYTES && st == TMLP_OK; addr += RAM_FLASH_SECTOR_BYTES) {
        st = ram_erase(NULL, addr);
    }
    return st;
}
