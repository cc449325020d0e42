;; The statistics a sound editor keeps of its samples, in one pass, written for wasm SIMD (128-bit):
;; the smallest and largest sample of each block of `block` floats (block % 4 == 0) of x[0, n), and the
;; sum of their squares in two float64 lanes (lane j takes x[i]^2 for i = j mod 2, in order of i).
;;   mins[k], maxs[k] = min and max of block k;   acc[0..1] += the lanes' squares
;; Minima and maxima are taken in four lanes (lane j: x[i] for i - blockStart = j mod 4) with
;; f32x4.pmin/pmax (b < a ? b : a), which skip NaN like `if (v < m) m = v`, then lanes 1-3 merged into
;; lane 0 in order, then the block's last n % 4 samples one by one. block-stats.ts does the same in
;; JavaScript where SIMD is missing, to the same bits. A block without a number gives +Infinity, -Infinity.
;;
;; Assembled by scripts/build-wasm-kernels.mjs into block-stats.wasm.ts (checked by a test).
(module
  (memory (export "memory") 8)
  (func (export "blockStats")
    (param $x i32) (param $n i32) (param $block i32) (param $mins i32) (param $maxs i32) (param $acc i32)
    (local $p i32) (local $end i32) (local $blockEnd i32) (local $vecEnd i32) (local $lane i32)
    (local $v v128) (local $lo v128) (local $mn v128) (local $mx v128) (local $sq v128)
    (local $s f32) (local $t f32) (local $e f32) (local $f f64)
    (local.set $sq (v128.load (local.get $acc)))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $blocks
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $blockEnd (i32.add (local.get $p) (i32.shl (local.get $block) (i32.const 2))))
      (if (i32.gt_u (local.get $blockEnd) (local.get $end)) (then (local.set $blockEnd (local.get $end))))
      (local.set $vecEnd (i32.add (local.get $p) (i32.and (i32.sub (local.get $blockEnd) (local.get $p)) (i32.const -16))))
      (local.set $mn (f32x4.splat (f32.const inf)))
      (local.set $mx (f32x4.splat (f32.const -inf)))
      (block $vecDone (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $p) (local.get $vecEnd)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $mn (f32x4.pmin (local.get $mn) (local.get $v)))
        (local.set $mx (f32x4.pmax (local.get $mx) (local.get $v)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $sq (f64x2.add (local.get $sq) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $lo (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $sq (f64x2.add (local.get $sq) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vec)))
      ;; lanes 1-3 into lane 0, in order
      (local.set $s (f32x4.extract_lane 0 (local.get $mn)))
      (local.set $e (f32x4.extract_lane 1 (local.get $mn)))
      (local.set $s (select (local.get $e) (local.get $s) (f32.lt (local.get $e) (local.get $s))))
      (local.set $e (f32x4.extract_lane 2 (local.get $mn)))
      (local.set $s (select (local.get $e) (local.get $s) (f32.lt (local.get $e) (local.get $s))))
      (local.set $e (f32x4.extract_lane 3 (local.get $mn)))
      (local.set $s (select (local.get $e) (local.get $s) (f32.lt (local.get $e) (local.get $s))))
      (local.set $t (f32x4.extract_lane 0 (local.get $mx)))
      (local.set $e (f32x4.extract_lane 1 (local.get $mx)))
      (local.set $t (select (local.get $e) (local.get $t) (f32.gt (local.get $e) (local.get $t))))
      (local.set $e (f32x4.extract_lane 2 (local.get $mx)))
      (local.set $t (select (local.get $e) (local.get $t) (f32.gt (local.get $e) (local.get $t))))
      (local.set $e (f32x4.extract_lane 3 (local.get $mx)))
      (local.set $t (select (local.get $e) (local.get $t) (f32.gt (local.get $e) (local.get $t))))
      ;; the last samples one by one (only a last, partial block has them); each square to its lane
      (block $tailDone (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $p) (local.get $blockEnd)))
        (local.set $e (f32.load (local.get $p)))
        (local.set $s (select (local.get $e) (local.get $s) (f32.lt (local.get $e) (local.get $s))))
        (local.set $t (select (local.get $e) (local.get $t) (f32.gt (local.get $e) (local.get $t))))
        (local.set $f (f64.promote_f32 (local.get $e)))
        (local.set $f (f64.mul (local.get $f) (local.get $f)))
        (local.set $lane (i32.and (i32.shr_u (i32.sub (local.get $p) (local.get $x)) (i32.const 2)) (i32.const 1)))
        (if (local.get $lane)
          (then (local.set $sq (f64x2.replace_lane 1 (local.get $sq) (f64.add (f64x2.extract_lane 1 (local.get $sq)) (local.get $f)))))
          (else (local.set $sq (f64x2.replace_lane 0 (local.get $sq) (f64.add (f64x2.extract_lane 0 (local.get $sq)) (local.get $f))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
      (f32.store (local.get $mins) (local.get $s))
      (f32.store (local.get $maxs) (local.get $t))
      (local.set $mins (i32.add (local.get $mins) (i32.const 4)))
      (local.set $maxs (i32.add (local.get $maxs) (i32.const 4)))
      (br $blocks)))
    (v128.store (local.get $acc) (local.get $sq)))
)
