/** Formatting both languages' texts share. */
/** Bytes as a person reads them (KB and MB of 1024). */
export function size(bytes: number, units: [string, string, string]): string {
  if (bytes < 1024) return `${bytes} ${units[0]}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} ${units[1]}`;
  return `${(bytes / 1024 / 1024).toFixed(1)} ${units[2]}`;
}
