/**
 * Delay before attempt `attempt + 1` after `attempt` failures: exponential from `baseMs`, with
 * "full jitter" in [0.5, 1.5) so many pages failing together do not retry in lockstep.
 */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const capped = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 5 * 60_000);
  return Math.round(capped * (0.5 + random()));
}
