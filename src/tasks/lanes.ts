/** Lane names. One lane per catalog: its ingest and the exports that follow never overlap. */
export function catalogLane(catalog: string): string {
  return `catalog:${catalog}`;
}
