/** The worker's business metrics as the demo prints them: scraped from its Prometheus endpoint. */

const PREFIX = 'breakout_';

/** Sums each `breakout_*` sample over every label but the one that matters to a reader. */
export function summarizeMetrics(text: string): string[] {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(breakout_\w+)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match?.[1] || !match[3]) continue;
    const label = /(?:^|,)(result|outcome|kind)="([^"]*)"/.exec(match[2] ?? '');
    const key = `${match[1].slice(PREFIX.length)}${label ? `{${label[1]}=${label[2]}}` : ''}`;
    totals.set(key, (totals.get(key) ?? 0) + Number(match[3]));
  }
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => `${key} ${value}`);
}

export async function workerMetricsLines(url: string): Promise<string[]> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    const lines = summarizeMetrics(await response.text());
    return lines.length > 0 ? lines : ['(no breakout_* metrics yet)'];
  } catch (err) {
    return [`(metrics unavailable: ${err instanceof Error ? err.message : String(err)})`];
  }
}
