import { describe, expect, it } from 'vitest'
import { hostChecker, parseHostHeader } from '../../../main/app/web-host'

describe('parseHostHeader', () => {
  it('reads names, IPv4 and bracketed IPv6, with or without a port', () => {
    expect(parseHostHeader('127.0.0.1:5757')).toEqual({ name: '127.0.0.1', port: 5757 })
    expect(parseHostHeader('LocalHost')).toEqual({ name: 'localhost', port: 80 })
    expect(parseHostHeader('[::1]:8080')).toEqual({ name: '::1', port: 8080 })
    expect(parseHostHeader('[::1]')).toEqual({ name: '::1', port: 80 })
  })

  it('returns null for malformed values', () => {
    for (const value of ['a b', '', ':80', '::1:80', '[::1', '[nope]:80', 'host:', 'host:99999', 'host:+80', 'host:80x', 'a\tb', 'ex%61mple', 'h:1:2']) {
      expect(parseHostHeader(value), JSON.stringify(value)).toBe(null)
    }
  })
})

describe('hostChecker', () => {
  it('on loopback: the listening address and its loopback spellings, at the server port only', () => {
    const check = hostChecker('127.0.0.1', () => 5757)
    for (const host of ['127.0.0.1:5757', 'localhost:5757', '[::1]:5757']) expect(check(host), host).toEqual({ ok: true })
    for (const host of ['evil.example:5757', '127.0.0.1:5758', '127.0.0.1', 'localhost.evil.example:5757', '10.0.0.1:5757']) {
      expect(check(host), host).toMatchObject({ ok: false, status: 421 })
    }
    expect(check(undefined)).toEqual({ ok: false, status: 400, reason: 'The request has no Host header.' })
    expect(check('a b')).toEqual({ ok: false, status: 400, reason: 'The Host header is malformed.' })
  })

  it('on a named address: that address only; on all addresses: IP literals and localhost, never a DNS name', () => {
    const lan = hostChecker('192.168.1.5', () => 80)
    expect(lan('192.168.1.5')).toEqual({ ok: true })
    expect(lan('localhost')).toMatchObject({ ok: false, status: 421 })
    const any = hostChecker('0.0.0.0', () => 5757)
    for (const host of ['10.1.2.3:5757', '[fe80::1]:5757', 'localhost:5757']) expect(any(host), host).toEqual({ ok: true })
    expect(any('rebound.example:5757')).toMatchObject({ ok: false, status: 421 })
  })
})
