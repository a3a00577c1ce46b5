export * from './meeting';
export * from './policy';
export * from './recall-event';
export * from './search-attributes';
