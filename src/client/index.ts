/** Client helpers for TypeScript services: the CLI and the HTTP API use them too. */
export { connectClient } from './connect';
/** For services that build their own Client: `new Client({ ..., dataConverter: dataConverterFrom(env) })`. */
export { dataConverterFrom, EncryptionCodec, parseCodecKeys } from '../codec';
export * from './errors';
export { MEETING_WORKFLOW_TYPE, MeetingKeySchema, meetingWorkflowId } from './meeting-key';
export * from './meetings';
export * from './list';
export * from './schedules';
export * from './follow-ups';
