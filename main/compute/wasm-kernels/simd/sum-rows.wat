;; Column sums of a row-major float32 matrix x [rows, inner] in float64, written for wasm SIMD (128-bit):
;;   acc[i] += sum over r in [rowFrom, rowTo) of x[r, i]
;; acc is float64 [inner] (zeroed by the caller), both in TF.js's wasm heap (this module imports that
;; memory). Needs inner % 4 == 0. The bias gradient of a convolution is such a sum (dy over batch,
;; height and width), and global average pooling.
;;
;; The columns go in chunks of 32 (8 vectors, one register each), then 4 at a time; the rows in blocks
;; of 64, summed in float32 registers, each block's sums then added to acc in float64: a sum of
;; millions of terms stays as exact as a float64 loop's to float32 precision, and the pass runs at the
;; speed of reading x, not of the float64 accumulators in memory.
;; The rows run over [rowFrom, rowTo), so callers can split them between threads (each its own acc);
;; sumSlices does the same for each of a run of slices [slices, rows, inner] into its own acc (global
;; average pooling: an image a slice), so callers can split the slices instead.
;;
;; Assembled by scripts/build-wasm-kernels.mjs into sum-rows.wasm.ts (checked by a test).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; acc[a .. a + 32 bytes] (two float64 pairs) += the four lanes of v, widened.
  (func $add (param $a i32) (param $v v128)
    (v128.store offset=0 (local.get $a) (f64x2.add (v128.load offset=0 (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
    (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a))
      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))

  (func $sumRows (export "sumRows")
    (param $x i32) (param $acc i32) (param $inner i32) (param $rowFrom i32) (param $rowTo i32)
    (local $rowBytes i32) (local $c i32) (local $r i32) (local $rEnd i32) (local $p i32) (local $end i32) (local $a i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 2)))
    (if (i32.ge_s (local.get $rowFrom) (local.get $rowTo)) (then (return)))
    ;; chunks of 8 vectors
    (local.set $c (i32.const 0))
    (block $wideDone (loop $wide
      (br_if $wideDone (i32.gt_s (i32.add (local.get $c) (i32.const 128)) (local.get $rowBytes)))
      (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 1))))
      (local.set $r (local.get $rowFrom))
      (loop $blocks
        (local.set $rEnd (select (local.get $rowTo) (i32.add (local.get $r) (i32.const 64))
          (i32.lt_s (local.get $rowTo) (i32.add (local.get $r) (i32.const 64)))))
        (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (v128.const i32x4 0 0 0 0)) (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $s3 (v128.const i32x4 0 0 0 0)) (local.set $s4 (v128.const i32x4 0 0 0 0)) (local.set $s5 (v128.const i32x4 0 0 0 0)) (local.set $s6 (v128.const i32x4 0 0 0 0)) (local.set $s7 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))) (local.get $c)))
        (local.set $end (i32.add (i32.add (local.get $x) (i32.mul (local.get $rEnd) (local.get $rowBytes))) (local.get $c)))
        (loop $rows
            (local.set $s0 (f32x4.add (local.get $s0) (v128.load offset=0 (local.get $p))))
            (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $p))))
            (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $p))))
            (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $p))))
            (local.set $s4 (f32x4.add (local.get $s4) (v128.load offset=64 (local.get $p))))
            (local.set $s5 (f32x4.add (local.get $s5) (v128.load offset=80 (local.get $p))))
            (local.set $s6 (f32x4.add (local.get $s6) (v128.load offset=96 (local.get $p))))
            (local.set $s7 (f32x4.add (local.get $s7) (v128.load offset=112 (local.get $p))))
          (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
          (br_if $rows (i32.lt_u (local.get $p) (local.get $end))))
          (call $add (i32.add (local.get $a) (i32.const 0)) (local.get $s0))
          (call $add (i32.add (local.get $a) (i32.const 32)) (local.get $s1))
          (call $add (i32.add (local.get $a) (i32.const 64)) (local.get $s2))
          (call $add (i32.add (local.get $a) (i32.const 96)) (local.get $s3))
          (call $add (i32.add (local.get $a) (i32.const 128)) (local.get $s4))
          (call $add (i32.add (local.get $a) (i32.const 160)) (local.get $s5))
          (call $add (i32.add (local.get $a) (i32.const 192)) (local.get $s6))
          (call $add (i32.add (local.get $a) (i32.const 224)) (local.get $s7))
        (local.set $r (local.get $rEnd))
        (br_if $blocks (i32.lt_s (local.get $r) (local.get $rowTo))))
      (local.set $c (i32.add (local.get $c) (i32.const 128)))
      (br $wide)))
    ;; the columns left, one vector at a time
    (block $narrowDone (loop $narrow
      (br_if $narrowDone (i32.ge_s (local.get $c) (local.get $rowBytes)))
      (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 1))))
      (local.set $r (local.get $rowFrom))
      (loop $blocks1
        (local.set $rEnd (select (local.get $rowTo) (i32.add (local.get $r) (i32.const 64))
          (i32.lt_s (local.get $rowTo) (i32.add (local.get $r) (i32.const 64)))))
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))) (local.get $c)))
        (local.set $end (i32.add (i32.add (local.get $x) (i32.mul (local.get $rEnd) (local.get $rowBytes))) (local.get $c)))
        (loop $rows1
          (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
          (br_if $rows1 (i32.lt_u (local.get $p) (local.get $end))))
        (call $add (local.get $a) (local.get $s0))
        (local.set $r (local.get $rEnd))
        (br_if $blocks1 (i32.lt_s (local.get $r) (local.get $rowTo))))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (br $narrow))))

  ;; acc[o] (float64 [slices, inner]) += the column sums of slice o of x [slices, rows, inner], o in [from, to).
  (func (export "sumSlices")
    (param $x i32) (param $acc i32) (param $inner i32) (param $rows i32) (param $from i32) (param $to i32)
    (local $o i32)
    (local.set $o (local.get $from))
    (block $done (loop $slices
      (br_if $done (i32.ge_s (local.get $o) (local.get $to)))
      (call $sumRows
        (i32.add (local.get $x) (i32.shl (i32.mul (i32.mul (local.get $o) (local.get $rows)) (local.get $inner)) (i32.const 2)))
        (i32.add (local.get $acc) (i32.shl (i32.mul (local.get $o) (local.get $inner)) (i32.const 3)))
        (local.get $inner) (i32.const 0) (local.get $rows))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br $slices))))
)
