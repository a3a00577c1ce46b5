import { z } from 'zod';

/**
 * When each room was recorded and when not, and why, in words a facilitator understands: part of
 * the meeting result and manifest. Times are the room workflow's (the moments it saw each state).
 */
export const CoverageSpanSchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  covered: z.boolean(),
  botId: z.string().optional(),
  reason: z.string().optional().meta({ description: 'Why this stretch was not recorded (uncovered spans only).' }),
});
export type CoverageSpan = z.infer<typeof CoverageSpanSchema>;

export const RoomCoverageSchema = z.strictObject({
  key: z.string(),
  name: z.string(),
  openFrom: z.iso
    .datetime({ offset: true })
    .nullable()
    .meta({ description: 'When the room started getting a bot (null: it never did).' }),
  openUntil: z.iso
    .datetime({ offset: true })
    .nullable()
    .meta({ description: 'When the room stopped: its bot left, the meeting or the room ended, or it failed.' }),
  openSeconds: z.number().min(0),
  coveredSeconds: z.number().min(0),
  spans: z.array(CoverageSpanSchema).meta({ description: 'Covered and uncovered stretches, in time order.' }),
  summary: z.string().meta({ description: 'One line: how much was covered and why the rest was not.' }),
  closedEarly: z
    .string()
    .optional()
    .meta({ description: 'Set when the room stopped well before the meeting’s last room did.' }),
});
export type RoomCoverage = z.infer<typeof RoomCoverageSchema>;

export const MeetingCoverageSchema = z.strictObject({
  roomsTotal: z.int().min(0),
  roomsCovered: z.int().min(0).meta({ description: 'Rooms with any recorded time.' }),
  openSeconds: z.number().min(0).meta({ description: 'Sum of every room’s open time.' }),
  coveredSeconds: z.number().min(0),
  ratio: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .meta({ description: 'coveredSeconds / openSeconds (null: nothing open).' }),
  summary: z.string(),
  rooms: z.array(RoomCoverageSchema),
});
export type MeetingCoverage = z.infer<typeof MeetingCoverageSchema>;
