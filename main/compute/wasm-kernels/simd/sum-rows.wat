;; Column sums of a row-major float32 matrix x [rows, inner] in float64, written for wasm SIMD (128-bit):
;;   acc[i] += sum over r in [rowFrom, rowTo) of x[r, i]
;; acc is float64 [inner] (zeroed by the caller), both in TF.js's wasm heap (this module imports that
;; memory). Needs inner % 4 == 0. The bias gradient of a convolution is such a sum (dy over batch,
;; height and width); float64 keeps a sum of millions of terms as exact as the loop it replaces.
;; The rows run over [rowFrom, rowTo), so callers can split them between threads (each its own acc).
;;
;; Assembled by scripts/build-wasm-kernels.mjs into sum-rows.wasm.ts (checked by a test).
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "sumRows")
    (param $x i32) (param $acc i32) (param $inner i32) (param $rowFrom i32) (param $rowTo i32)
    (local $r i32) (local $p i32) (local $a i32) (local $end i32) (local $v v128)
    (local.set $r (local.get $rowFrom))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $r) (local.get $rowTo)))
      (local.set $p (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $inner)) (i32.const 2))))
      (local.set $end (i32.add (local.get $p) (i32.shl (local.get $inner) (i32.const 2))))
      (local.set $a (local.get $acc))
      (loop $columns
        (local.set $v (v128.load (local.get $p)))
        ;; lanes 0-1 and 2-3 widened to float64
        (v128.store offset=0 (local.get $a) (f64x2.add (v128.load offset=0 (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (br_if $columns (i32.lt_u (local.get $p) (local.get $end))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))
)
