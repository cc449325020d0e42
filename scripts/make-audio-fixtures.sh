#!/usr/bin/env bash
# Regenerates the compressed audio fixtures in test/fixtures/audio/ (read by test/unit/dsp/io).
#
# Source: 0.5 s at 22050 Hz, 16-bit, made by the repository's own deterministic signal helper
# (test/helpers/audio-signals.ts) and WAV encoder, so a test can rebuild the exact source samples:
#   sine-mono:   440 Hz at -12 dBFS (amplitude 10^(-12/20) = 0.2512)
#   sine-stereo: 440 Hz left, 880 Hz right, both at -12 dBFS (the tests tell the channels apart)
# SoX then encodes each as FLAC (lossless, level 8), MP3 (LAME, 32 kbit/s CBR) and Ogg Vorbis
# (quality 0): the smallest settings that keep the tones intact. -D: no dither, so runs repeat;
# only the Ogg files differ between runs, in their random stream serial number.
#
# Needs node_modules (npm ci) and SoX with FLAC, LAME and Vorbis (Debian: sox libsox-fmt-all).
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/audio
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

WORK="$work" npx tsx --eval "
import { writeFileSync } from 'node:fs'
import { encodeWav } from './main/dsp/io/wav'
import { dbfs, sine } from './test/helpers/audio-signals'
const tone = (hz: number) => sine(hz, 0.5, 22050, dbfs(-12))
const write = (name: string, channels: Float32Array[]) =>
  writeFileSync(process.env.WORK + '/' + name + '.wav', encodeWav({ sampleRate: 22050, channels }, 'pcm16'))
write('sine-mono', [tone(440)])
write('sine-stereo', [tone(440), tone(880)])
"

for source in sine-mono sine-stereo; do
  sox -D "$work/$source.wav" -C 8 "$out/$source.flac"
  sox -D "$work/$source.wav" -C 32 "$out/$source.mp3"
  sox -D "$work/$source.wav" -C 0 "$out/$source.ogg"
done
ls -l "$out"
