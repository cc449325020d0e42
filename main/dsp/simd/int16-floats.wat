;; 16-bit samples as floats at full scale +-1, eight at a time with wasm SIMD (128-bit):
;;   dst[i] = src[i] * 2^-15   for i in [0, n rounded up to 8)
;; Every int16 converts to float32 exactly and the product by a power of two is exact too, so this is
;; the float32 value a decoder writes for the sample (wav.ts), bit for bit. A JavaScript loop took
;; about 1.25 ns a sample (2-core VM, December 2026): 0.4 s for the hour of stereo an editor scans.
;; samples.ts copies int16 in, runs this and copies the floats out, a chunk at a time.
;;
;; Assembled by scripts/build-wasm-kernels.mjs into int16-floats.wasm.ts (checked by a test).
(module
  (memory (export "memory") 4)
  (func (export "int16Floats") (param $src i32) (param $n i32) (param $dst i32)
    (local $end i32) (local $v v128) (local $scale v128)
    (local.set $scale (f32x4.splat (f32.const 0x1p-15)))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 1))))
    (block $done (loop $eight
      (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
      (local.set $v (v128.load (local.get $src)))
      (v128.store (local.get $dst)
        (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $v))) (local.get $scale)))
      (v128.store offset=16 (local.get $dst)
        (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $v))) (local.get $scale)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
      (br $eight)))))
