;; A stride-1 (dilated) 3x3 convolution with its bias and ReLU by Winograd's minimal filtering F(4x4, 3x3),
;; written for wasm SIMD (128-bit). Same contract as conv2d-forward.wat:
;;   y[n, oh, ow, co] = act(bias[co] + sum over kh, kw, ci of x[n, oh + kh*dh - top, ow + kw*dw - left, ci] * w[kh, kw, ci, co])
;; (x taken as zero outside its H x W), but the filter comes transformed, u = G w G^T as [36][Ci][Co]
;; (winograd.ts). x is read where it is: no padded copy.
;;
;; Why: a tile of 4x4 outputs takes 36 multiply-adds per (ci, co) here against 144 directly, so the
;; convolutions of the ESC and reference networks (3x3, 32-64 channels) do 4x fewer multiplications.
;; The transforms (B, G and A of F(4, 3), interpolation points 0, +-1, +-2) are a few additions and
;; multiplications by small constants; each 6x6 transform is a pass over rows and one over columns
;; through a small scratch, by the helpers $bt, $at, $atStore and $a (one call a pass).
;;
;; A tile covers outputs {oh0 + i dh} x {ow0 + j dw}, i, j < 4: with dilation d the convolution is d x d
;; undilated ones on interleaved grids, so tiles step through each grid. Tile row r of an image has
;; oh0 = (r / dh) * 4dh + r % dh; tile t of a row has ow0 = (t / dw) * 4dw + t % dw. Per tile row:
;;   1. V[xi][t][ci] = (B^T d B)[xi] for each tile's 6x6 input patch d (xi = 6 * row + column)
;;   2. M[xi][t][co] = sum over ci of V[xi][t][ci] u[xi][ci][co]: 36 small matrix products, each with
;;      the register blocking of conv2d-forward.wat (4 tiles x 8 output channels)
;;   3. y = act(bias + A^T M A), stored where it falls inside the output.
;; Each thread's scratch (winogradScratchFloats): two 36-vector areas for the transforms' passes, then
;; V and M, 36 planes each of Tpad tiles (a row's tiles rounded up to 4) and a cache line more.
;; Tile rows of all images run over [from, to), so callers can split them between threads.
;; Needs Ci % 4 == 0 and Co % 8 == 0.
;;
;; Assembled by scripts/build-wasm-kernels.mjs into conv2d-winograd.wasm.ts (checked by a test).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; `count` times (from and to moving srcOuter and dstOuter bytes): six vectors d (srcStep bytes apart)
  ;; times B^T into six (dstStep apart):
  ;;   4d0 - 5d2 + d4, (d4 - 4d2) +- (d3 - 4d1), (d4 - d2) +- 2(d3 - d1), 4d1 - 5d3 + d5
  (func $bt (param $from i32) (param $srcStep i32) (param $to i32) (param $dstStep i32)
    (param $count i32) (param $srcOuter i32) (param $dstOuter i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128) (local $d4 v128) (local $d5 v128)
    (local $a v128) (local $b v128)
    (local $src i32) (local $dst i32)
    (loop $each
      (local.set $src (local.get $from))
      (local.set $dst (local.get $to))
      (local.set $d0 (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $d1 (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $d2 (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $d3 (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $d4 (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $d5 (v128.load (local.get $src)))
      (v128.store (local.get $dst) (f32x4.add (f32x4.sub
        (f32x4.mul (local.get $d0) (v128.const f32x4 4 4 4 4)) (f32x4.mul (local.get $d2) (v128.const f32x4 5 5 5 5))) (local.get $d4)))
      (local.set $a (f32x4.sub (local.get $d4) (f32x4.mul (local.get $d2) (v128.const f32x4 4 4 4 4))))
      (local.set $b (f32x4.sub (local.get $d3) (f32x4.mul (local.get $d1) (v128.const f32x4 4 4 4 4))))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.add (local.get $a) (local.get $b)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.sub (local.get $a) (local.get $b)))
      (local.set $a (f32x4.sub (local.get $d4) (local.get $d2)))
      (local.set $b (f32x4.mul (f32x4.sub (local.get $d3) (local.get $d1)) (v128.const f32x4 2 2 2 2)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.add (local.get $a) (local.get $b)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.sub (local.get $a) (local.get $b)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.add (f32x4.sub
        (f32x4.mul (local.get $d1) (v128.const f32x4 4 4 4 4)) (f32x4.mul (local.get $d3) (v128.const f32x4 5 5 5 5))) (local.get $d5)))
      (local.set $from (i32.add (local.get $from) (local.get $srcOuter)))
      (local.set $to (i32.add (local.get $to) (local.get $dstOuter)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br_if $each (local.get $count))))

  ;; As $bt, six vectors m times A^T into four: m0 + (m1 + m2) + (m3 + m4), (m1 - m2) + 2(m3 - m4),
  ;; (m1 + m2) + 4(m3 + m4), (m1 - m2) + 8(m3 - m4) + m5
  (func $at (param $from i32) (param $srcStep i32) (param $to i32) (param $dstStep i32)
    (param $count i32) (param $srcOuter i32) (param $dstOuter i32)
    (local $m0 v128) (local $m5 v128) (local $a v128) (local $b v128) (local $c v128) (local $e v128) (local $m v128)
    (local $src i32) (local $dst i32)
    (loop $each
      (local.set $src (local.get $from))
      (local.set $dst (local.get $to))
      (local.set $m0 (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $a (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $m (v128.load (local.get $src)))
      (local.set $c (f32x4.sub (local.get $a) (local.get $m)))
      (local.set $a (f32x4.add (local.get $a) (local.get $m)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $b (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $m (v128.load (local.get $src)))
      (local.set $e (f32x4.sub (local.get $b) (local.get $m)))
      (local.set $b (f32x4.add (local.get $b) (local.get $m)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $m5 (v128.load (local.get $src)))
      (v128.store (local.get $dst) (f32x4.add (f32x4.add (local.get $m0) (local.get $a)) (local.get $b)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.add (local.get $c) (f32x4.mul (local.get $e) (v128.const f32x4 2 2 2 2))))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.add (local.get $a) (f32x4.mul (local.get $b) (v128.const f32x4 4 4 4 4))))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.add (f32x4.add (local.get $c) (f32x4.mul (local.get $e) (v128.const f32x4 8 8 8 8))) (local.get $m5)))
      (local.set $from (i32.add (local.get $from) (local.get $srcOuter)))
      (local.set $to (i32.add (local.get $to) (local.get $dstOuter)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br_if $each (local.get $count))))

  ;; The column pass of the output transform, stored: for each of `count` columns (from, srcOuter bytes
  ;; apart), six vectors m (srcStep apart) times A^T, plus b, at least floor (0 for the ReLU, else -inf),
  ;; into y's column (to, dstOuter apart), of which the first `rows` rows (rowStep apart) lie inside y.
  (func $atStore (param $from i32) (param $srcStep i32) (param $to i32) (param $rowStep i32)
    (param $count i32) (param $srcOuter i32) (param $dstOuter i32) (param $rows i32) (param $b v128) (param $floor v128)
    (local $m0 v128) (local $m5 v128) (local $a v128) (local $bb v128) (local $c v128) (local $e v128) (local $m v128)
    (local $src i32) (local $dst i32)
    (loop $each
      (local.set $src (local.get $from))
      (local.set $m0 (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $a (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $m (v128.load (local.get $src)))
      (local.set $c (f32x4.sub (local.get $a) (local.get $m)))
      (local.set $a (f32x4.add (local.get $a) (local.get $m)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $bb (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $m (v128.load (local.get $src)))
      (local.set $e (f32x4.sub (local.get $bb) (local.get $m)))
      (local.set $bb (f32x4.add (local.get $bb) (local.get $m)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $m5 (v128.load (local.get $src)))
      (local.set $dst (local.get $to))
      (v128.store (local.get $dst) (f32x4.max (f32x4.add (f32x4.add (f32x4.add (local.get $m0) (local.get $a)) (local.get $bb)) (local.get $b)) (local.get $floor)))
      (if (i32.gt_u (local.get $rows) (i32.const 1)) (then
        (local.set $dst (i32.add (local.get $dst) (local.get $rowStep)))
        (v128.store (local.get $dst) (f32x4.max (f32x4.add (f32x4.add (local.get $c) (f32x4.mul (local.get $e) (v128.const f32x4 2 2 2 2))) (local.get $b)) (local.get $floor)))
        (if (i32.gt_u (local.get $rows) (i32.const 2)) (then
          (local.set $dst (i32.add (local.get $dst) (local.get $rowStep)))
          (v128.store (local.get $dst) (f32x4.max (f32x4.add (f32x4.add (local.get $a) (f32x4.mul (local.get $bb) (v128.const f32x4 4 4 4 4))) (local.get $b)) (local.get $floor)))
          (if (i32.gt_u (local.get $rows) (i32.const 3)) (then
            (local.set $dst (i32.add (local.get $dst) (local.get $rowStep)))
            (v128.store (local.get $dst) (f32x4.max (f32x4.add (f32x4.add (f32x4.add (local.get $c) (f32x4.mul (local.get $e) (v128.const f32x4 8 8 8 8))) (local.get $m5)) (local.get $b)) (local.get $floor)))))))))
      (local.set $from (i32.add (local.get $from) (local.get $srcOuter)))
      (local.set $to (i32.add (local.get $to) (local.get $dstOuter)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br_if $each (local.get $count))))

  ;; As $bt, four vectors y times A (the transpose of $at) into six: y0, (y0 + y2) +- (y1 + y3),
  ;; (y0 + 4y2) +- (2y1 + 8y3), y3
  (func $a (param $from i32) (param $srcStep i32) (param $to i32) (param $dstStep i32)
    (param $count i32) (param $srcOuter i32) (param $dstOuter i32)
    (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128) (local $a v128) (local $b v128)
    (local $src i32) (local $dst i32)
    (loop $each
      (local.set $src (local.get $from))
      (local.set $dst (local.get $to))
      (local.set $y0 (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $y1 (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $y2 (v128.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $srcStep)))
      (local.set $y3 (v128.load (local.get $src)))
      (v128.store (local.get $dst) (local.get $y0))
      (local.set $a (f32x4.add (local.get $y0) (local.get $y2)))
      (local.set $b (f32x4.add (local.get $y1) (local.get $y3)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.add (local.get $a) (local.get $b)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.sub (local.get $a) (local.get $b)))
      (local.set $a (f32x4.add (local.get $y0) (f32x4.mul (local.get $y2) (v128.const f32x4 4 4 4 4))))
      (local.set $b (f32x4.add (f32x4.add (local.get $y1) (local.get $y1)) (f32x4.mul (local.get $y3) (v128.const f32x4 8 8 8 8))))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.add (local.get $a) (local.get $b)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (f32x4.sub (local.get $a) (local.get $b)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStep)))
      (v128.store (local.get $dst) (local.get $y3))
      (local.set $from (i32.add (local.get $from) (local.get $srcOuter)))
      (local.set $to (i32.add (local.get $to) (local.get $dstOuter)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br_if $each (local.get $count))))

  ;; `count` zero vectors, step bytes apart from v.
  (func $zeros (param $v i32) (param $step i32) (param $count i32)
    (loop $z
      (v128.store (local.get $v) (v128.const i32x4 0 0 0 0))
      (local.set $v (i32.add (local.get $v) (local.get $step)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br_if $z (local.get $count))))

  ;; The rows [i0, i1) x columns [j0, j1) of a patch (element (i, j) at src + i srcRow + j srcCol) into
  ;; the same places of a dense one (dst + i dstRow + 16 j): what of a patch lies inside its tensor.
  ;; Addresses wrap as i32, so src may point before the tensor (a patch starting in the padding).
  (func $copyRect (param $src i32) (param $srcRow i32) (param $srcCol i32) (param $dst i32) (param $dstRow i32)
    (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32)
    (local $i i32) (local $j i32) (local $s i32) (local $d i32)
    (local.set $i (local.get $i0))
    (loop $rows
      (local.set $s (i32.add (local.get $src) (i32.add (i32.mul (local.get $i) (local.get $srcRow)) (i32.mul (local.get $j0) (local.get $srcCol)))))
      (local.set $d (i32.add (local.get $dst) (i32.add (i32.mul (local.get $i) (local.get $dstRow)) (i32.shl (local.get $j0) (i32.const 4)))))
      (local.set $j (local.get $j0))
      (loop $cols
        (v128.store (local.get $d) (v128.load (local.get $s)))
        (local.set $s (i32.add (local.get $s) (local.get $srcCol)))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $j1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $i1)))))

  ;; The first output column of tile t: (t / dw) * 4dw + t % dw.
  (func $tileColumn (param $t i32) (param $dw i32) (result i32)
    (i32.add (i32.mul (i32.div_u (local.get $t) (local.get $dw)) (i32.shl (local.get $dw) (i32.const 2)))
      (i32.rem_u (local.get $t) (local.get $dw))))

  ;; Of the 4 outputs a tile has along an axis from `at` (step d), how many lie before `extent`.
  (func $inside (param $at i32) (param $d i32) (param $extent i32) (result i32)
    (local $n i32)
    (if (i32.ge_s (local.get $at) (local.get $extent)) (then (return (i32.const 0))))
    (local.set $n (i32.div_u (i32.sub (i32.add (i32.sub (local.get $extent) (local.get $at)) (local.get $d)) (i32.const 1)) (local.get $d)))
    (select (i32.const 4) (local.get $n) (i32.gt_u (local.get $n) (i32.const 4))))

  ;; Which of the 6 patch rows (or columns) from `at`, step d, lie inside [0, extent): bit i for row i.
  (func $inside6 (param $at i32) (param $d i32) (param $extent i32) (result i32)
    (local $i i32) (local $bits i32)
    (loop $rows
      (if (i32.lt_u (local.get $at) (local.get $extent)) (then
        (local.set $bits (i32.or (local.get $bits) (i32.shl (i32.const 1) (local.get $i))))))
      (local.set $at (i32.add (local.get $at) (local.get $d)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (i32.const 6))))
    (local.get $bits))

  ;; Step 1 for one tile row: V[xi] planes xiStep bytes apart. The patches' rows start at ih0 (input
  ;; rows, may be negative: the convolution's padding) of image xImg (H x W x Ci), each column at the
  ;; tile's first output column less $left. A patch wholly inside x is read where it is; of one that
  ;; reaches into the padding, what lies inside is copied into tmp + 576, whose other places are zeroed
  ;; once a tile (the same for every channel). Tiles t >= T, and patches wholly in the padding, give
  ;; zeros. tmp: 36 vectors for the row pass.
  (func $inputTransform
    (param $xImg i32) (param $ih0 i32) (param $left i32) (param $H i32) (param $W i32) (param $V i32) (param $T i32) (param $Tpad i32)
    (param $ciBytes i32) (param $dh i32) (param $dw i32) (param $xiStep i32) (param $tmp i32)
    (local $t i32) (local $c i32) (local $v i32) (local $colStep i32) (local $rowBits i32) (local $colBits i32)
    (local $iw0 i32) (local $rs i32) (local $cs i32) (local $gather i32) (local $corner i32) (local $mode i32)
    (local $src i32) (local $srcRow i32) (local $srcCol i32) (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $j1 i32)
    (local.set $colStep (i32.mul (local.get $xiStep) (i32.const 6)))
    (local.set $rs (i32.mul (i32.mul (local.get $dh) (local.get $W)) (local.get $ciBytes)))
    (local.set $cs (i32.mul (local.get $dw) (local.get $ciBytes)))
    (local.set $gather (i32.add (local.get $tmp) (i32.const 576)))
    ;; the rows inside x: [i0, i1) (they are contiguous)
    (local.set $rowBits (call $inside6 (local.get $ih0) (local.get $dh) (local.get $H)))
    (local.set $i0 (i32.ctz (local.get $rowBits)))
    (local.set $i1 (i32.sub (i32.const 32) (i32.clz (local.get $rowBits))))
    (local.set $t (i32.const 0))
    (block $tDone (loop $tLoop
      (br_if $tDone (i32.ge_s (local.get $t) (local.get $Tpad)))
      (local.set $iw0 (i32.sub (call $tileColumn (local.get $t) (local.get $dw)) (local.get $left)))
      (local.set $colBits (call $inside6 (local.get $iw0) (local.get $dw) (local.get $W)))
      (local.set $j0 (i32.ctz (local.get $colBits)))
      (local.set $j1 (i32.sub (i32.const 32) (i32.clz (local.get $colBits))))
      ;; the patch's corner x[ih0, iw0] (maybe outside x); mode 0: zeros, 1: read in place, 2: gathered
      (local.set $corner (i32.add (local.get $xImg)
        (i32.mul (i32.add (i32.mul (local.get $ih0) (local.get $W)) (local.get $iw0)) (local.get $ciBytes))))
      (local.set $mode (i32.const 0))
      (if (i32.and (i32.lt_s (local.get $t) (local.get $T))
          (i32.and (i32.ne (local.get $rowBits) (i32.const 0)) (i32.ne (local.get $colBits) (i32.const 0)))) (then
        (local.set $mode (i32.const 1))
        (if (i32.eqz (i32.and (i32.eq (local.get $rowBits) (i32.const 63)) (i32.eq (local.get $colBits) (i32.const 63)))) (then
          (local.set $mode (i32.const 2))
          (call $zeros (local.get $gather) (i32.const 16) (i32.const 36))))))
      (local.set $c (i32.const 0))
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_s (local.get $c) (local.get $ciBytes)))
        (local.set $v (i32.add (local.get $V) (i32.add (i32.mul (local.get $t) (local.get $ciBytes)) (local.get $c))))
        (if (local.get $mode)
          (then
            (if (i32.eq (local.get $mode) (i32.const 1))
              (then
                (local.set $src (i32.add (local.get $corner) (local.get $c)))
                (local.set $srcRow (local.get $rs))
                (local.set $srcCol (local.get $cs)))
              (else
                (call $copyRect (i32.add (local.get $corner) (local.get $c)) (local.get $rs) (local.get $cs) (local.get $gather) (i32.const 96)
                  (local.get $i0) (local.get $i1) (local.get $j0) (local.get $j1))
                (local.set $src (local.get $gather))
                (local.set $srcRow (i32.const 96))
                (local.set $srcCol (i32.const 16))))
            ;; each patch row times B into tmp[row][6], then B^T times tmp's columns into V[6 * row + column]
            (call $bt (local.get $src) (local.get $srcCol) (local.get $tmp) (i32.const 16)
              (i32.const 6) (local.get $srcRow) (i32.const 96))
            (call $bt (local.get $tmp) (i32.const 96) (local.get $v) (local.get $colStep)
              (i32.const 6) (i32.const 16) (local.get $xiStep)))
          (else (call $zeros (local.get $v) (local.get $xiStep) (i32.const 36))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cLoop)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tLoop))))

  ;; Step 2: M[xi] = V[xi] u[xi] for the 36 xi, blocks of 4 tiles x 8 output channels.
  (func $multiply (param $V i32) (param $u i32) (param $M i32) (param $Tpad i32) (param $Ci i32) (param $Co i32)
    (param $vStep i32) (param $mStep i32)
    (local $xi i32) (local $t i32) (local $co i32) (local $vp i32) (local $up i32) (local $mp i32) (local $end i32)
    (local $Vx i32) (local $Ux i32) (local $Mx i32)
    (local $ciBytes i32) (local $coBytes i32) (local $step2 i32) (local $step3 i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $w0 v128) (local $w1 v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $ciBytes (i32.shl (local.get $Ci) (i32.const 2)))
    (local.set $coBytes (i32.shl (local.get $Co) (i32.const 2)))
    (local.set $step2 (i32.shl (local.get $ciBytes) (i32.const 1)))
    (local.set $step3 (i32.mul (local.get $ciBytes) (i32.const 3)))
    (local.set $xi (i32.const 0))
    (block $xiDone (loop $xiLoop
      (br_if $xiDone (i32.ge_s (local.get $xi) (i32.const 36)))
      (local.set $Vx (i32.add (local.get $V) (i32.mul (local.get $xi) (local.get $vStep))))
      (local.set $Ux (i32.add (local.get $u) (i32.mul (local.get $xi) (i32.mul (local.get $Ci) (local.get $coBytes)))))
      (local.set $Mx (i32.add (local.get $M) (i32.mul (local.get $xi) (local.get $mStep))))
      (local.set $t (i32.const 0))
      (block $tDone (loop $tLoop
        (br_if $tDone (i32.ge_s (local.get $t) (local.get $Tpad)))
        (local.set $co (i32.const 0))
        (block $coDone (loop $coLoop
          (br_if $coDone (i32.ge_s (local.get $co) (local.get $Co)))
          (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
          (local.set $a10 (v128.const i32x4 0 0 0 0)) (local.set $a11 (v128.const i32x4 0 0 0 0))
          (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a21 (v128.const i32x4 0 0 0 0))
          (local.set $a30 (v128.const i32x4 0 0 0 0)) (local.set $a31 (v128.const i32x4 0 0 0 0))
          ;; vp: V[xi][t][0]; up: u[xi][0][co]
          (local.set $vp (i32.add (local.get $Vx) (i32.mul (local.get $t) (local.get $ciBytes))))
          (local.set $up (i32.add (local.get $Ux) (i32.shl (local.get $co) (i32.const 2))))
          (local.set $end (i32.add (local.get $vp) (local.get $ciBytes)))
          (loop $ciLoop
            (local.set $w0 (v128.load offset=0 (local.get $up)))
            (local.set $w1 (v128.load offset=16 (local.get $up)))
            (local.set $s0 (v128.load32_splat (local.get $vp)))
            (local.set $s1 (v128.load32_splat (i32.add (local.get $vp) (local.get $ciBytes))))
            (local.set $s2 (v128.load32_splat (i32.add (local.get $vp) (local.get $step2))))
            (local.set $s3 (v128.load32_splat (i32.add (local.get $vp) (local.get $step3))))
            (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s0) (local.get $w0))))
            (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s0) (local.get $w1))))
            (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s1) (local.get $w0))))
            (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s1) (local.get $w1))))
            (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s2) (local.get $w0))))
            (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s2) (local.get $w1))))
            (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s3) (local.get $w0))))
            (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s3) (local.get $w1))))
            (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
            (local.set $up (i32.add (local.get $up) (local.get $coBytes)))
            (br_if $ciLoop (i32.lt_u (local.get $vp) (local.get $end))))
          ;; mp: M[xi][t][co]
          (local.set $mp (i32.add (local.get $Mx) (i32.shl (i32.add (i32.mul (local.get $t) (local.get $Co)) (local.get $co)) (i32.const 2))))
          (v128.store offset=0 (local.get $mp) (local.get $a00))
          (v128.store offset=16 (local.get $mp) (local.get $a01))
          (local.set $mp (i32.add (local.get $mp) (local.get $coBytes)))
          (v128.store offset=0 (local.get $mp) (local.get $a10))
          (v128.store offset=16 (local.get $mp) (local.get $a11))
          (local.set $mp (i32.add (local.get $mp) (local.get $coBytes)))
          (v128.store offset=0 (local.get $mp) (local.get $a20))
          (v128.store offset=16 (local.get $mp) (local.get $a21))
          (local.set $mp (i32.add (local.get $mp) (local.get $coBytes)))
          (v128.store offset=0 (local.get $mp) (local.get $a30))
          (v128.store offset=16 (local.get $mp) (local.get $a31))
          (local.set $co (i32.add (local.get $co) (i32.const 8)))
          (br $coLoop)))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $tLoop)))
      (local.set $xi (i32.add (local.get $xi) (i32.const 1)))
      (br $xiLoop))))

  ;; Step 3 for one tile row: y = act(bias + A^T M A). yRow: y[n, oh0, 0]; rows: how many of the tile's
  ;; 4 output rows lie inside the output, rowStep bytes apart. tmp: 24 vectors.
  (func $outputTransform
    (param $M i32) (param $yRow i32) (param $bias i32) (param $T i32) (param $coBytes i32)
    (param $rows i32) (param $rowStep i32) (param $OW i32) (param $dw i32) (param $relu i32) (param $xiStep i32) (param $tmp i32)
    (local $t i32) (local $c i32) (local $ow0 i32) (local $cols i32) (local $colStep i32) (local $rowStep6 i32)
    (local $b v128) (local $floor v128)
    (local.set $colStep (i32.mul (local.get $dw) (local.get $coBytes)))
    (local.set $rowStep6 (i32.mul (local.get $xiStep) (i32.const 6)))
    (local.set $floor (select (v128.const i32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (local.get $relu)))
    (local.set $b (v128.const i32x4 0 0 0 0))
    (local.set $t (i32.const 0))
    (block $tDone (loop $tLoop
      (br_if $tDone (i32.ge_s (local.get $t) (local.get $T)))
      (local.set $ow0 (call $tileColumn (local.get $t) (local.get $dw)))
      (local.set $cols (call $inside (local.get $ow0) (local.get $dw) (local.get $OW)))
      (if (local.get $cols) (then
        (local.set $c (i32.const 0))
        (block $cDone (loop $cLoop
          (br_if $cDone (i32.ge_s (local.get $c) (local.get $coBytes)))
          (if (local.get $bias) (then (local.set $b (v128.load (i32.add (local.get $bias) (local.get $c))))))
          ;; each row of M times A into tmp[row][4], then A^T times tmp's columns into y
          (call $at (i32.add (local.get $M) (i32.add (i32.mul (local.get $t) (local.get $coBytes)) (local.get $c))) (local.get $xiStep)
            (local.get $tmp) (i32.const 16) (i32.const 6) (local.get $rowStep6) (i32.const 64))
          (call $atStore (local.get $tmp) (i32.const 64)
            (i32.add (local.get $yRow) (i32.add (i32.mul (local.get $ow0) (local.get $coBytes)) (local.get $c))) (local.get $rowStep)
            (local.get $cols) (i32.const 16) (local.get $colStep) (local.get $rows) (local.get $b) (local.get $floor))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br $cLoop)))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tLoop))))

  ;; Tile rows an image and tiles a row along an axis of `extent` outputs at dilation d: ceil(extent / 4d) * d.
  (func $tiles (param $extent i32) (param $d i32) (result i32)
    (i32.mul (i32.div_u (i32.add (local.get $extent) (i32.sub (i32.shl (local.get $d) (i32.const 2)) (i32.const 1)))
      (i32.shl (local.get $d) (i32.const 2))) (local.get $d)))

  (func (export "conv2dWinograd")
    (param $x i32) (param $u i32) (param $bias i32) (param $y i32) (param $scratch i32)
    (param $H i32) (param $W i32) (param $Ci i32) (param $Co i32) (param $dh i32) (param $dw i32)
    (param $OH i32) (param $OW i32) (param $top i32) (param $left i32) (param $from i32) (param $to i32) (param $relu i32)
    (local $R i32) (local $T i32) (local $Tpad i32) (local $ciBytes i32) (local $coBytes i32)
    (local $r i32) (local $n i32) (local $rr i32) (local $oh0 i32) (local $V i32) (local $M i32) (local $vStep i32) (local $mStep i32)
    (local.set $ciBytes (i32.shl (local.get $Ci) (i32.const 2)))
    (local.set $coBytes (i32.shl (local.get $Co) (i32.const 2)))
    (local.set $R (call $tiles (local.get $OH) (local.get $dh)))
    (local.set $T (call $tiles (local.get $OW) (local.get $dw)))
    (local.set $Tpad (i32.and (i32.add (local.get $T) (i32.const 3)) (i32.const -4)))
    ;; planes a cache line more than they hold: planes a multiple of 4 KiB apart would share a cache set
    (local.set $vStep (i32.add (i32.mul (local.get $Tpad) (local.get $ciBytes)) (i32.const 64)))
    (local.set $mStep (i32.add (i32.mul (local.get $Tpad) (local.get $coBytes)) (i32.const 64)))
    (local.set $V (i32.add (local.get $scratch) (i32.const 1152)))
    (local.set $M (i32.add (local.get $V) (i32.mul (local.get $vStep) (i32.const 36))))
    (local.set $r (local.get $from))
    (block $rDone (loop $rLoop
      (br_if $rDone (i32.ge_s (local.get $r) (local.get $to)))
      (local.set $n (i32.div_u (local.get $r) (local.get $R)))
      (local.set $rr (i32.rem_u (local.get $r) (local.get $R)))
      (local.set $oh0 (call $tileColumn (local.get $rr) (local.get $dh)))
      (if (i32.lt_s (local.get $oh0) (local.get $OH)) (then
        (call $inputTransform
          (i32.add (local.get $x) (i32.mul (i32.mul (i32.mul (local.get $n) (local.get $H)) (local.get $W)) (local.get $ciBytes)))
          (i32.sub (local.get $oh0) (local.get $top)) (local.get $left) (local.get $H) (local.get $W)
          (local.get $V) (local.get $T) (local.get $Tpad) (local.get $ciBytes) (local.get $dh) (local.get $dw)
          (local.get $vStep) (local.get $scratch))
        (call $multiply (local.get $V) (local.get $u) (local.get $M) (local.get $Tpad) (local.get $Ci) (local.get $Co) (local.get $vStep) (local.get $mStep))
        (call $outputTransform
          (local.get $M)
          (i32.add (local.get $y) (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oh0)) (local.get $OW)) (local.get $coBytes)))
          (local.get $bias) (local.get $T) (local.get $coBytes)
          (call $inside (local.get $oh0) (local.get $dh) (local.get $OH)) (i32.mul (i32.mul (local.get $dh) (local.get $OW)) (local.get $coBytes))
          (local.get $OW) (local.get $dw) (local.get $relu) (local.get $mStep) (local.get $scratch))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rLoop))))

  ;; ---- The filter gradient, by the same tiles (Winograd's F(3x3, 4x4), the transpose of F(4x4, 3x3)):
  ;;   dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh + kh*dh - top, ow + kw*dw - left, ci] * dy[n, oh, ow, co]
  ;;                      = (G^T P G)[kh][kw] with P[xi][ci][co] = sum over tiles of V[xi][t][ci] Z[xi][t][co],
  ;; V the input transform above and Z = A dy A^T of the tile's 4x4 of dy (zeros outside the output).
  ;; P accumulates in the caller's [36][Ci][Co] (zeroed by the caller); G^T P G is the caller's.

  ;; Z[xi][t][co] = (A y A^T)[xi] for the 4x4 of dy of each tile of one tile row (dyRow: dy[n, oh0, 0]);
  ;; rows: how many of the tile's 4 rows of dy lie inside it, rowStep bytes apart. A tile wholly inside
  ;; dy is read where it is; of one that is not, what lies inside is copied into tmp (16 vectors, the
  ;; rest zeroed once a tile). tmp + 576: 24 vectors for the row pass.
  (func $dyTransform
    (param $dyRow i32) (param $rows i32) (param $rowStep i32) (param $Z i32) (param $T i32) (param $Tpad i32)
    (param $coBytes i32) (param $OW i32) (param $dw i32) (param $xiStep i32) (param $tmp i32)
    (local $t i32) (local $c i32) (local $z i32) (local $ow0 i32) (local $cols i32) (local $colStep i32)
    (local $mid i32) (local $rowStep6 i32) (local $full i32) (local $src i32) (local $srcRow i32) (local $srcCol i32)
    (local.set $colStep (i32.mul (local.get $dw) (local.get $coBytes)))
    (local.set $rowStep6 (i32.mul (local.get $xiStep) (i32.const 6)))
    (local.set $mid (i32.add (local.get $tmp) (i32.const 576)))
    (local.set $t (i32.const 0))
    (block $tDone (loop $tLoop
      (br_if $tDone (i32.ge_s (local.get $t) (local.get $Tpad)))
      (local.set $ow0 (call $tileColumn (local.get $t) (local.get $dw)))
      (local.set $cols (i32.const 0))
      (if (i32.lt_s (local.get $t) (local.get $T)) (then (local.set $cols (call $inside (local.get $ow0) (local.get $dw) (local.get $OW)))))
      (local.set $full (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.eq (local.get $cols) (i32.const 4))))
      (if (i32.and (i32.ne (local.get $cols) (i32.const 0)) (i32.eqz (local.get $full))) (then
        (call $zeros (local.get $tmp) (i32.const 16) (i32.const 16))))
      (local.set $c (i32.const 0))
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_s (local.get $c) (local.get $coBytes)))
        (local.set $z (i32.add (local.get $Z) (i32.add (i32.mul (local.get $t) (local.get $coBytes)) (local.get $c))))
        (if (local.get $cols)
          (then
            (local.set $src (i32.add (local.get $dyRow) (i32.add (i32.mul (local.get $ow0) (local.get $coBytes)) (local.get $c))))
            (local.set $srcRow (local.get $rowStep))
            (local.set $srcCol (local.get $colStep))
            (if (i32.eqz (local.get $full)) (then
              (call $copyRect (local.get $src) (local.get $rowStep) (local.get $colStep) (local.get $tmp) (i32.const 64)
                (i32.const 0) (local.get $rows) (i32.const 0) (local.get $cols))
              (local.set $src (local.get $tmp))
              (local.set $srcRow (i32.const 64))
              (local.set $srcCol (i32.const 16))))
            ;; each row times A^T into mid[row][6], then A times mid's columns into Z[6 * row + column]
            (call $a (local.get $src) (local.get $srcCol) (local.get $mid) (i32.const 16)
              (i32.const 4) (local.get $srcRow) (i32.const 96))
            (call $a (local.get $mid) (i32.const 96) (local.get $z) (local.get $rowStep6)
              (i32.const 6) (i32.const 16) (local.get $xiStep)))
          (else (call $zeros (local.get $z) (local.get $xiStep) (i32.const 36))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cLoop)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tLoop))))

  ;; P[xi] += V[xi]^T Z[xi] over `tiles` tiles, blocks of 4 input x 8 output channels (V and Z planes
  ;; vStep and zStep bytes apart).
  (func $accumulate (param $V i32) (param $Z i32) (param $P i32) (param $tiles i32) (param $Ci i32) (param $Co i32)
    (param $vStep i32) (param $zStep i32)
    (local $xi i32) (local $ci i32) (local $co i32) (local $vp i32) (local $zp i32) (local $pp i32) (local $end i32)
    (local $Vx i32) (local $Zx i32) (local $Px i32) (local $ciBytes i32) (local $coBytes i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $w0 v128) (local $w1 v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $ciBytes (i32.shl (local.get $Ci) (i32.const 2)))
    (local.set $coBytes (i32.shl (local.get $Co) (i32.const 2)))
    (local.set $xi (i32.const 0))
    (block $xiDone (loop $xiLoop
      (br_if $xiDone (i32.ge_s (local.get $xi) (i32.const 36)))
      (local.set $Vx (i32.add (local.get $V) (i32.mul (local.get $xi) (local.get $vStep))))
      (local.set $Zx (i32.add (local.get $Z) (i32.mul (local.get $xi) (local.get $zStep))))
      (local.set $Px (i32.add (local.get $P) (i32.mul (local.get $xi) (i32.mul (local.get $Ci) (local.get $coBytes)))))
      (local.set $ci (i32.const 0))
      (block $ciDone (loop $ciLoop
        (br_if $ciDone (i32.ge_s (local.get $ci) (local.get $Ci)))
        (local.set $co (i32.const 0))
        (block $coDone (loop $coLoop
          (br_if $coDone (i32.ge_s (local.get $co) (local.get $Co)))
          ;; pp: P[xi][ci][co]
          (local.set $pp (i32.add (local.get $Px) (i32.shl (i32.add (i32.mul (local.get $ci) (local.get $Co)) (local.get $co)) (i32.const 2))))
          (local.set $a00 (v128.load offset=0 (local.get $pp)))
          (local.set $a01 (v128.load offset=16 (local.get $pp)))
          (local.set $a10 (v128.load offset=0 (i32.add (local.get $pp) (local.get $coBytes))))
          (local.set $a11 (v128.load offset=16 (i32.add (local.get $pp) (local.get $coBytes))))
          (local.set $a20 (v128.load offset=0 (i32.add (local.get $pp) (i32.shl (local.get $coBytes) (i32.const 1)))))
          (local.set $a21 (v128.load offset=16 (i32.add (local.get $pp) (i32.shl (local.get $coBytes) (i32.const 1)))))
          (local.set $a30 (v128.load offset=0 (i32.add (local.get $pp) (i32.mul (local.get $coBytes) (i32.const 3)))))
          (local.set $a31 (v128.load offset=16 (i32.add (local.get $pp) (i32.mul (local.get $coBytes) (i32.const 3)))))
          ;; vp: V[xi][0][ci]; zp: Z[xi][0][co]
          (local.set $vp (i32.add (local.get $Vx) (i32.shl (local.get $ci) (i32.const 2))))
          (local.set $zp (i32.add (local.get $Zx) (i32.shl (local.get $co) (i32.const 2))))
          (local.set $end (i32.add (local.get $vp) (i32.mul (local.get $tiles) (local.get $ciBytes))))
          (loop $tLoop
            (local.set $w0 (v128.load offset=0 (local.get $zp)))
            (local.set $w1 (v128.load offset=16 (local.get $zp)))
            (local.set $s0 (v128.load32_splat offset=0 (local.get $vp)))
            (local.set $s1 (v128.load32_splat offset=4 (local.get $vp)))
            (local.set $s2 (v128.load32_splat offset=8 (local.get $vp)))
            (local.set $s3 (v128.load32_splat offset=12 (local.get $vp)))
            (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s0) (local.get $w0))))
            (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s0) (local.get $w1))))
            (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s1) (local.get $w0))))
            (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s1) (local.get $w1))))
            (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s2) (local.get $w0))))
            (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s2) (local.get $w1))))
            (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s3) (local.get $w0))))
            (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s3) (local.get $w1))))
            (local.set $vp (i32.add (local.get $vp) (local.get $ciBytes)))
            (local.set $zp (i32.add (local.get $zp) (local.get $coBytes)))
            (br_if $tLoop (i32.lt_u (local.get $vp) (local.get $end))))
          (v128.store offset=0 (local.get $pp) (local.get $a00))
          (v128.store offset=16 (local.get $pp) (local.get $a01))
          (v128.store offset=0 (i32.add (local.get $pp) (local.get $coBytes)) (local.get $a10))
          (v128.store offset=16 (i32.add (local.get $pp) (local.get $coBytes)) (local.get $a11))
          (v128.store offset=0 (i32.add (local.get $pp) (i32.shl (local.get $coBytes) (i32.const 1))) (local.get $a20))
          (v128.store offset=16 (i32.add (local.get $pp) (i32.shl (local.get $coBytes) (i32.const 1))) (local.get $a21))
          (v128.store offset=0 (i32.add (local.get $pp) (i32.mul (local.get $coBytes) (i32.const 3))) (local.get $a30))
          (v128.store offset=16 (i32.add (local.get $pp) (i32.mul (local.get $coBytes) (i32.const 3))) (local.get $a31))
          (local.set $co (i32.add (local.get $co) (i32.const 8)))
          (br $coLoop)))
        (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
        (br $ciLoop)))
      (local.set $xi (i32.add (local.get $xi) (i32.const 1)))
      (br $xiLoop))))

  ;; P for the tile rows [from, to) of all images (x read as in the convolution), `rowsPerPass`
  ;; tile rows to a pass over P (scratch: the transforms' 72 vectors, then V and Z, 36 planes each of
  ;; rowsPerPass * Tpad tiles and a cache line).
  (func (export "conv2dWinogradFilterGrad")
    (param $x i32) (param $dy i32) (param $P i32) (param $scratch i32)
    (param $H i32) (param $W i32) (param $Ci i32) (param $Co i32) (param $dh i32) (param $dw i32)
    (param $OH i32) (param $OW i32) (param $top i32) (param $left i32) (param $from i32) (param $to i32) (param $rowsPerPass i32)
    (local $R i32) (local $T i32) (local $Tpad i32) (local $ciBytes i32) (local $coBytes i32)
    (local $r i32) (local $n i32) (local $rr i32) (local $oh0 i32) (local $V i32) (local $Z i32) (local $rows i32)
    (local $vStep i32) (local $zStep i32)
    (local.set $ciBytes (i32.shl (local.get $Ci) (i32.const 2)))
    (local.set $coBytes (i32.shl (local.get $Co) (i32.const 2)))
    (local.set $R (call $tiles (local.get $OH) (local.get $dh)))
    (local.set $T (call $tiles (local.get $OW) (local.get $dw)))
    (local.set $Tpad (i32.and (i32.add (local.get $T) (i32.const 3)) (i32.const -4)))
    (local.set $vStep (i32.add (i32.mul (i32.mul (local.get $rowsPerPass) (local.get $Tpad)) (local.get $ciBytes)) (i32.const 64)))
    (local.set $zStep (i32.add (i32.mul (i32.mul (local.get $rowsPerPass) (local.get $Tpad)) (local.get $coBytes)) (i32.const 64)))
    (local.set $V (i32.add (local.get $scratch) (i32.const 1152)))
    (local.set $Z (i32.add (local.get $V) (i32.mul (local.get $vStep) (i32.const 36))))
    (local.set $rows (i32.const 0))
    (local.set $r (local.get $from))
    (block $rDone (loop $rLoop
      (br_if $rDone (i32.ge_s (local.get $r) (local.get $to)))
      (local.set $n (i32.div_u (local.get $r) (local.get $R)))
      (local.set $rr (i32.rem_u (local.get $r) (local.get $R)))
      (local.set $oh0 (call $tileColumn (local.get $rr) (local.get $dh)))
      ;; a tile row wholly below the output adds nothing
      (if (i32.lt_s (local.get $oh0) (local.get $OH)) (then
        (call $inputTransform
          (i32.add (local.get $x) (i32.mul (i32.mul (i32.mul (local.get $n) (local.get $H)) (local.get $W)) (local.get $ciBytes)))
          (i32.sub (local.get $oh0) (local.get $top)) (local.get $left) (local.get $H) (local.get $W)
          (i32.add (local.get $V) (i32.mul (i32.mul (local.get $rows) (local.get $Tpad)) (local.get $ciBytes)))
          (local.get $T) (local.get $Tpad) (local.get $ciBytes) (local.get $dh) (local.get $dw)
          (local.get $vStep) (local.get $scratch))
        (call $dyTransform
          (i32.add (local.get $dy) (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oh0)) (local.get $OW)) (local.get $coBytes)))
          (call $inside (local.get $oh0) (local.get $dh) (local.get $OH)) (i32.mul (i32.mul (local.get $dh) (local.get $OW)) (local.get $coBytes))
          (i32.add (local.get $Z) (i32.mul (i32.mul (local.get $rows) (local.get $Tpad)) (local.get $coBytes)))
          (local.get $T) (local.get $Tpad) (local.get $coBytes) (local.get $OW) (local.get $dw) (local.get $zStep) (local.get $scratch))
        (local.set $rows (i32.add (local.get $rows) (i32.const 1)))
        (if (i32.eq (local.get $rows) (local.get $rowsPerPass)) (then
          (call $accumulate (local.get $V) (local.get $Z) (local.get $P) (i32.mul (local.get $rows) (local.get $Tpad))
            (local.get $Ci) (local.get $Co) (local.get $vStep) (local.get $zStep))
          (local.set $rows (i32.const 0))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rLoop)))
    (if (local.get $rows) (then
      (call $accumulate (local.get $V) (local.get $Z) (local.get $P) (i32.mul (local.get $rows) (local.get $Tpad))
        (local.get $Ci) (local.get $Co) (local.get $vStep) (local.get $zStep)))))
)
