/** Two-column tables for figures printed to stdout. */
export function formatTable(title: string, rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
