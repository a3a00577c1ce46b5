export * from './meeting';
export * from './policy';
export * from './recall-event';
export * from './search-attributes';
export * from './messages';
export * from './status';
export * from './issue';
