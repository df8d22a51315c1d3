export * from './client.js';
export * from './changed-files.js';
export * from './contents.js';
export * from './comment.js';
export * from './context.js';
