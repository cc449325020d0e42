/**
 * The geometry of "a convolution's filter gradient is itself a convolution".
 *
 * For one spatial axis of a forward convolution (input size `inSize`, leading pad `padBefore`,
 * stride s, dilation d, filter size f, output size `outSize`) the filter gradient is
 *
 *   dW[k] = sum_{b, o} x[b, o*s + k*d - padBefore] * dy[b, o]
 *
 * which is a convolution of x (batch and channel axes swapped) with dy as the filter, where the
 * roles of stride and dilation swap: stride d, dilation s. Its output has exactly f positions when
 * the input axis is padded (or cropped) to the extent the forward pass read:
 * (outSize - 1) * s + (f - 1) * d + 1 positions starting at -padBefore.
 */
export interface AxisPlan {
  /** Zeros before the input (the forward pass's leading pad). */
  padBefore: number
  /** Zeros after the input; 0 when the input has to be cropped instead. */
  padAfter: number
  /** How many input positions to keep (the input is cropped at the end when the forward pass never read its tail). */
  keep: number
  /** Stride and dilation of the gradient convolution along this axis. */
  stride: number
  dilation: number
}

export function planFilterGradAxis(inSize: number, padBefore: number, stride: number, dilation: number, filterSize: number, outSize: number): AxisPlan {
  const extent = (outSize - 1) * stride + (filterSize - 1) * dilation + 1
  const after = extent - padBefore - inSize
  return {
    padBefore,
    padAfter: Math.max(0, after),
    keep: after < 0 ? inSize + after : inSize,
    stride: dilation,
    dilation: stride,
  }
}

/**
 * The geometry of the input gradient of a stride-1 dilated convolution: a convolution of dy,
 * padded by `padBefore`/`padAfter`, with the spatially flipped filter (in and out channels
 * swapped) at the same dilation.
 */
export function planInputGradAxis(inSize: number, padBefore: number, dilation: number, filterSize: number, outSize: number): { padBefore: number; padAfter: number } {
  const reach = (filterSize - 1) * dilation
  return { padBefore: reach - padBefore, padAfter: inSize - outSize + padBefore }
}
