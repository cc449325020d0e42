import { describe, expect, it } from 'vitest'
import { parseModelMetaText } from '../../../main/compute/model-package/package-files'
import { PerceptError } from '../../../main/core/errors'

function refusal(text: string): PerceptError {
  try {
    parseModelMetaText(text)
  } catch (error) {
    if (error instanceof PerceptError) return error
    throw error
  }
  throw new Error('accepted')
}

describe('model.json errors a person can act on, quoting nothing from the file', () => {
  it('says where invalid JSON breaks, without the text around it', () => {
    const error = refusal('{"name": "secret-token-abc", oops}')
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toMatch(/^model\.json is not valid JSON \(the first fault is at character \d+\): fix or replace it\.$/)
    expect(error.message).not.toMatch(/secret|oops/)
  })

  it('names the first five schema problems and counts the rest, however many there are', () => {
    const inputs = Array.from({ length: 5000 }, () => ({ name: 7 }))
    const error = refusal(JSON.stringify({ formatVersion: 1, inputs }))
    expect(error.message.length).toBeLessThan(1000)
    expect(error.message).toMatch(/; and \d+ more$/)
    expect((error.details as { issues: unknown[] }).issues.length).toBe(100)
  })
})
