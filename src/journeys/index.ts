/**
 * The journeys the entry can run once it knows the mode. `train` and `smoke` are loaded on
 * demand, so a pull-request check never loads the provider clients.
 */
import type { JourneyRunner } from './io.js';

export { runCheck } from './check.js';
export type { ActionIO, JourneyRunner } from './io.js';

export async function loadJourney(mode: 'train' | 'smoke'): Promise<JourneyRunner> {
  switch (mode) {
    case 'train':
      return (await import('./train/index.js')).runTrainJourney;
    case 'smoke':
      return (await import('./smoke.js')).runSmokeJourney;
  }
}
