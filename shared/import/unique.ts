/**
 * "Seen before?" for millions of normalised values in flat memory: a set of 64-bit hashes, not strings.
 *
 * Two independent 32-bit hashes of the value are kept in open addressing (linear probing) over two
 * Uint32Arrays, at most 3/4 full: 8 bytes a slot, so 1M values take 10.7-16 MiB, against ~60-100 MiB
 * for a Set of strings. The price is a chance of a false "duplicate": for n values about n² / 2^65,
 * 2.7e-8 for a million, 2.7e-6 for ten million.
 *
 * Memory stays flat when the caller says early how many values will come (reserve(): the import
 * estimates it from the file's size and its first rows), because a table that grows holds the old and
 * the new arrays at once while it rehashes. Any capacity is allowed, not only powers of two (a slot is
 * the hash modulo the capacity), so a reserved table is sized to the estimate, not up to twice it; an
 * unforeseen growth takes steps of 1.5x rather than 2x.
 */

const EMPTY = 0;

// The last hash computed by mix(): two words in module state rather than a pair allocated per value
// (the import hashes two or three values a row, millions of rows).
let hashA = 0;
let hashB = 0;

/** Two 32-bit hashes of a string (cyrb53's mixing with two seeds kept apart), never both zero: into hashA, hashB. */
function mix(value: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  h1 >>>= 0;
  h2 >>>= 0;
  // A slot whose first word is 0 is free; move the rare zero hash away from it.
  hashA = h1 === EMPTY ? 1 : h1;
  hashB = h2;
}

/** Two 32-bit hashes of a string, as the set keeps them. */
export function hash64(value: string): [number, number] {
  mix(value);
  return [hashA, hashB];
}

/** Most values per slot before the table grows: linear probing slows down sharply above it. */
const MAX_LOAD = 0.75;

/** Slots needed for `values` at MAX_LOAD. */
const slotsFor = (values: number): number => Math.max(16, Math.ceil(values / MAX_LOAD) + 1);

export class HashSet64 {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private capacity: number;
  private limit: number;
  private count = 0;

  /** `initialCapacity`: values it holds before its first growth. */
  constructor(initialCapacity = 12_288) {
    this.capacity = slotsFor(initialCapacity);
    this.hi = new Uint32Array(this.capacity);
    this.lo = new Uint32Array(this.capacity);
    this.limit = Math.floor(this.capacity * MAX_LOAD);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength;
  }

  /** Makes room for `values` in all, in one step now, so that none comes later. Never shrinks. */
  reserve(values: number): void {
    if (values > this.limit) this.resize(slotsFor(values));
  }

  has(value: string): boolean {
    mix(value);
    const a = hashA;
    const b = hashB;
    const { hi, lo, capacity } = this;
    for (let slot = ((a ^ b) >>> 0) % capacity; ; slot = slot + 1 === capacity ? 0 : slot + 1) {
      const word = hi[slot] as number;
      if (word === EMPTY) return false;
      if (word === a && lo[slot] === b) return true;
    }
  }

  /** Adds the value; false when it (or a value with the same 64-bit hash) was there already. */
  add(value: string): boolean {
    mix(value);
    const a = hashA;
    const b = hashB;
    if (!this.insert(a, b)) return false;
    this.count += 1;
    if (this.count > this.limit) this.resize(Math.ceil(this.capacity * 1.5));
    return true;
  }

  private insert(a: number, b: number): boolean {
    const { hi, lo, capacity } = this;
    for (let slot = ((a ^ b) >>> 0) % capacity; ; slot = slot + 1 === capacity ? 0 : slot + 1) {
      const word = hi[slot] as number;
      if (word === EMPTY) {
        hi[slot] = a;
        lo[slot] = b;
        return true;
      }
      if (word === a && lo[slot] === b) return false;
    }
  }

  private resize(capacity: number): void {
    const { hi, lo } = this;
    this.capacity = capacity;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.limit = Math.floor(capacity * MAX_LOAD);
    for (let i = 0; i < hi.length; i += 1) {
      if (hi[i] !== EMPTY) this.insert(hi[i] as number, lo[i] as number);
    }
  }
}
