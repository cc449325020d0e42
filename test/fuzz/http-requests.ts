import fc from 'fast-check'

/*
 * Raw HTTP/1.1 requests for fuzzing the web door: valid seeds (to be mutated byte-wise) and a structured
 * generator that assembles requests from hostile parts (odd methods, paths with %-escapes and `..`,
 * header names and values with control characters, foreign Hosts, junk cookies and Ranges, Content-Length
 * that does not match the body, chunked bodies, WebSocket frames after an upgrade).
 *
 * A generated input cannot know the port the server in the check's worker listens on, so `@PORT@` stands
 * for it and the check substitutes it; the token is fixed (`fuzzToken`) for the same reason.
 */

export const portMark = '@PORT@'
export const fuzzToken = 'fuzz-token-0123456789abcdefghijklmnopqrst'

export const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff)

function request(line: string, headers: string[], body = ''): string {
  return [line, ...headers, '', body].join('\r\n')
}
const host = `Host: 127.0.0.1:${portMark}`
const bearer = `Authorization: Bearer ${fuzzToken}`

/** A masked client WebSocket frame. */
function frame(opcode: number, payload: string): string {
  const mask = [0x11, 0x22, 0x33, 0x44]
  const masked = Array.from(payload, (c, i) => String.fromCharCode((c.charCodeAt(0) ^ mask[i % 4]!) & 0xff)).join('')
  return String.fromCharCode(0x80 | opcode, 0x80 | payload.length, ...mask) + masked
}

const upgrade = (path: string) =>
  request(`GET ${path} HTTP/1.1`, [host, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='])

const call = JSON.stringify({ method: 'app.info', input: {} })

/** Valid requests covering each route of the door. */
export function httpSeeds(): Uint8Array[] {
  return [
    request(`GET /?token=${fuzzToken} HTTP/1.1`, [host]),
    request('GET /assets/app.js HTTP/1.1', [host, `Cookie: theme=dark; percept_token_${portMark}=${fuzzToken}`]),
    request('POST /api/call HTTP/1.1', [host, bearer, 'Content-Type: application/json', `Content-Length: ${call.length}`], call),
    request('POST /api/call HTTP/1.1', [host, bearer, 'Transfer-Encoding: chunked'], `10\r\n${call.slice(0, 16)}\r\n${(call.length - 16).toString(16)}\r\n${call.slice(16)}\r\n0\r\n\r\n`),
    request('GET /res/file/media HTTP/1.1', [host, bearer, 'Range: bytes=0-99']),
    request('HEAD /res/file/media HTTP/1.1', [host, bearer, 'Range: bytes=-10']),
    request('POST /res/upload?name=clip.wav HTTP/1.1', [host, bearer, 'Content-Length: 12'], 'RIFF....WAVE'),
    upgrade(`/api/events?token=${fuzzToken}`) + frame(1, 'hello') + frame(9, 'ping') + frame(8, '\x03\xe8'),
    request('GET /?code=abcdefghijklmnopqrstuvwxyz012345 HTTP/1.1', [host]),
    request('GET /index.html HTTP/1.1', [host, bearer]) + request('GET /api/call HTTP/1.1', [host, bearer, 'Connection: close']),
  ].map(latin1)
}

const byte = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c))
/** Any latin1 text, control characters included. */
const anyText = (maxLength: number) => fc.string({ unit: byte, maxLength })
/**
 * Usually a plausible value, sometimes a hostile one, now and then random text: each request has several
 * parts, and one broken part is enough for the parser to refuse it before the door sees anything.
 * (Weights go through oneof: constantFrom favours the ends of its list, so repeating a value would not.)
 */
const part = (plausible: string[], hostile: string[], maxLength = 12) =>
  fc.oneof(
    { weight: 24, arbitrary: fc.constantFrom(...plausible) },
    { weight: hostile.length ? 3 : 0, arbitrary: fc.constantFrom(...(hostile.length ? hostile : [''])) },
    { weight: 1, arbitrary: anyText(maxLength) },
  )

