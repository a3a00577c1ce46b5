export * from './client';
export type { Download } from './download';
export * from './errors';
export * from './logging';
export * from './regions';
export * from './requests';
export * from './schemas';
export * from './webhook-verification';
