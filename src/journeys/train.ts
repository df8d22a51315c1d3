/** The training journey lives in ./train/ (one concern per module); this path stays for importers. */
export * from './train/index.js';
