import { invalid, requireInteger } from './params'

export type WindowName = 'hann' | 'hamming'

/** Generalised cosine coefficients a0 - (1 - a0) cos: scipy.signal.windows.hann / hamming. */
const A0: Record<WindowName, number> = { hann: 0.5, hamming: 0.54 }

/**
 * The periodic window of `length` samples: scipy.signal.get_window(name, length, fftbins=True),
 * which librosa.filters.get_window calls (the symmetric window of length + 1, last sample dropped).
 */
export function getWindow(name: WindowName, length: number): Float64Array {
  const a0 = A0[name]
  if (a0 === undefined) throw invalid(`window must be 'hann' or 'hamming': got ${String(name)}`)
  requireInteger('win_length', length, 1)
  const w = new Float64Array(length)
  if (length === 1) return w.fill(1) // scipy's length guard
  for (let n = 0; n < length; n++) w[n] = a0 - (1 - a0) * Math.cos((2 * Math.PI * n) / length)
  return w
}

/** Zero-pads `data` to `size`, centred with the extra sample on the right: librosa.util.pad_center. */
export function padCenter(data: Float64Array, size: number): Float64Array {
  if (size < data.length) {
    throw invalid(`win_length (${data.length}) must not exceed n_fft (${size}); use win_length <= n_fft`)
  }
  const out = new Float64Array(size)
  out.set(data, Math.floor((size - data.length) / 2))
  return out
}

/** The analysis window of librosa.stft: get_window(window, win_length) padded to n_fft. */
export function fftWindow(name: WindowName, winLength: number, nFft: number): Float64Array {
  return padCenter(getWindow(name, winLength), nFft)
}
