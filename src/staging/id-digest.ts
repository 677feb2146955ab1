/**
 * A shortcut for the load's duplicate-id check: a 53-bit hash of every offer id the writer stored,
 * kept in a typed array. Equal ids hash alike, so when the sorted hashes hold no two equal values no
 * id repeats, and the SQL check (a GROUP BY over every id, ~0.55 s of the serial tail per million
 * offers, after the shards stopped) is not needed. Two equal hashes prove nothing (a real repeat or
 * a collision): the SQL check runs then, as it does when the digest does not cover every offer
 * (bytes-bound rows, a profile's SQL post-processing, a catalog past `ID_DIGEST_MAX`).
 *
 * The hashes are computed where the rows are built, in the shard threads, at ~50 ns an id.
 */

/**
 * Ids kept per load before the digest is given up: 16 MiB of hashes (24 while the array doubles),
 * which a 400 MB budget affords; a larger catalog takes the SQL check, as before.
 */
export const ID_DIGEST_MAX = 1 << 21;

const INITIAL_CAPACITY = 1 << 14;

export class IdDigest {
  #hashes: Float64Array | undefined = new Float64Array(INITIAL_CAPACITY);
  #size = 0;
  /** Sorted hashes of other writers (shards), kept apart: `provesDistinct` merges them. */
  readonly #runs: Float64Array[] = [];
  #runsSize = 0;
  readonly #max: number;

  constructor(max: number = ID_DIGEST_MAX) {
    this.#max = max;
  }

  add(id: string): void {
    let h = this.#hashes;
    if (h === undefined) return;
    if (this.#size + this.#runsSize >= this.#max) {
      this.drop();
      return;
    }
    if (this.#size === h.length) {
      const grown = new Float64Array(Math.min(h.length * 2, this.#max));
      grown.set(h);
      this.#hashes = h = grown;
    }
    h[this.#size++] = hashId(id);
  }

  /** Adds another writer's digest, as `sortedSnapshot()` gave it (a shard merged into this file). */
  addSorted(run: Float64Array | undefined): void {
    if (this.#hashes === undefined) return;
    if (run === undefined || this.#size + this.#runsSize + run.length > this.#max) {
      this.drop();
      return;
    }
    this.#runs.push(run);
    this.#runsSize += run.length;
  }

  /** Some stored id was not seen (or too many were): the digest can no longer prove anything. */
  drop(): void {
    this.#hashes = undefined;
    this.#size = 0;
    this.#runs.length = 0;
    this.#runsSize = 0;
  }

  /**
   * This writer's hashes, sorted, or undefined once dropped (or holding other writers' runs, which
   * only the merged file's writer takes). A shard sorts its own before it hands them over, so that
   * the sorting runs on every shard thread at once, not in the serial tail.
   */
  sortedSnapshot(): Float64Array | undefined {
    if (this.#hashes === undefined || this.#runs.length > 0) return undefined;
    const own = this.#hashes.subarray(0, this.#size).sort();
    // A view of a larger array would cross threads with all of it.
    return own.length === this.#hashes.length ? own : own.slice();
  }

  /**
   * True when the digest holds exactly `offers` ids and no two hashes are equal, which proves the
   * ids distinct. False means "not proven", never "duplicates exist".
   */
  provesDistinct(offers: number): boolean {
    const h = this.#hashes;
    if (h === undefined || this.#size + this.#runsSize !== offers) return false;
    const runs = this.#size === 0 ? this.#runs : [...this.#runs, h.subarray(0, this.#size).sort()];
    return noRepeat(runs);
  }
}

/** Whether sorted runs, merged, hold no value twice: one pass, the smallest head first. */
function noRepeat(runs: readonly Float64Array[]): boolean {
  const at = new Array<number>(runs.length).fill(0);
  // Hashes are at least 0.
  let last = -1;
  for (;;) {
    let pick = -1;
    let min = Number.POSITIVE_INFINITY;
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r] as Float64Array;
      const i = at[r] as number;
      if (i < run.length && (run[i] as number) < min) {
        min = run[i] as number;
        pick = r;
      }
    }
    if (pick < 0) return true;
    if (min === last) return false;
    last = min;
    at[pick] = (at[pick] as number) + 1;
  }
}

/**
 * 53 bits of two 32-bit multiplicative hashes over the id's UTF-16 code units (FNV-1a and a
 * Murmur-style mix), so that an exact double holds them. Collisions only cost the SQL check.
 */
export function hashId(id: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 15), 0xc2b2ae35);
  b ^= b >>> 16;
  return (a >>> 11) * 0x1_0000_0000 + (b >>> 0);
}
