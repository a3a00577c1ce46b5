/**
 * What a meeting is started with: the input schemas. Workflow code loads them only when a meeting
 * validates its input (workflows/plan.ts), never at import: see meeting-constants.ts.
 */
import { z } from 'zod';
import { MAX_ROOMS } from './meeting-constants';
import { PolicySchema } from './policy';

const ZOOM_HOST = /(^|\.)zoom\.(us|com)$|(^|\.)zoomgov\.com$/;

export const ZoomMeetingUrlSchema = z.url({ protocol: /^https$/ }).refine(
  (value) => {
    if (!URL.canParse(value)) return true; // z.url() already reported it
    const url = new URL(value);
    return ZOOM_HOST.test(url.hostname) && /^\/(j|w|s|my|wc\/join)\/[A-Za-z0-9.\-_]+/.test(url.pathname);
  },
  { message: 'must be a Zoom meeting link such as https://us02web.zoom.us/j/123456789?pwd=...' },
);

export const RoomKeySchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
    'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit',
  );

export const ZoomJoinSchema = z.strictObject({
  userEmail: z.email().optional(),
  zakUrl: z.url({ protocol: /^https?$/ }).optional(),
  joinTokenUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export const RoomSpecSchema = z.strictObject({
  key: RoomKeySchema,
  name: z.string().min(1).max(200).optional(),
  botName: z.string().min(1).max(100).optional(),
  breakoutRoomId: z.string().min(1).max(200).optional(),
  zoom: ZoomJoinSchema.optional(),
});
export type RoomSpec = z.infer<typeof RoomSpecSchema>;

const MetadataSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'metadata keys are 1-64 letters, digits, "_", "." or "-"'),
    z.string().max(500),
  )
  .refine((m) => Object.keys(m).length <= 16, { message: 'at most 16 metadata entries' });

/** Transcript provider settings passed to Recall's recording_config.transcript. */
export const TranscriptSchema = z.strictObject({
  provider: z.record(z.string(), z.record(z.string(), z.unknown())).refine((p) => Object.keys(p).length === 1, {
    message: 'must name exactly one provider, e.g. { "recallai_streaming": { "mode": "prioritize_accuracy" } }',
  }),
  diarization: z.strictObject({ use_separate_streams_when_available: z.boolean() }).optional(),
});
export type Transcript = z.infer<typeof TranscriptSchema>;

export const RecordingNoticeSchema = z.strictObject({
  enabled: z.boolean().optional().meta({ description: 'Default true: every recorded room gets the notice.' }),
  /** Zoom's chat limit. */
  text: z.string().trim().min(1).max(4096).optional(),
});

/**
 * Ready callbacks: Standard Webhooks-signed POSTs when the meeting (and, with `rooms`, each room)
 * completes. The signing secret is never in the input: `secretName` picks one of the worker's
 * `NOTIFY_SECRETS` (default: the one named `default`).
 */
export const NotifySchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  secretName: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"')
    .optional(),
  rooms: z.boolean().optional(),
});
export type Notify = z.infer<typeof NotifySchema>;

export const MeetingInputSchema = z
  .strictObject({
    meetingUrl: ZoomMeetingUrlSchema,
    rooms: z.array(RoomSpecSchema).min(1).max(MAX_ROOMS).optional(),
    roomCount: z.int().min(1).max(MAX_ROOMS).optional(),
    title: z.string().max(300).optional(),
    joinAt: z.iso.datetime({ offset: true }).optional(),
    /**
     * The meeting starts this long after the workflow's start (for a Temporal Schedule: after the
     * action's scheduled time), and the bots join then. A lead over 10 minutes gives scheduled
     * bots, which Recall reserves and never answers with 507.
     */
    scheduleLeadSeconds: z
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .optional(),
    endBy: z.iso.datetime({ offset: true }).optional(),
    botNamePrefix: z.string().min(1).max(80).optional(),
    transcript: TranscriptSchema.optional(),
    policy: PolicySchema.optional(),
    metadata: MetadataSchema.optional(),
    recordingNotice: RecordingNoticeSchema.optional(),
    notify: NotifySchema.optional(),
    /** Days after the meeting ends when its media at Recall and everything stored is deleted (0: at once). */
    retentionDays: z.number().min(0).max(3650).optional(),
  })
  .superRefine((input, ctx) => {
    if ((input.rooms === undefined) === (input.roomCount === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['rooms'], message: 'give either rooms or roomCount' });
    }
    const seen = new Set<string>();
    input.rooms?.forEach((room, i) => {
      if (seen.has(room.key))
        ctx.addIssue({ code: 'custom', path: ['rooms', i, 'key'], message: `duplicate room key "${room.key}"` });
      seen.add(room.key);
    });
    if (input.joinAt !== undefined && input.scheduleLeadSeconds !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['scheduleLeadSeconds'],
        message: 'give either joinAt or scheduleLeadSeconds',
      });
    }
    if (input.joinAt && input.endBy && Date.parse(input.endBy) <= Date.parse(input.joinAt)) {
      ctx.addIssue({ code: 'custom', path: ['endBy'], message: 'must be after joinAt' });
    }
  });
export type MeetingInput = z.input<typeof MeetingInputSchema>;
export type ValidMeetingInput = z.output<typeof MeetingInputSchema>;
