import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import { oneOf, positiveNumber, wholeNumber, wholeNumberList } from '../../../main/app/cli-options'

describe('CLI option parsers', () => {
  it('take whole numbers within their range and name it when one is not', () => {
    expect(wholeNumber(0)('0')).toBe(0)
    expect(wholeNumber(1, 3)(' 3 ')).toBe(3)
    expect(() => wholeNumber(1)('0')).toThrow(/expected a whole number, 1 or more\./)
    expect(() => wholeNumber(0, 3)('4')).toThrow(/expected a whole number from 0 to 3\./)
    // Number('') and Number(' ') are 0: an empty value must not pass as 0.
    for (const bad of ['', ' ', '1.5', 'NaN', 'Infinity', '2e400', 'x']) expect(() => wholeNumber(0)(bad)).toThrow(InvalidArgumentError)
  })

  it('take a positive finite number', () => {
    expect(positiveNumber('0.001')).toBe(0.001)
    expect(positiveNumber('1e-3')).toBe(0.001)
    for (const bad of ['0', '-1', '', 'Infinity', 'abc']) expect(() => positiveNumber(bad)).toThrow(/expected a number above 0\./)
  })

  it('take comma-separated whole numbers from a least value', () => {
    expect(wholeNumberList('1,2')('1, 2,17')).toEqual([1, 2, 17])
    expect(wholeNumberList('0,7')('0')).toEqual([0])
    expect(() => wholeNumberList('1,2', 1)('0,1')).toThrow(/expected whole numbers from 1 separated by commas, e\.g\. 1,2\./)
    for (const bad of ['', '1,,2', '1,x', '-1', '1.5']) expect(() => wholeNumberList('1,2')(bad)).toThrow(/e\.g\. 1,2\./)
  })

  it('take one of a fixed set of names, listing them when the value is not one', () => {
    const kind = oneOf(['soft', 'binary'] as const)
    expect(kind('binary')).toBe('binary')
    expect(() => kind('Soft')).toThrow(/expected one of soft, binary\./)
    expect(() => kind('')).toThrow(InvalidArgumentError)
  })
})
