import type { JourneyRunner } from '../main.js';
export const runSmokeJourney: JourneyRunner = async (_s, { io }) => {
  io.setFailed('finetune-ci: smoke mode is not built yet');
};
