/**
 * Prometheus text exposition (format 0.0.4) of the server's counters and of gauges read at scrape
 * time. Counters live in this process; label values are fixed vocabularies (route patterns, status
 * codes, task states), never request data, so the series count stays bounded.
 */

type Labels = Record<string, string>;

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  series: Map<string, { labels: Labels; value: number }>;
}

export class Metrics {
  readonly #families = new Map<string, Family>();
  readonly #collectors: (() => Promise<void> | void)[] = [];

  counter(name: string, help: string): (labels?: Labels, by?: number) => void {
    const family = this.#family(name, help, 'counter');
    return (labels = {}, by = 1) => {
      const key = labelKey(labels);
      const s = family.series.get(key);
      if (s) s.value += by;
      else family.series.set(key, { labels, value: by });
    };
  }

  gauge(name: string, help: string): (value: number, labels?: Labels) => void {
    const family = this.#family(name, help, 'gauge');
    return (value, labels = {}) => {
      family.series.set(labelKey(labels), { labels, value });
    };
  }

  /** Runs before each scrape (gauges read from the DB or the process). */
  collect(fn: () => Promise<void> | void): void {
    this.#collectors.push(fn);
  }

  async render(): Promise<string> {
    for (const c of this.#collectors) await c();
    const lines: string[] = [];
    for (const [name, f] of this.#families) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const s of f.series.values()) lines.push(`${name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
    }
    return `${lines.join('\n')}\n`;
  }

  #family(name: string, help: string, type: Family['type']): Family {
    let f = this.#families.get(name);
    if (!f) {
      f = { help, type, series: new Map() };
      this.#families.set(name, f);
    }
    return f;
  }
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
