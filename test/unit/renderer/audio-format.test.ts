import { describe, expect, it } from 'vitest'
import { fileNameProblem, folderOf, joinPath, safeName, stem, withExtension } from '../../../renderer/src/lib/export-path'
import { editorColors, withAlpha } from '../../../renderer/src/workspaces/sound/lib/editor-colors'
import { decimalsFor, formatChannels, formatDb, formatLufs, formatSampleRate, formatTime } from '../../../renderer/src/workspaces/sound/lib/time-format'

describe('time formatting', () => {
  it('prints minutes, seconds and hours, rounding once in the last digit shown', () => {
    expect(formatTime(0)).toBe('0:00.000')
    expect(formatTime(3.25)).toBe('0:03.250')
    expect(formatTime(59.9996)).toBe('1:00.000')
    expect(formatTime(3723.5, 1)).toBe('1:02:03.5')
    expect(formatTime(600, 0)).toBe('10:00')
    expect(formatTime(-1.5, 1)).toBe('\u22120:01.5')
    expect(formatTime(Number.NaN)).toBe('—')
  })

  it('chooses the decimals that tell a step apart', () => {
    expect(decimalsFor(10)).toBe(0)
    expect(decimalsFor(1)).toBe(0)
    expect(decimalsFor(0.5)).toBe(1)
    expect(decimalsFor(0.01)).toBe(2)
    expect(decimalsFor(1 / 44100)).toBe(5)
    expect(decimalsFor(1e-9)).toBe(6)
  })

  it('prints gains, loudness, rates and channels', () => {
    expect(formatDb(3)).toBe('+3.0 dB')
    expect(formatDb(-2.54)).toBe('\u22122.5 dB')
    expect(formatDb(0.01)).toBe('0.0 dB')
    expect(formatLufs(-23.14)).toBe('\u221223.1 LUFS')
    expect(formatLufs(null)).toBe('—')
    expect(formatSampleRate(44100)).toBe('44.1 kHz')
    expect(formatSampleRate(22050)).toBe('22.05 kHz')
    expect(formatChannels(1)).toBe('mono')
    expect(formatChannels(2)).toBe('stereo')
    expect(formatChannels(6)).toBe('6 channels')
  })
})

describe('export paths', () => {
  it('joins with the folder’s separator and adds a missing extension', () => {
    expect(joinPath('/home/a', 'x.wav')).toBe('/home/a/x.wav')
    expect(joinPath('/', 'x.wav')).toBe('/x.wav')
    expect(joinPath('C:\\Users\\a', 'x.wav')).toBe('C:\\Users\\a\\x.wav')
    expect(withExtension(' take 1 ', 'wav')).toBe('take 1.wav')
    expect(withExtension('take.WAV', 'wav')).toBe('take.WAV')
    expect(stem('take.1.wav')).toBe('take.1')
    expect(stem('.hidden')).toBe('.hidden')
    expect(folderOf('/home/a/x.wav')).toBe('/home/a')
    expect(folderOf('/x.wav')).toBe('/')
    expect(folderOf('x.wav')).toBe('')
  })

  it('refuses names that are not plain file names and cleans labels for names', () => {
    expect(fileNameProblem('')).toMatch(/Enter/)
    expect(fileNameProblem('a/b.wav')).toMatch(/cannot contain/)
    expect(fileNameProblem('..')).toMatch(/another/)
    expect(fileNameProblem('ok.wav')).toBeNull()
    expect(safeName('dog bark: 2/3')).toBe('dog-bark-2-3')
    expect(safeName('///')).toBe('sound')
  })
})

describe('editor colours', () => {
  it('reads the theme’s properties with fallbacks, and adds alpha to hex colours', () => {
    const colors = editorColors((property) => (property === '--chart-1' ? ' #6b9bf2 ' : ''))
    expect(colors.wave).toBe('#6b9bf2')
    expect(colors.marker).toBe('#b77a0c')
    expect(withAlpha('#3b6fd8', 0.5)).toBe('rgba(59, 111, 216, 0.5)')
    expect(withAlpha('#fff', 1)).toBe('rgba(255, 255, 255, 1)')
    expect(withAlpha('red', 0.2)).toBe('red')
  })
})
