/**
 * A Recall.ai API emulator with simulated Zoom meetings and breakout rooms, for tests, demos and
 * benchmarks. See README.md beside this file for the behaviour it guesses.
 */
export { startEmulator } from './emulator';
export type {
  ArtifactKind,
  AuditBot,
  AuditLog,
  AuditRecording,
  BotMatch,
  BreakoutEventsMode,
  BreakoutRoomSpec,
  ChatMessageRecord,
  EmulatedMeeting,
  Emulator,
  EmulatorOptions,
  FailStatus,
  FaultHit,
  Faults,
  FaultStage,
  MediaFault,
  MediaFile,
  MeetingSpec,
  ParticipantMove,
  ParticipantSpec,
  RequestRecord,
  StuckBeforeCall,
  WebhookDelivery,
  WebhookFaultRates,
} from './types';
