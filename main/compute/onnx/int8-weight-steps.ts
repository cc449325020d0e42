import { readFileSync } from 'node:fs'
import { arch } from 'node:os'

/*
 * How many steps each side of zero an int8 weight may use. onnxruntime multiplies uint8 activations by
 * int8 weights; on x86 without VNNI its kernels (AVX2 vpmaddubsw) add two such products in 16 bits,
 * which saturates once 2 x 255 x |w| passes 32767. Measured on an AVX2-only AMD EPYC (December 2026): a
 * TTS acoustic graph with full-range weights came out 23 % off float32, and with 63 steps 1.4 %; the
 * reference CNN's int8 probabilities 2.3e-3 off, against 8.6e-5 on a VNNI machine. So weights keep 7 bits
 * there (onnxruntime's own tool calls it reduce_range), and the full 127 steps where products are summed
 * in 32 bits: x86 with AVX-512 VNNI or AVX-VNNI, and other architectures (ARM's dot products).
 */
let known: number | undefined

export function int8WeightSteps(): number {
  if (known !== undefined) return known
  known = arch() === 'x64' || arch() === 'ia32' ? (hasVnni() ? 127 : 63) : 127
  return known
}

/** Whether this x86 CPU lists VNNI (Linux's /proc/cpuinfo); false where that cannot be read (Windows, macOS): the safe answer. */
function hasVnni(): boolean {
  try {
    return /\b(avx512_vnni|avx_vnni)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'))
  } catch {
    return false
  }
}
