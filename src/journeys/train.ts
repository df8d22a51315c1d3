import type { JourneyRunner } from '../main.js';
export const runTrainJourney: JourneyRunner = async (_s, { io }) => {
  io.setFailed('finetune-ci: train mode is not built yet');
};
