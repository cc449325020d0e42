;; A stride-1 (dilated) 2-D convolution with its bias and ReLU, written for wasm SIMD (128-bit):
;;   y[n, oh, ow, co] = act(bias[co] + sum over kh, kw, ci of xp[n, oh + kh*dh, ow + kw*dw, ci] * w[kh, kw, ci, co])
;; xp NHWC [N, Hp, Wp, Ci] already padded (the caller pads; 'valid' needs none), w HWIO [KH, KW, Ci, Co],
;; bias [Co] (address 0: none), y NHWC [N, OH, OW, Co], all float32 in TF.js's wasm heap (this module
;; imports that memory). act is ReLU where $relu is 1, else the identity. Needs Co % 8 == 0; any Ci.
;;
;; Why by hand: on the ESC shapes (batch 32, 64 x 41, 32-64 channels) XNNPACK's convolution runs at about
;; half of wasm SIMD's peak, this a little faster. The loop nest keeps a block of 4 output positions x 8
;; output channels in 8 registers and, per input channel of each tap, loads 8 weights (2 vectors) and
;; broadcasts 4 inputs for 8 multiply-adds. Row ends (OW not a multiple of 4) take one position at a time.
;; The output rows run over [ohFrom, ohTo), so callers can split them between threads.
;; $run: the input values a tap reads, Ci; or, where dw is 1, the caller may pass KW = 1 and run = KW * Ci,
;; the taps of a filter row being contiguous in x and in w: one longer inner loop in place of KW short
;; ones (a first layer's 1-3 channels spend most of their time in loop overhead otherwise).
;;
;; Assembled by scripts/build-wasm-kernels.mjs into conv2d-forward.wasm.ts (checked by a test).
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "conv2dForward")
    (param $x i32) (param $w i32) (param $bias i32) (param $y i32)
    (param $N i32) (param $Hp i32) (param $Wp i32) (param $Ci i32) (param $Co i32)
    (param $KH i32) (param $KW i32) (param $dh i32) (param $dw i32) (param $OH i32) (param $OW i32)
    (param $ohFrom i32) (param $ohTo i32) (param $relu i32) (param $run i32)
    (local $n i32) (local $oh i32) (local $ow i32) (local $co i32) (local $kh i32) (local $kw i32)
    (local $xp i32) (local $wp i32) (local $yp i32) (local $end i32) (local $ow4 i32)
    (local $ciBytes i32) (local $coBytes i32) (local $step2 i32) (local $step3 i32) (local $runBytes i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $w0 v128) (local $w1 v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $b0 v128) (local $b1 v128) (local $zero v128)
    (local.set $ciBytes (i32.shl (local.get $Ci) (i32.const 2)))
    (local.set $runBytes (i32.shl (local.get $run) (i32.const 2)))
    (local.set $coBytes (i32.shl (local.get $Co) (i32.const 2)))
    (local.set $step2 (i32.shl (local.get $ciBytes) (i32.const 1)))
    (local.set $step3 (i32.mul (local.get $ciBytes) (i32.const 3)))
    (local.set $ow4 (i32.and (local.get $OW) (i32.const -4)))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $N)))
      (local.set $oh (local.get $ohFrom))
      (block $ohDone (loop $ohLoop
        (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $ohTo)))
        (local.set $co (i32.const 0))
        (block $coDone (loop $coLoop
          (br_if $coDone (i32.ge_s (local.get $co) (local.get $Co)))
          ;; the bias of these 8 channels, or zeros
          (local.set $b0 (local.get $zero))
          (local.set $b1 (local.get $zero))
          (if (local.get $bias) (then
            (local.set $b0 (v128.load offset=0 (i32.add (local.get $bias) (i32.shl (local.get $co) (i32.const 2)))))
            (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $co) (i32.const 2)))))))
          ;; ---- blocks of 4 positions
          (local.set $ow (i32.const 0))
          (block $owDone (loop $owLoop
            (br_if $owDone (i32.ge_s (local.get $ow) (local.get $ow4)))
            (local.set $a00 (local.get $b0)) (local.set $a01 (local.get $b1))
            (local.set $a10 (local.get $b0)) (local.set $a11 (local.get $b1))
            (local.set $a20 (local.get $b0)) (local.set $a21 (local.get $b1))
            (local.set $a30 (local.get $b0)) (local.set $a31 (local.get $b1))
            (local.set $kh (i32.const 0))
            (block $khDone (loop $khLoop
              (br_if $khDone (i32.ge_s (local.get $kh) (local.get $KH)))
              (local.set $kw (i32.const 0))
              (block $kwDone (loop $kwLoop
                (br_if $kwDone (i32.ge_s (local.get $kw) (local.get $KW)))
                ;; xp: x[n, oh + kh*dh, ow + kw*dw, 0]; wp: w[kh, kw, 0, co]
                (local.set $xp (i32.add (local.get $x) (i32.mul (local.get $ciBytes)
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $Hp)) (i32.add (local.get $oh) (i32.mul (local.get $kh) (local.get $dh)))) (local.get $Wp))
                    (i32.add (local.get $ow) (i32.mul (local.get $kw) (local.get $dw)))))))
                (local.set $wp (i32.add (local.get $w) (i32.shl
                  (i32.add (i32.mul (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $KW)) (local.get $kw)) (local.get $run)) (local.get $Co)) (local.get $co))
                  (i32.const 2))))
                (local.set $end (i32.add (local.get $xp) (local.get $runBytes)))
                (loop $ciLoop
                  (local.set $w0 (v128.load offset=0 (local.get $wp)))
                  (local.set $w1 (v128.load offset=16 (local.get $wp)))
                  (local.set $s0 (v128.load32_splat (local.get $xp)))
                  (local.set $s1 (v128.load32_splat (i32.add (local.get $xp) (local.get $ciBytes))))
                  (local.set $s2 (v128.load32_splat (i32.add (local.get $xp) (local.get $step2))))
                  (local.set $s3 (v128.load32_splat (i32.add (local.get $xp) (local.get $step3))))
                  (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s0) (local.get $w0))))
                  (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s0) (local.get $w1))))
                  (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s1) (local.get $w0))))
                  (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s1) (local.get $w1))))
                  (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s2) (local.get $w0))))
                  (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s2) (local.get $w1))))
                  (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s3) (local.get $w0))))
                  (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s3) (local.get $w1))))
                  (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                  (local.set $wp (i32.add (local.get $wp) (local.get $coBytes)))
                  (br_if $ciLoop (i32.lt_u (local.get $xp) (local.get $end))))
                (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                (br $kwLoop)))
              (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
              (br $khLoop)))
            (if (local.get $relu) (then
              (local.set $a00 (f32x4.max (local.get $a00) (local.get $zero))) (local.set $a01 (f32x4.max (local.get $a01) (local.get $zero)))
              (local.set $a10 (f32x4.max (local.get $a10) (local.get $zero))) (local.set $a11 (f32x4.max (local.get $a11) (local.get $zero)))
              (local.set $a20 (f32x4.max (local.get $a20) (local.get $zero))) (local.set $a21 (f32x4.max (local.get $a21) (local.get $zero)))
              (local.set $a30 (f32x4.max (local.get $a30) (local.get $zero))) (local.set $a31 (f32x4.max (local.get $a31) (local.get $zero)))))
            ;; yp: y[n, oh, ow, co]
            (local.set $yp (i32.add (local.get $y) (i32.shl
              (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oh)) (local.get $OW)) (local.get $ow)) (local.get $Co)) (local.get $co))
              (i32.const 2))))
            (v128.store offset=0 (local.get $yp) (local.get $a00)) (v128.store offset=16 (local.get $yp) (local.get $a01))
            (local.set $yp (i32.add (local.get $yp) (local.get $coBytes)))
            (v128.store offset=0 (local.get $yp) (local.get $a10)) (v128.store offset=16 (local.get $yp) (local.get $a11))
            (local.set $yp (i32.add (local.get $yp) (local.get $coBytes)))
            (v128.store offset=0 (local.get $yp) (local.get $a20)) (v128.store offset=16 (local.get $yp) (local.get $a21))
            (local.set $yp (i32.add (local.get $yp) (local.get $coBytes)))
            (v128.store offset=0 (local.get $yp) (local.get $a30)) (v128.store offset=16 (local.get $yp) (local.get $a31))
            (local.set $ow (i32.add (local.get $ow) (i32.const 4)))
            (br $owLoop)))
          ;; ---- the row's last OW % 4 positions, one at a time
          (block $tailDone (loop $tailLoop
            (br_if $tailDone (i32.ge_s (local.get $ow) (local.get $OW)))
            (local.set $a00 (local.get $b0)) (local.set $a01 (local.get $b1))
            (local.set $kh (i32.const 0))
            (block $tkhDone (loop $tkhLoop
              (br_if $tkhDone (i32.ge_s (local.get $kh) (local.get $KH)))
              (local.set $kw (i32.const 0))
              (block $tkwDone (loop $tkwLoop
                (br_if $tkwDone (i32.ge_s (local.get $kw) (local.get $KW)))
                (local.set $xp (i32.add (local.get $x) (i32.mul (local.get $ciBytes)
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $Hp)) (i32.add (local.get $oh) (i32.mul (local.get $kh) (local.get $dh)))) (local.get $Wp))
                    (i32.add (local.get $ow) (i32.mul (local.get $kw) (local.get $dw)))))))
                (local.set $wp (i32.add (local.get $w) (i32.shl
                  (i32.add (i32.mul (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $KW)) (local.get $kw)) (local.get $run)) (local.get $Co)) (local.get $co))
                  (i32.const 2))))
                (local.set $end (i32.add (local.get $xp) (local.get $runBytes)))
                (loop $tciLoop
                  (local.set $s0 (v128.load32_splat (local.get $xp)))
                  (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s0) (v128.load offset=0 (local.get $wp)))))
                  (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s0) (v128.load offset=16 (local.get $wp)))))
                  (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                  (local.set $wp (i32.add (local.get $wp) (local.get $coBytes)))
                  (br_if $tciLoop (i32.lt_u (local.get $xp) (local.get $end))))
                (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                (br $tkwLoop)))
              (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
              (br $tkhLoop)))
            (if (local.get $relu) (then
              (local.set $a00 (f32x4.max (local.get $a00) (local.get $zero))) (local.set $a01 (f32x4.max (local.get $a01) (local.get $zero)))))
            (local.set $yp (i32.add (local.get $y) (i32.shl
              (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oh)) (local.get $OW)) (local.get $ow)) (local.get $Co)) (local.get $co))
              (i32.const 2))))
            (v128.store offset=0 (local.get $yp) (local.get $a00)) (v128.store offset=16 (local.get $yp) (local.get $a01))
            (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
            (br $tailLoop)))
          (local.set $co (i32.add (local.get $co) (i32.const 8)))
          (br $coLoop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop))))
)
