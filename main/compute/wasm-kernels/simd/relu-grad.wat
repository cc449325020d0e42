;; The gradient through a ReLU from its output, written for wasm SIMD (128-bit):
;;   dx[i] = dy[i] * step(y[i])   for i in [from, to),   step(v) = 1 where v > 0, NaN where v is NaN, else 0
;; TF.js computes it as mul(dy, step(y)): two passes and a step tensor the size of the layer (10.7 MB for
;; 32 x 64 x 41 x 32), 5-7 ms a layer on the 2-core VM; this is one pass to the same bits (the product with
;; the same 1, 0 or NaN, so -0 and NaN come out as they did). dy, y and dx are float32 in TF.js's wasm
;; heap (this module imports that memory); the elements run over [from, to), so callers can split them
;; between threads, each range starting at a multiple of 4.
;;
;; Assembled by scripts/build-wasm-kernels.mjs into relu-grad.wasm.ts (checked by a test).
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "reluGrad") (param $dy i32) (param $y i32) (param $dx i32) (param $from i32) (param $to i32)
    (local $at i32) (local $end i32) (local $vecEnd i32) (local $v v128) (local $s f32)
    (local $one v128) (local $zero v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $at (i32.shl (local.get $from) (i32.const 2)))
    (local.set $end (i32.shl (local.get $to) (i32.const 2)))
    (local.set $vecEnd (i32.add (local.get $at) (i32.and (i32.sub (local.get $end) (local.get $at)) (i32.const -16))))
    (block $vecDone (loop $vec
      (br_if $vecDone (i32.ge_u (local.get $at) (local.get $vecEnd)))
      (local.set $v (v128.load (i32.add (local.get $y) (local.get $at))))
      ;; step(y): 1 where y > 0, y itself where y is NaN, else 0
      (local.set $v (v128.or
        (v128.and (f32x4.gt (local.get $v) (local.get $zero)) (local.get $one))
        (v128.and (f32x4.ne (local.get $v) (local.get $v)) (local.get $v))))
      (v128.store (i32.add (local.get $dx) (local.get $at))
        (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $at))) (local.get $v)))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (br $vec)))
    (block $done (loop $tail
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      (local.set $s (f32.load (i32.add (local.get $y) (local.get $at))))
      (local.set $s (select (f32.const 1)
        (select (local.get $s) (f32.const 0) (f32.ne (local.get $s) (local.get $s)))
        (f32.gt (local.get $s) (f32.const 0))))
      (f32.store (i32.add (local.get $dx) (local.get $at))
        (f32.mul (f32.load (i32.add (local.get $dy) (local.get $at))) (local.get $s)))
      (local.set $at (i32.add (local.get $at) (i32.const 4)))
      (br $tail))))
)
