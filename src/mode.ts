/** Which journey an event gets when `mode` is `auto`. Pure: no inputs, no IO. */
import type { Mode } from './config.js';
import type { EventContext } from './github/index.js';

/** `mode: auto`: pull requests and other branches are checked; the default branch trains. */
export function resolveMode(mode: Mode, ev: EventContext | null): { mode: Exclude<Mode, 'auto'>; resumeOnly: boolean } {
  if (mode !== 'auto') return { mode, resumeOnly: false };
  if (!ev) return { mode: 'check', resumeOnly: false };
  switch (ev.eventName) {
    case 'pull_request':
    case 'pull_request_target':
      return { mode: 'check', resumeOnly: false };
    case 'schedule':
      return { mode: 'train', resumeOnly: true };
    case 'workflow_dispatch':
      return { mode: 'train', resumeOnly: false };
    case 'push':
      return { mode: ev.isDefaultBranch ? 'train' : 'check', resumeOnly: false };
    default:
      return { mode: 'check', resumeOnly: false };
  }
}
