/**
 * Sources given as URLs. The download itself is `fetchSource` (src/tasks/fetch-source.ts), shared by
 * `feedmill ingest <url>` and the fetch tasks.
 */

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}
