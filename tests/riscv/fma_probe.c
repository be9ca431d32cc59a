/* SPDX-License-Identifier: MIT */
/* Compiled with -ffp-contract=fast for rv32imafc, this becomes fmadd.s: it
 * shows that riscv.mk's search for fused operations finds them. */
float tmlp_fma_probe(float a, float b, float c);

float tmlp_fma_probe(float a, float b, float c)
{
    return a * b + c;
}
