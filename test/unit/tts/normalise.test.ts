import { describe, expect, it } from 'vitest'
import { normalise, type NormalisedItem } from '../../../main/tts/frontend/normalise'
import { cardinal, ordinal, year } from '../../../main/tts/frontend/numbers'
import { splitSentences } from '../../../main/tts/frontend/sentence-split'
import { analyseText } from '../../../main/tts/frontend/utterance'

const said = (items: NormalisedItem[]): string => items.map((i) => (i.kind === 'word' ? i.text : i.strength === 'major' ? '||' : '|')).join(' ')

describe('text normalisation', () => {
  it('reads titles, money, dates and times', () => {
    const { items, notices } = normalise('Dr. Smith paid $3.50 on 12 May 2024 at 10:30.')
    expect(said(items)).toBe('doctor smith paid three dollars and fifty cents on twelfth may twenty twenty four at ten thirty')
    expect(notices).toEqual([])
    const dollars = items.find((i) => i.kind === 'word' && i.text === 'dollars')
    expect(dollars).toMatchObject({ from: '$3.50', reading: 'currency' })
  })

  it('numbers: cardinals, ordinals, years, decimals, negatives, percent, ranges', () => {
    expect(cardinal('1234567')).toEqual(['one', 'million', 'two', 'hundred', 'thirty', 'four', 'thousand', 'five', 'hundred', 'sixty', 'seven'])
    expect(ordinal('21')).toEqual(['twenty', 'first'])
    expect(ordinal('40')).toEqual(['fortieth'])
    expect(year('1905')).toEqual(['nineteen', 'oh', 'five'])
    expect(year('2005')).toEqual(['two', 'thousand', 'five'])
    expect(year('1900')).toEqual(['nineteen', 'hundred'])
    expect(said(normalise('-2.05 and 75% and 3rd and 1,500 and 10-20').items)).toBe(
      'minus two point zero five and seventy five percent and third and one thousand five hundred and ten to twenty',
    )
  })

  it('abbreviations by context, units, clock times, ISO dates', () => {
    expect(said(normalise('St. Paul lives on Baker St. near Mt. Hood.').items)).toBe('saint paul lives on baker street near mount hood')
    expect(said(normalise('We ran 5 km by 7:05 pm on 2024-05-12, i.e. early.').items)).toBe(
      'we ran five kilometers by seven oh five p m on may twelfth twenty twenty four | that is early',
    )
    expect(said(normalise('It cost $5 million at 9:00.').items)).toBe('it cost five million dollars at nine o\'clock')
  })

  it('URLs and e-mail addresses spoken piece by piece', () => {
    expect(said(normalise('See https://www.example.com/docs now').items)).toBe('see w w w dot example dot com slash docs now')
    expect(said(normalise('Mail jane.doe@example.org today').items)).toBe('mail jane dot doe at example dot org today')
  })

  it('punctuation makes phrase breaks, never two in a row and none at the edges', () => {
    expect(said(normalise('(Well,) yes; no -- maybe: fine.').items)).toBe('well | yes | no | maybe | fine')
  })

  it('emoji and other scripts are skipped with a notice; accents dropped', () => {
    const { items, notices } = normalise('Café 😀 Привет 東京 naïve 👍🏽!')
    expect(said(items)).toBe('cafe naive')
    expect(notices.map((n) => n.text)).toEqual(['😀', '👍🏽', 'Привет', '東京'])
    expect(notices[2]!.reason).toMatch(/Cyrillic/)
    expect(notices[3]!.reason).toMatch(/Han/)
  })
})

describe('sentence splitting and bad input', () => {
  it('splits at sentence ends but not after titles or initials', () => {
    expect(splitSentences('Mr. Smith met J. Brown. They talked! Did it rain? Yes.')).toEqual(['Mr. Smith met J. Brown.', 'They talked!', 'Did it rain?', 'Yes.'])
  })

  it('empty text, punctuation only, emoji only: no utterances, never a crash', () => {
    expect(analyseText('').utterances).toEqual([])
    expect(analyseText(' ... !!! ').utterances).toEqual([])
    const emojiOnly = analyseText('🎉🎉')
    expect(emojiOnly.utterances).toEqual([])
    expect(emojiOnly.notices).toHaveLength(1)
  })

  it('100,000 characters without a full stop are cut into pieces quickly', () => {
    const text = 'the cat sat on the mat and '.repeat(3704).slice(0, 100_000)
    const started = performance.now()
    const pieces = splitSentences(text)
    expect(performance.now() - started).toBeLessThan(500)
    expect(pieces.every((p) => p.length <= 400)).toBe(true)
    // Nothing lost: the pieces rejoin to the text (spaces aside).
    expect(pieces.join(' ').replace(/\s+/g, ' ')).toBe(text.trim())
    expect(pieces.length).toBeGreaterThanOrEqual(250)
  })
})
