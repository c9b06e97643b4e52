/**
 * Identifiers for the local AmplifyBackend: job and session ids, challenge codes, bucket
 * suffixes, and a keyed digest for paging tokens. Everything comes from one small seeded
 * generator, so a backend made with the same seed and sent the same calls answers with the
 * same ids.
 */

/** A seeded source of identifiers. Not for security: it only has to look random and repeat. */
export interface IdSource {
  /** A fresh id in the 8-4-4-4-12 hexadecimal layout of a version 4 UUID. */
  readonly uuid: () => string
  /** `count` decimal digits. */
  readonly digits: (count: number) => string
  /** `count` lowercase hexadecimal digits. */
  readonly hex: (count: number) => string
}

const golden = 0x9e3779b9

/** Scrambles the bits of a 32-bit word (a multiply and xor-shift finaliser). */
const scramble = (word: number): number => {
  let z = word >>> 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
  return (z ^ (z >>> 16)) >>> 0
}

const hex8 = (word: number): string => (word >>> 0).toString(16).padStart(8, "0")

/** Makes a source of identifiers from a seed; equal seeds give equal sequences. */
export const make = (seed: number): IdSource => {
  // A Weyl sequence stepped by the golden ratio, each step scrambled.
  let state = scramble(Math.trunc(seed) ^ golden)
  const next = (): number => {
    state = (state + golden) >>> 0
    return scramble(state)
  }
  const hex = (count: number): string => {
    let out = ""
    while (out.length < count) out += hex8(next())
    return out.slice(0, count)
  }
  const digits = (count: number): string => {
    let out = ""
    while (out.length < count) out += String(next() % 10)
    return out
  }
  const uuid = (): string => {
    const h = hex(32)
    const variant = ((parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16)
    const groups = [h.slice(0, 8), h.slice(8, 12), `4${h.slice(13, 16)}`, variant + h.slice(17, 20)]
    return [...groups, h.slice(20)].join("-")
  }
  return { uuid, digits, hex }
}

/**
 * A 64-bit keyed digest of some strings, as 16 hexadecimal digits. It tells a value this
 * backend issued from an edited or invented one; it is not a cryptographic MAC.
 */
export const digest = (key: string, parts: ReadonlyArray<string>): string => {
  const text = [key, ...parts].join("\u0000")
  let a = 0x811c9dc5
  let b = 0x27d4eb2f
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193) >>> 0
    b = scramble(b ^ c ^ (a << 7))
  }
  return hex8(scramble(a ^ b)) + hex8(scramble(b + golden))
}
