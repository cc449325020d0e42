#!/usr/bin/env bash
# Regenerates the extra compressed files in test/fixtures/fuzz-seeds/ (fuzz seeds for test/fuzz/targets;
# the Ogg bomb is read by test/unit/dsp/io/decode-bounds.test.ts, too slow to decode as a seed),
# beside the tones of test/fixtures/audio: layouts those lack, so mutations reach more decoder paths.
#
#   stereo-24bit-16k.flac        0.08 s, 24-bit stereo at 16 kHz, 256-sample blocks (five frames)
#   mono-8bit-8k-seektable.flac  0.1 s, 8-bit mono at 8 kHz, with a seek table and a Vorbis comment
#   mono-mpeg25-8k.mp3           0.15 s, MPEG-2.5 layer III mono at 8 kHz, 8 kbit/s CBR
#   stereo-vbr-id3-16k.mp3       0.08 s, MPEG-2 layer III VBR at 16 kHz, ID3v2 tag and Xing/LAME header
#   mono-8k.ogg                  0.15 s, Ogg Vorbis mono at 8 kHz, quality -1, with a comment
#   silence-8ch-60s.ogg          60 s of 8-channel digital silence at 48 kHz, quality -1: 8 KB that
#                                decode to 92 MB, past the decoders' expansion bound (a bomb, as made by
#                                an ordinary encoder)
#
# Sources come from the repository's deterministic signal helpers and WAV encoder. Needs node_modules
# and the flac, lame and vorbis-tools packages (Debian). Ogg serial numbers are random, so the Ogg
# files differ from run to run; the others repeat.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/fuzz-seeds
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

WORK="$work" npx tsx --eval "
import { writeFileSync } from 'node:fs'
import { encodeWav } from './main/dsp/io/wav'
import { dbfs, sine, sweep } from './test/helpers/audio-signals'
const write = (name: string, wav: Uint8Array) => writeFileSync(process.env.WORK + '/' + name + '.wav', wav)
write('s16k', encodeWav({ sampleRate: 16000, channels: [sweep(200, 4000, 0.08, 16000, dbfs(-6)), sine(1000, 0.08, 16000, dbfs(-12))] }, 'pcm24'))
write('m8k', encodeWav({ sampleRate: 8000, channels: [sweep(100, 3000, 0.15, 8000, dbfs(-6))] }, 'pcm16'))
write('m8k8', encodeWav({ sampleRate: 8000, channels: [sine(500, 0.1, 8000, dbfs(-6))] }, 'pcm8'))
const silence = new Float32Array(48000 * 60)
write('silence8', encodeWav({ sampleRate: 48000, channels: Array.from({ length: 8 }, () => silence) }, 'pcm16'))
"

flac -s -f --no-padding -b 256 -8 -o "$out/stereo-24bit-16k.flac" "$work/s16k.wav"
flac -s -f --no-padding -S 100x -T TITLE=seed -o "$out/mono-8bit-8k-seektable.flac" "$work/m8k8.wav"
lame --quiet -m m -b 8 --resample 8 "$work/m8k.wav" "$out/mono-mpeg25-8k.mp3"
lame --quiet -V 9 --resample 16 --id3v2-only --tt seed "$work/s16k.wav" "$out/stereo-vbr-id3-16k.mp3"
oggenc -Q -q -1 -c TITLE=seed -o "$out/mono-8k.ogg" "$work/m8k.wav"
oggenc -Q -q -1 -o "$out/silence-8ch-60s.ogg" "$work/silence8.wav"
ls -l "$out"
