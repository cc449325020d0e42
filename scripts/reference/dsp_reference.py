#!/usr/bin/env python3
"""Reference values for main/dsp/features, written to test/fixtures/dsp/*.json.

librosa is not a dependency: its definitions (librosa 0.10: filters.mel, stft, power_to_db,
feature.delta, feature.melspectrogram) are written out here with numpy and scipy, in float64.
The tests read the committed JSON; run this only to regenerate it:

    python3 scripts/reference/dsp_reference.py
"""

import json
import math
from pathlib import Path

import numpy as np
import scipy.signal

OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "dsp"


# --- librosa.core.convert ---------------------------------------------------------------------

def hz_to_mel(f, htk=False):
    f = np.asarray(f, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, min_log_hz) / min_log_hz) / logstep, mels)


def mel_to_hz(m, htk=False):
    m = np.asarray(m, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    f_sp = 200.0 / 3
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_frequencies(n_mels, fmin, fmax, htk=False):
    return mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels), htk)


# --- librosa.filters.mel ----------------------------------------------------------------------

def filters_mel(sr, n_fft, n_mels=128, fmin=0.0, fmax=None, htk=False, norm="slaney"):
    fmax = sr / 2 if fmax is None else fmax
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_frequencies(n_mels + 2, fmin, fmax, htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    weights = np.zeros((n_mels, 1 + n_fft // 2))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    if norm == "slaney":
        weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, np.newaxis]
    return weights


# --- librosa.stft (center=True, pad_mode='constant') ------------------------------------------

def window(name, win_length, n_fft):
    w = scipy.signal.get_window(name, win_length, fftbins=True)
    lpad = (n_fft - win_length) // 2
    return np.pad(w, (lpad, n_fft - win_length - lpad))


def stft(y, n_fft, hop, win_length=None, name="hann", center=True):
    w = window(name, win_length or n_fft, n_fft)
    if center:
        y = np.pad(y, n_fft // 2, mode="constant")
    frames = 1 + (len(y) - n_fft) // hop
    return np.stack([np.fft.rfft(w * y[t * hop : t * hop + n_fft]) for t in range(frames)], axis=1)


# --- librosa.power_to_db, feature.delta, feature.melspectrogram -------------------------------

def power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0):
    ref_value = ref(S) if callable(ref) else np.abs(ref)
    log_spec = 10.0 * np.log10(np.maximum(amin, S)) - 10.0 * np.log10(np.maximum(amin, ref_value))
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def delta(data, width=9, order=1):
    return scipy.signal.savgol_filter(data, width, polyorder=order, deriv=order, axis=-1, mode="interp")


def log_mel(y, sr, n_fft, hop, n_mels):
    S = np.abs(stft(y, n_fft, hop)) ** 2
    return power_to_db(filters_mel(sr, n_fft, n_mels) @ S)


# --- Signals the tests rebuild themselves (float32, formulas repeated in the tests) -----------

def test_signal(n):
    """0.6 cos(2 pi 0.05 n) + 0.3 sin(2 pi 0.13 n + 0.4) + 0.1 cos(2 pi 0.31 n), as float32."""
    i = np.arange(n)
    y = 0.6 * np.cos(2 * np.pi * 0.05 * i) + 0.3 * np.sin(2 * np.pi * 0.13 * i + 0.4) + 0.1 * np.cos(2 * np.pi * 0.31 * i)
    return y.astype(np.float32)


def chirp(sr, seconds, f0, f1):
    """0.5 sin(2 pi (f0 t + (f1 - f0) t^2 / (2 T))), a linear chirp, as float32."""
    t = np.arange(int(sr * seconds)) / sr
    return (0.5 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds)))).astype(np.float32)


def ramp_data(rows, cols):
    """A deterministic non-polynomial matrix: sin(0.7 c + r) + 0.05 c^2 / (r + 1)."""
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    return np.sin(0.7 * c + r) + 0.05 * c * c / (r + 1)


# --- Output -----------------------------------------------------------------------------------

