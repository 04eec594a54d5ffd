// Run colours: the Okabe–Ito palette, chosen to stay distinguishable with the common forms of
// colour blindness. Past its seven colours a run also gets a dash pattern, so no two runs of a
// comparison are drawn alike. A run keeps its colour for the life of the page.
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'];
const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

export interface RunStyle {
  color: string;
  dash: number[];
}

export class RunPalette {
  private readonly assigned = new Map<string, number>();

  styleOf(runId: string): RunStyle {
    let slot = this.assigned.get(runId);
    if (slot === undefined) {
      const used = new Set(this.assigned.values());
      slot = 0;
      while (used.has(slot)) slot++;
      this.assigned.set(runId, slot);
    }
    return { color: OKABE_ITO[slot % OKABE_ITO.length], dash: DASHES[Math.floor(slot / OKABE_ITO.length) % DASHES.length] };
  }

  /** Frees the slots of runs no longer compared, for runs added later. */
  keepOnly(runIds: readonly string[]): void {
    const keep = new Set(runIds);
    for (const id of [...this.assigned.keys()]) if (!keep.has(id)) this.assigned.delete(id);
  }
}
