;; The filter gradient of a stride-1 (dilated) 2-D convolution, written for wasm SIMD (128-bit):
;;   dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh + kh*dh - pt, ow + kw*dw - pl, ci] * dy[n, oh, ow, co]
;; x NHWC [N, H, W, Ci], dy NHWC [N, OH, OW, Co], dW HWIO [KH, KW, Ci, Co], all float32 in TF.js's
;; wasm heap (this module imports that memory). dW must be zeroed by the caller; the sums are added to it.
;; Needs Co % 8 == 0 (the caller falls back to the XNNPACK route otherwise); any Ci.
;;
;; Why by hand: TF.js computes dW as an XNNPACK convolution with dy as the filter, and XNNPACK packs
;; every new filter (the whole of dy, each step) before it multiplies; here dy is read in place.
;; The inner loop holds a 4 x 8 block of dW (4 input channels, 8 output channels) in 8 registers and
;; walks the positions of one output row: one 8-channel load of dy, four broadcasts of x, eight
;; multiply-adds. The positions are taken `rows` output rows at a time, so the parts of x and dy that
;; all 9 taps and every channel block read stay in cache; each block's sum over those rows starts from
;; zero and is then added to dW, which keeps the float32 sums short (more accurate than one long sum).
;; Rows and columns whose input tap falls in the padding are skipped (valid ranges per tap).
;; The input channels run over [ciFrom, ciTo), so callers can split them between threads (at multiples of 4).
;;
;; Assembled by scripts/build-wasm-kernels.mjs into conv2d-filter-grad.wasm.ts (checked by a test).
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "conv2dFilterGrad")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $N i32) (param $H i32) (param $W i32) (param $Ci i32) (param $Co i32)
    (param $KH i32) (param $KW i32) (param $dh i32) (param $dw i32) (param $pt i32) (param $pl i32) (param $OH i32) (param $OW i32)
    (param $ciFrom i32) (param $ciTo i32) (param $rows i32)
    (local $n i32) (local $r0 i32) (local $r1 i32) (local $kh i32) (local $kw i32) (local $ihOff i32) (local $iwOff i32)
    (local $ohLo i32) (local $ohHi i32) (local $owLo i32) (local $owHi i32) (local $ci i32) (local $co i32) (local $o i32)
    (local $oh i32) (local $xp i32) (local $dp i32) (local $end i32) (local $coBytes i32) (local $ciBytes i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $d0 v128) (local $d1 v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $coBytes (i32.shl (local.get $Co) (i32.const 2)))
    (local.set $ciBytes (i32.shl (local.get $Ci) (i32.const 2)))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $N)))
      (local.set $r0 (i32.const 0))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_s (local.get $r0) (local.get $OH)))
        ;; r1 = min(r0 + rows, OH)
        (local.set $r1 (i32.add (local.get $r0) (local.get $rows)))
        (if (i32.gt_s (local.get $r1) (local.get $OH)) (then (local.set $r1 (local.get $OH))))
        (local.set $kh (i32.const 0))
        (block $khDone (loop $khLoop
          (br_if $khDone (i32.ge_s (local.get $kh) (local.get $KH)))
          (local.set $ihOff (i32.sub (i32.mul (local.get $kh) (local.get $dh)) (local.get $pt)))
          ;; output rows whose input row is inside x: max(r0, -ihOff) <= oh < min(r1, H - ihOff)
          (local.set $ohLo (local.get $r0))
          (if (i32.gt_s (i32.sub (i32.const 0) (local.get $ihOff)) (local.get $ohLo)) (then (local.set $ohLo (i32.sub (i32.const 0) (local.get $ihOff)))))
          (local.set $ohHi (local.get $r1))
          (if (i32.lt_s (i32.sub (local.get $H) (local.get $ihOff)) (local.get $ohHi)) (then (local.set $ohHi (i32.sub (local.get $H) (local.get $ihOff)))))
          (local.set $kw (i32.const 0))
          (block $kwDone (loop $kwLoop
            (br_if $kwDone (i32.ge_s (local.get $kw) (local.get $KW)))
            (local.set $iwOff (i32.sub (i32.mul (local.get $kw) (local.get $dw)) (local.get $pl)))
            ;; likewise the columns: max(0, -iwOff) <= ow < min(OW, W - iwOff)
            (local.set $owLo (i32.const 0))
            (if (i32.gt_s (i32.sub (i32.const 0) (local.get $iwOff)) (i32.const 0)) (then (local.set $owLo (i32.sub (i32.const 0) (local.get $iwOff)))))
            (local.set $owHi (local.get $OW))
            (if (i32.lt_s (i32.sub (local.get $W) (local.get $iwOff)) (local.get $owHi)) (then (local.set $owHi (i32.sub (local.get $W) (local.get $iwOff)))))
            (if (i32.and (i32.lt_s (local.get $ohLo) (local.get $ohHi)) (i32.lt_s (local.get $owLo) (local.get $owHi))) (then
              (local.set $ci (local.get $ciFrom))
              (block $ciDone (loop $ciLoop
                (br_if $ciDone (i32.gt_s (i32.add (local.get $ci) (i32.const 4)) (local.get $ciTo)))
                (local.set $co (i32.const 0))
                (block $coDone (loop $coLoop
                  (br_if $coDone (i32.ge_s (local.get $co) (local.get $Co)))
                  ;; o: the byte address of dW[kh, kw, ci, co]
                  (local.set $o (i32.add (local.get $out) (i32.shl
                    (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $KW)) (local.get $kw)) (local.get $Ci)) (local.get $ci)) (local.get $Co)) (local.get $co))
                    (i32.const 2))))
                  (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
                  (local.set $a10 (v128.const i32x4 0 0 0 0)) (local.set $a11 (v128.const i32x4 0 0 0 0))
                  (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a21 (v128.const i32x4 0 0 0 0))
                  (local.set $a30 (v128.const i32x4 0 0 0 0)) (local.set $a31 (v128.const i32x4 0 0 0 0))
                  (local.set $oh (local.get $ohLo))
                  (block $ohDone (loop $ohLoop
                    (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $ohHi)))
                    ;; xp: x[n, oh + ihOff, owLo + iwOff, ci]; dp: dy[n, oh, owLo, co]; end: dy[n, oh, owHi, co]
                    (local.set $xp (i32.add (local.get $x) (i32.shl
                      (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (i32.add (local.get $oh) (local.get $ihOff))) (local.get $W)) (i32.add (local.get $owLo) (local.get $iwOff))) (local.get $Ci)) (local.get $ci))
                      (i32.const 2))))
                    (local.set $dp (i32.add (local.get $dy) (i32.shl
                      (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oh)) (local.get $OW)) (local.get $owLo)) (local.get $Co)) (local.get $co))
                      (i32.const 2))))
                    (local.set $end (i32.add (local.get $dp) (i32.mul (i32.sub (local.get $owHi) (local.get $owLo)) (local.get $coBytes))))
                    (loop $owLoop
                      (local.set $d0 (v128.load offset=0 (local.get $dp)))
                      (local.set $d1 (v128.load offset=16 (local.get $dp)))
                      (local.set $s0 (v128.load32_splat offset=0 (local.get $xp)))
                      (local.set $s1 (v128.load32_splat offset=4 (local.get $xp)))
                      (local.set $s2 (v128.load32_splat offset=8 (local.get $xp)))
                      (local.set $s3 (v128.load32_splat offset=12 (local.get $xp)))
                      (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s0) (local.get $d0))))
                      (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s0) (local.get $d1))))
                      (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s1) (local.get $d0))))
                      (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s1) (local.get $d1))))
                      (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s2) (local.get $d0))))
                      (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s2) (local.get $d1))))
                      (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s3) (local.get $d0))))
                      (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s3) (local.get $d1))))
                      (local.set $xp (i32.add (local.get $xp) (local.get $ciBytes)))
                      (local.set $dp (i32.add (local.get $dp) (local.get $coBytes)))
                      (br_if $owLoop (i32.lt_u (local.get $dp) (local.get $end))))
                    (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
                    (br $ohLoop)))
                  ;; dW[kh, kw, ci + i, co .. co + 8] += the block's row i
                  (v128.store offset=0 (local.get $o) (f32x4.add (v128.load offset=0 (local.get $o)) (local.get $a00)))
                  (v128.store offset=16 (local.get $o) (f32x4.add (v128.load offset=16 (local.get $o)) (local.get $a01)))
                  (local.set $o (i32.add (local.get $o) (local.get $coBytes)))
                  (v128.store offset=0 (local.get $o) (f32x4.add (v128.load offset=0 (local.get $o)) (local.get $a10)))
                  (v128.store offset=16 (local.get $o) (f32x4.add (v128.load offset=16 (local.get $o)) (local.get $a11)))
                  (local.set $o (i32.add (local.get $o) (local.get $coBytes)))
                  (v128.store offset=0 (local.get $o) (f32x4.add (v128.load offset=0 (local.get $o)) (local.get $a20)))
                  (v128.store offset=16 (local.get $o) (f32x4.add (v128.load offset=16 (local.get $o)) (local.get $a21)))
                  (local.set $o (i32.add (local.get $o) (local.get $coBytes)))
                  (v128.store offset=0 (local.get $o) (f32x4.add (v128.load offset=0 (local.get $o)) (local.get $a30)))
                  (v128.store offset=16 (local.get $o) (f32x4.add (v128.load offset=16 (local.get $o)) (local.get $a31)))
                  (local.set $co (i32.add (local.get $co) (i32.const 8)))
                  (br $coLoop)))
                (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
                (br $ciLoop)))
              ;; The input channels left over (fewer than 4: a first layer's 1-3), one at a time: a 1 x 8 block.
              (block $tailDone (loop $tailLoop
                (br_if $tailDone (i32.ge_s (local.get $ci) (local.get $ciTo)))
                (local.set $co (i32.const 0))
                (block $tailCoDone (loop $tailCoLoop
                  (br_if $tailCoDone (i32.ge_s (local.get $co) (local.get $Co)))
                  (local.set $o (i32.add (local.get $out) (i32.shl
                    (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $KW)) (local.get $kw)) (local.get $Ci)) (local.get $ci)) (local.get $Co)) (local.get $co))
                    (i32.const 2))))
                  (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
                  (local.set $oh (local.get $ohLo))
                  (block $tailOhDone (loop $tailOhLoop
                    (br_if $tailOhDone (i32.ge_s (local.get $oh) (local.get $ohHi)))
                    (local.set $xp (i32.add (local.get $x) (i32.shl
                      (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (i32.add (local.get $oh) (local.get $ihOff))) (local.get $W)) (i32.add (local.get $owLo) (local.get $iwOff))) (local.get $Ci)) (local.get $ci))
                      (i32.const 2))))
                    (local.set $dp (i32.add (local.get $dy) (i32.shl
                      (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oh)) (local.get $OW)) (local.get $owLo)) (local.get $Co)) (local.get $co))
                      (i32.const 2))))
                    (local.set $end (i32.add (local.get $dp) (i32.mul (i32.sub (local.get $owHi) (local.get $owLo)) (local.get $coBytes))))
                    (loop $tailOwLoop
                      (local.set $s0 (v128.load32_splat offset=0 (local.get $xp)))
                      (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s0) (v128.load offset=0 (local.get $dp)))))
                      (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s0) (v128.load offset=16 (local.get $dp)))))
                      (local.set $xp (i32.add (local.get $xp) (local.get $ciBytes)))
                      (local.set $dp (i32.add (local.get $dp) (local.get $coBytes)))
                      (br_if $tailOwLoop (i32.lt_u (local.get $dp) (local.get $end))))
                    (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
                    (br $tailOhLoop)))
                  (v128.store offset=0 (local.get $o) (f32x4.add (v128.load offset=0 (local.get $o)) (local.get $a00)))
                  (v128.store offset=16 (local.get $o) (f32x4.add (v128.load offset=16 (local.get $o)) (local.get $a01)))
                  (local.set $co (i32.add (local.get $co) (i32.const 8)))
                  (br $tailCoLoop)))
                (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
                (br $tailLoop)))))
            (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
            (br $kwLoop)))
          (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
          (br $khLoop)))
        (local.set $r0 (i32.add (local.get $r0) (local.get $rows)))
        (br $rLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop)))))
