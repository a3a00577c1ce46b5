/** A benchmark figure: a measured value, the goal it is held to, and what it says. */
export interface Figure {
  scenario: string;
  name: string;
  value: number | string;
  unit: string;
  /** e.g. "<= 1.10"; absent for figures that only inform. */
  goal?: string;
  met?: boolean;
  note?: string;
}

export interface ScenarioResult {
  scenario: string;
  figures: Figure[];
  /** Scenario parameters (sizes, rates, time scale), for reproduction. */
  parameters: Record<string, unknown>;
  seconds: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));
