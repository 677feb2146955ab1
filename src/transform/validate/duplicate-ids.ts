/**
 * Per-channel id uniqueness. Staging already refuses duplicate offer ids, but a rule may rewrite ids
 * (`{groupId}-{size}`), so each channel checks its output ids again. Memory grows with the number
 * of distinct ids (a Set of strings): the transform pool keeps one checker per channel and worker
 * and compares across workers itself.
 */
export class DuplicateIdChecker {
  readonly #seen = new Set<string>();
  #duplicates = 0;

  /** True when `id` was seen before by this checker (the caller excludes the item with `duplicate_id`). */
  isDuplicate(id: string): boolean {
    if (this.#seen.has(id)) {
      this.#duplicates++;
      return true;
    }
    this.#seen.add(id);
    return false;
  }

  get size(): number {
    return this.#seen.size;
  }

  get duplicates(): number {
    return this.#duplicates;
  }
}