const method = part(['GET', 'GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'], ['CONNECT', 'TRACE', 'get', 'PRI', 'G ET', ''], 8)
const segment = part(
  ['', 'res', 'api', 'call', 'events', 'assets', 'app.js', 'index.html', 'file', 'media', 'upload', 'x'],
  ['.', '..', '%2e%2e', '%2E.', '%2f', '%5c', '%zz', '%', '%00', '%ff', '%C0%AF', '\\..', 'a b', '%E0%A4%A'],
)
const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('/', '/api/call', '/res/upload', '/res/file/media', '/api/events', '/assets/app.js', '/index.html') },
  { weight: 6, arbitrary: fc.array(segment, { maxLength: 5 }).map((parts) => '/' + parts.join('/')) },
  { weight: 1, arbitrary: fc.constantFrom('*', 'http://evil.example/', '//evil.example/x', '', '/?', '%2F') },
)
const query = part(['', '', `?token=${fuzzToken}`, '?name=clip.wav', '?start=0&end=1', '?code=x'], ['?token=%zz', '?token=', '?name=%zz.wav', '?x=%', '?a=b&&c', '#frag'])
const version = part(['HTTP/1.1'], ['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', 'HTTP/1', ''], 10)
const hostValue = part(
  [`127.0.0.1:${portMark}`, `localhost:${portMark}`, `[::1]:${portMark}`],
  [`evil.example:${portMark}`, 'a b', '', '127.0.0.1', '[::1', `127.0.0.1:${portMark}0`, '::1', `127.0.0.1.evil.example:${portMark}`],
)
const header = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constant('Authorization'), part([`Bearer ${fuzzToken}`], ['Bearer ', 'Basic x', `Bearer ${fuzzToken}x`])) },
  {
    weight: 3,
    arbitrary: fc.tuple(
      fc.constant('Cookie'),
      part([`percept_token_${portMark}=${fuzzToken}`], [`percept_token_${portMark}=%zz`, `a=b; percept_token_${portMark}`, `percept_token_${portMark}=%zz; percept_token_${portMark}=${fuzzToken}`, ';;=;']),
    ),
  },
  { weight: 3, arbitrary: fc.tuple(fc.constant('Range'), part(['bytes=0-99', 'bytes=-10', 'bytes=5-'], ['bytes=0-', 'bytes=-0', 'bytes=abc', 'bytes=99999999999999999999-', 'bytes=5-2,0-1', 'bytes=', 'items=1-2'])) },
  // Content-Length comes with the body (lengthDelta); a second one, or one beside chunked, is refused by the parser.
  { weight: 1, arbitrary: fc.tuple(fc.constant('Transfer-Encoding'), part(['chunked'], ['gzip, chunked', 'chunked, identity', 'x'])) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('Content-Length'), fc.constantFrom('-1', '99999999999', '1e3', '12, 13', ' 5')) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('Origin'), part([`http://127.0.0.1:${portMark}`], ['http://evil.example', 'null', 'http://a b'])) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('Connection', 'Upgrade', 'Expect', 'Content-Type'), part(['close', 'keep-alive', 'Upgrade', 'websocket', 'application/json'], ['100-continue', 'h2c'])) },
  { weight: 1, arbitrary: fc.tuple(part(['X-A', 'Host'], ['Bad Name', 'Bad:Name', '', 'X\x00'], 10), part(['1'], ['a\x00b', 'a\rb', 'a\nb', ' ', '\x7f'], 40)) },
)
const body = fc.oneof(
  fc.constantFrom('', call, '{not json', 'null', '[]', '"x"', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\n{}\r\n0\r\n\r\n', `ffffffff\r\n${call}`),
  anyText(200),
)

/** Requests assembled from the parts above; Content-Length, when set, may disagree with the body. */
export const structuredRequest: fc.Arbitrary<Uint8Array> = fc
  .record({
    method,
    path,
    query,
    version,
    host: fc.option(hostValue, { nil: undefined, freq: 12 }),
    // A credential most of the time, so that most requests get past the door's checks to its routes.
    credential: fc.oneof(
      { weight: 4, arbitrary: fc.constant(`Authorization: Bearer ${fuzzToken}`) },
      { weight: 2, arbitrary: fc.constant(`Cookie: percept_token_${portMark}=${fuzzToken}`) },
      { weight: 1, arbitrary: fc.constantFrom(`Cookie: percept_token_${portMark}=%zz`, `Cookie: percept_token_${portMark}=%zz; percept_token_${portMark}=${fuzzToken}`) },
      { weight: 1, arbitrary: fc.constant('') },
    ),
    headers: fc.array(header, { maxLength: 4 }),
    body,
    lengthDelta: fc.option(fc.oneof(fc.constant(0), fc.integer({ min: -10, max: 10 })), { nil: undefined }),
    lineEnd: fc.oneof({ weight: 20, arbitrary: fc.constant('\r\n') }, fc.constant('\n'), fc.constant('\r')),
  })
  .map(({ method, path, query, version, host, credential, headers, body, lengthDelta, lineEnd }) => {
    const lines = [`${method} ${path}${query} ${version}`]
    if (host !== undefined) lines.push(`Host: ${host}`)
    if (credential) lines.push(credential)
    for (const [name, value] of headers) lines.push(`${name}: ${value}`)
    if (lengthDelta !== undefined) lines.push(`Content-Length: ${Math.max(0, body.length + lengthDelta)}`)
    return latin1([...lines, '', body].join(lineEnd))
  })

/** A good upgrade followed by frames whose header bits, lengths and masks are drawn freely. */
export const upgradeWithFrames: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.record({
      first: fc.integer({ min: 0, max: 255 }),
      masked: fc.boolean(),
      length: fc.oneof(fc.integer({ min: 0, max: 125 }), fc.constantFrom(126, 127)),
      extended: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      payload: fc.uint8Array({ maxLength: 64 }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((frames) => {
    const parts = [latin1(upgrade(`/api/events?token=${fuzzToken}`))]
    for (const f of frames) {
      const extra = f.length === 126 ? f.extended.subarray(0, 2) : f.length === 127 ? f.extended : new Uint8Array(0)
      parts.push(Uint8Array.of(f.first, (f.masked ? 0x80 : 0) | f.length), extra, f.masked ? Uint8Array.of(1, 2, 3, 4) : new Uint8Array(0), f.payload)
    }
    return Buffer.concat(parts)
  })

/** API calls with well-framed bodies (Content-Length or chunked) that are JSON of any shape, or nearly JSON. */
export const apiCall: fc.Arbitrary<Uint8Array> = fc
  .record({
    body: fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.record({ method: fc.oneof(fc.constantFrom('app.info', 'settings.set', '__proto__', 'constructor'), fc.string()), input: fc.jsonValue() }).map((call) => JSON.stringify(call)),
      fc.constantFrom('null', '[]', '{', '{"method":', '\uFEFF{}', '{"method":"app.info"}garbage', '{"__proto__":{"method":"x"}}'),
    ),
    chunked: fc.boolean(),
  })
  .map(({ body, chunked }) => {
    const bytes = Buffer.from(body, 'utf8').toString('latin1')
    const framing = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${bytes.length}`
    const payload = chunked ? `${bytes.length.toString(16)}\r\n${bytes}\r\n0\r\n\r\n` : bytes
    return latin1(request('POST /api/call HTTP/1.1', [host, bearer, 'Content-Type: application/json', framing], payload))
  })
