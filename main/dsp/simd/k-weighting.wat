;; BS.1770's K-weighting of two channels at once, one in each float64 lane: both biquads (direct form I)
;; over n samples of channel a and of channel b, and the running sum of the squared output:
;;   y = b0 v + b1 x1 + b2 x2 - a2 y2 - a1 y1;   z = y - 2 y1 + y2 - c2 z2 - c1 z1;   sum += z^2
;; evaluated left to right exactly as loudness.ts does in JavaScript, so each lane gives that channel's
;; bits. Float64 lanes do not shorten the recursion, but two channels share each instruction.
;;   $a, $b: float32 samples;  $f: b0 b1 b2 a1 a2 c1 c2 (float64);
;;   $s: x1 x2 y1 y2 z1 z2 sum, each a pair (channel a, channel b) of float64, read and written back.
;;
;; Assembled by scripts/build-wasm-kernels.mjs into k-weighting.wasm.ts (checked by a test).
(module
  (memory (export "memory") 8)
  (func (export "kWeightPair")
    (param $a i32) (param $b i32) (param $n i32) (param $f i32) (param $s i32)
    (local $end i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $a1 v128) (local $a2 v128) (local $c1 v128) (local $c2 v128)
    (local $x1 v128) (local $x2 v128) (local $y1 v128) (local $y2 v128) (local $z1 v128) (local $z2 v128) (local $sum v128)
    (local $v v128) (local $y v128) (local $z v128)
    (local.set $b0 (f64x2.splat (f64.load offset=0 (local.get $f))))
    (local.set $b1 (f64x2.splat (f64.load offset=8 (local.get $f))))
    (local.set $b2 (f64x2.splat (f64.load offset=16 (local.get $f))))
    (local.set $a1 (f64x2.splat (f64.load offset=24 (local.get $f))))
    (local.set $a2 (f64x2.splat (f64.load offset=32 (local.get $f))))
    (local.set $c1 (f64x2.splat (f64.load offset=40 (local.get $f))))
    (local.set $c2 (f64x2.splat (f64.load offset=48 (local.get $f))))
    (local.set $x1 (v128.load offset=0 (local.get $s)))
    (local.set $x2 (v128.load offset=16 (local.get $s)))
    (local.set $y1 (v128.load offset=32 (local.get $s)))
    (local.set $y2 (v128.load offset=48 (local.get $s)))
    (local.set $z1 (v128.load offset=64 (local.get $s)))
    (local.set $z2 (v128.load offset=80 (local.get $s)))
    (local.set $sum (v128.load offset=96 (local.get $s)))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $samples
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $v (f64x2.replace_lane 1
        (f64x2.splat (f64.promote_f32 (f32.load (local.get $a))))
        (f64.promote_f32 (f32.load (local.get $b)))))
      (local.set $y (f64x2.sub (f64x2.sub (f64x2.add (f64x2.add
        (f64x2.mul (local.get $b0) (local.get $v))
        (f64x2.mul (local.get $b1) (local.get $x1)))
        (f64x2.mul (local.get $b2) (local.get $x2)))
        (f64x2.mul (local.get $a2) (local.get $y2)))
        (f64x2.mul (local.get $a1) (local.get $y1))))
      (local.set $z (f64x2.sub (f64x2.sub (f64x2.add
        (f64x2.sub (local.get $y) (f64x2.add (local.get $y1) (local.get $y1)))
        (local.get $y2))
        (f64x2.mul (local.get $c2) (local.get $z2)))
        (f64x2.mul (local.get $c1) (local.get $z1))))
      (local.set $x2 (local.get $x1))
      (local.set $x1 (local.get $v))
      (local.set $y2 (local.get $y1))
      (local.set $y1 (local.get $y))
      (local.set $z2 (local.get $z1))
      (local.set $z1 (local.get $z))
      (local.set $sum (f64x2.add (local.get $sum) (f64x2.mul (local.get $z) (local.get $z))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (br $samples)))
    (v128.store offset=0 (local.get $s) (local.get $x1))
    (v128.store offset=16 (local.get $s) (local.get $x2))
    (v128.store offset=32 (local.get $s) (local.get $y1))
    (v128.store offset=48 (local.get $s) (local.get $y2))
    (v128.store offset=64 (local.get $s) (local.get $z1))
    (v128.store offset=80 (local.get $s) (local.get $z2))
    (v128.store offset=96 (local.get $s) (local.get $sum)))
)