def rounded(a, digits=10):
    """Nested lists with `digits` significant digits: ample for float32 comparisons, small files."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return float(f"{float(a):.{digits}g}")
    return [rounded(x, digits) for x in a]


def sparse_rows(weights):
    """Each filter as its first nonzero bin and the weights from there to its last nonzero bin."""
    rows = []
    for w in weights:
        nz = np.nonzero(w)[0]
        start, end = (int(nz[0]), int(nz[-1]) + 1) if len(nz) else (0, 0)
        rows.append({"start": start, "weights": rounded(w[start:end])})
    return rows


def write(name, value):
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_text(json.dumps(value, separators=(",", ":")) + "\n")


def main():
    freqs = [0.0, 100.0, 440.0, 999.0, 1000.0, 1001.0, 4000.0, 11025.0]
    mel_settings = [
        dict(sr=22050, n_fft=2048, n_mels=128, fmin=0.0, fmax=11025.0, htk=False, norm="slaney"),
        dict(sr=22050, n_fft=1024, n_mels=64, fmin=0.0, fmax=11025.0, htk=False, norm="slaney"),
        dict(sr=16000, n_fft=512, n_mels=40, fmin=20.0, fmax=7600.0, htk=True, norm=None),
        dict(sr=8000, n_fft=256, n_mels=20, fmin=100.0, fmax=4000.0, htk=False, norm=None),
        dict(sr=8000, n_fft=256, n_mels=20, fmin=100.0, fmax=4000.0, htk=True, norm="slaney"),
    ]
    write("mel.json", {
        "hz": freqs,
        "slaney": rounded(hz_to_mel(freqs)),
        "htk": rounded(hz_to_mel(freqs, htk=True)),
        "melFrequencies": {"nMels": 10, "fMin": 30.0, "fMax": 8000.0,
                           "slaney": rounded(mel_frequencies(10, 30.0, 8000.0)),
                           "htk": rounded(mel_frequencies(10, 30.0, 8000.0, htk=True))},
        "filterbanks": [dict(s, rows=sparse_rows(filters_mel(**s))) for s in mel_settings],
    })

    n = 301
    y = test_signal(n)
    stft_settings = [
        dict(n_fft=64, hop=16, win_length=64, window="hann", center=True),
        dict(n_fft=64, hop=24, win_length=64, window="hamming", center=True),
        dict(n_fft=64, hop=20, win_length=40, window="hann", center=True),
        dict(n_fft=32, hop=8, win_length=32, window="hamming", center=False),
    ]
    stfts = []
    for s in stft_settings:
        D = stft(y.astype(np.float64), s["n_fft"], s["hop"], s["win_length"], s["window"], s["center"])
        stfts.append(dict(s, frames=D.shape[1], re=rounded(D.real), im=rounded(D.imag)))
    windows = {name: rounded(scipy.signal.get_window(name, 12, fftbins=True)) for name in ("hann", "hamming")}
    write("stft.json", {"length": n, "head": rounded(y[:8]), "windows": windows, "cases": stfts})

    S = np.array([0.0, 1e-12, 1e-10, 1e-9, 1e-3, 0.5, 1.0, 2.0, 100.0, 12345.0])
    write("db.json", {
        "S": S.tolist(),
        "cases": [
            {"ref": 1.0, "amin": 1e-10, "topDb": 80.0, "out": rounded(power_to_db(S))},
            {"ref": 1.0, "amin": 1e-10, "topDb": None, "out": rounded(power_to_db(S, top_db=None))},
            {"ref": "max", "amin": 1e-5, "topDb": 60.0, "out": rounded(power_to_db(S, ref=np.max, amin=1e-5, top_db=60.0))},
            {"ref": 0.5, "amin": 1e-10, "topDb": 120.0, "out": rounded(power_to_db(S, ref=0.5, top_db=120.0))},
        ],
    })

    rows, cols = 3, 20
    data = ramp_data(rows, cols)
    write("delta.json", {
        "rows": rows, "cols": cols, "data": rounded(data),
        "cases": [dict(width=w, order=o, cols=c, out=rounded(delta(data[:, :c], w, o)))
                  for (w, o, c) in [(9, 1, 20), (9, 2, 20), (5, 1, 20), (5, 2, 20), (9, 1, 9), (3, 1, 3)]],
    })

    sr, seconds, f0, f1 = 8000, 0.25, 200.0, 3500.0
    n_fft, hop, n_mels = 256, 64, 32
    z = chirp(sr, seconds, f0, f1)
    L = log_mel(z.astype(np.float64), sr, n_fft, hop, n_mels)
    write("logmel.json", {
        "sr": sr, "seconds": seconds, "f0": f0, "f1": f1, "nFft": n_fft, "hopLength": hop, "nMels": n_mels,
        "every500": rounded(z[::500]),
        "logMel": rounded(L, 8),
        "delta": rounded(delta(L), 8),
    })


if __name__ == "__main__":
    main()
