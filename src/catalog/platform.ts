/**
 * Provider-wide dates that change what a user can do, as data (shared/facts/openai-fine-tuning.md §1).
 */
import type { ProviderName } from '../providers/registry.js';
export interface PlatformEvent {
  provider: ProviderName;
  date: string;
  what: string;
  confirmed: boolean;
  source: string;
  /** Job creation closes for every organisation: after the date, the check fails. */
  everyone?: boolean;
}

export const PLATFORM_EVENTS: readonly PlatformEvent[] = [
  {
    provider: 'openai',
    date: '2026-05-07',
    what: 'organisations that never fine-tuned can no longer create fine-tuning jobs',
    confirmed: true,
    source: 'OpenAI deprecations page',
  },
  {
    provider: 'openai',
    date: '2026-07-02',
    what: 'organisations without fine-tuned-model inference in the last 60 days can no longer create fine-tuning jobs',
    confirmed: false,
    source: 'secondary sources',
  },
  {
    provider: 'openai',
    date: '2027-01-06',
    what: 'no organisation can create new fine-tuning jobs',
    confirmed: false,
    source: 'secondary sources (several agree)',
    everyone: true,
  },
];

/** How far ahead a shutdown date starts to warn. */
export const SHUTDOWN_WARNING_DAYS = 90;

/** "Today" as YYYY-MM-DD: the clock, unless FINETUNE_CI_NOW (an ISO date) sets it. */
export function today(env: NodeJS.ProcessEnv = process.env): string {
  const forced = env.FINETUNE_CI_NOW?.trim();
  if (forced) {
    const d = new Date(forced);
    if (Number.isNaN(d.getTime())) {
      throw new Error(`FINETUNE_CI_NOW="${forced}" is not a date; use an ISO date such as 2026-12-01`);
    }
    return d.toISOString().slice(0, 10);
  }
  return new Date().toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
