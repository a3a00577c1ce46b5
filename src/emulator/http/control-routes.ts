import { z } from 'zod';
import type { EmulatorCore } from '../core';
import { MEDIA_FILES, type MediaFile } from '../media';
import { drfErrors } from '../schemas';
import type { Faults, MeetingSpec } from '../types';
import type { RouteRequest, RouteResult } from './routes';

const participant = z.object({
  name: z.string().min(1),
  email: z.string().optional(),
  isHost: z.boolean().optional(),
  lines: z.array(z.string()).optional(),
});

export const meetingSpecSchema = z.object({
  id: z.string().regex(/^\d+$/).optional(),
  password: z.string().min(1).optional(),
  waitingRoom: z.enum(['off', 'admit', 'never_admit']).optional(),
  admitAfterSeconds: z.number().min(0).optional(),
  startsAfterSeconds: z.number().min(0).optional(),
  durationSeconds: z.number().positive(),
  mainRoom: z.array(participant).optional(),
  breakoutRooms: z.array(
    z.object({
      id: z.string().min(1).optional(),
      name: z.string().min(1),
      preassignedEmails: z.array(z.string()).optional(),
      closesAtSeconds: z.number().min(0).optional(),
      participants: z.array(participant),
    }),
  ),
  breakoutOpensAtSeconds: z.number().min(0).optional(),
  hostPlacement: z.enum(['by_bot_name', 'none']).optional(),
  recordingPermissionDenied: z.string().min(1).optional(),
  moves: z
    .array(z.object({ atSeconds: z.number().min(0), name: z.string().min(1), to: z.string().min(1).nullable() }))
    .optional(),
  identifiedEmails: z.boolean().optional(),
}) satisfies z.ZodType<MeetingSpec>;

const botMatch = z.object({
  botName: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  count: z.number().int().positive().optional(),
});

const mediaFile = z.enum(Object.keys(MEDIA_FILES) as [MediaFile, ...MediaFile[]]);

const mediaFault = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: z.number().int().min(400).max(599) }),
  z.object({ type: z.literal('reset'), afterBytes: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('stall'), ms: z.number().int().min(1) }),
  z.object({ type: z.literal('short_body') }),
  z.object({ type: z.literal('expire_after_retrieve') }),
]);

const controls = {
  'fail-next-creates': z.object({
    count: z.number().int().min(1),
    status: z.union([z.literal(429), z.literal(507), z.literal(500), z.literal(502), z.literal(503)]),
    retryAfterSeconds: z.number().min(0).optional(),
  }),
  'lose-next-create-responses': z.object({ count: z.number().int().min(1) }),
  'bot-fatal': z.object({
    match: botMatch,
    subCode: z.string().min(1),
    stage: z.enum(['joining_call', 'in_waiting_room', 'in_call_not_recording', 'in_call_recording']),
  }),
  'kick-bot': z.object({ botId: z.string(), from: z.enum(['call', 'waiting_room']).optional() }),
  'crash-bot': z.object({ botId: z.string(), subCode: z.string().optional() }),
  webhooks: z.object({
    drop: z.number().min(0).max(1).optional(),
    duplicate: z.number().min(0).max(1).optional(),
    reorder: z.number().min(0).max(1).optional(),
    delayMs: z.number().min(0).optional(),
  }),
  'drop-webhooks-for': z.object({ match: botMatch }),
  'slow-responses': z.object({ ms: z.number().min(0) }),
  'slow-creates': z.object({ ms: z.number().min(0) }),
  'expire-download-urls': z.object({}).optional(),
  'expire-idempotency-keys': z.object({}).optional(),
  'media-fault': z.object({ match: botMatch.extend({ file: mediaFile.optional() }), fault: mediaFault }),
  'late-processing': z.object({ match: botMatch, seconds: z.number().min(0) }),
  'late-in-call-webhooks': z.object({ match: botMatch }),
  'redeliver-after-done': z.object({ match: botMatch }),
  'recording-permission-denied': z.object({ match: botMatch, subCode: z.string().min(1).optional() }),
  'fail-leave': z.object({
    match: botMatch,
    fault: z.union([
      z.object({ status: z.number().int().min(400).max(599) }),
      z.object({ code: z.literal('cannot_command_unstarted_bot') }),
    ]),
  }),
  'stuck-before-call': z.object({
    match: botMatch,
    stuck: z
      .object({
        stage: z.enum(['joining_call', 'in_waiting_room']).optional(),
        ignoreLeaves: z.number().int().min(0).optional(),
      })
      .optional(),
  }),
  reset: z.object({}).optional(),
} as const;

/**
 * Test-only control API under `/_emulator/` (loopback, no auth): meetings, faults (one route per
 * {@link Faults} method, kebab-cased), webhook endpoints, the audit log and the clock.
 */
export function handleControl(core: EmulatorCore, method: string, path: string, req: RouteRequest): RouteResult {
  const bad = (error: z.ZodError): RouteResult => ({ status: 400, body: drfErrors(error) });
  if (method === 'GET' && path === '/_emulator/audit') {
    return {
      status: 200,
      body: {
        bots: core.audit.bots(),
        webhookDeliveries: core.audit.webhookDeliveries(),
        requests: core.audit.requests(),
        faultHits: core.audit.faultHits(),
        chatMessages: core.audit.chatMessages(),
      },
    };
  }
  if (method === 'GET' && path === '/_emulator/audit/fault-hits') {
    return { status: 200, body: core.audit.faultHits() };
  }
  if (method === 'GET' && path === '/_emulator/clock') {
    return { status: 200, body: { now: new Date(core.clock.now()).toISOString(), timeScale: core.clock.timeScale } };
  }
  if (method === 'POST' && path === '/_emulator/meetings') {
    const spec = meetingSpecSchema.safeParse(req.body);
    if (!spec.success) return bad(spec.error);
    try {
      return { status: 201, body: core.createMeeting(spec.data) };
    } catch (err) {
      return { status: 409, body: { detail: (err as Error).message } };
    }
  }
  const meetingAction = /^\/_emulator\/meetings\/(\d+)\/(end|close-room)$/.exec(path);
  if (method === 'POST' && meetingAction) {
    const meeting = core.meetings.get(meetingAction[1]!);
    if (!meeting) return { status: 404, body: { detail: 'Not found.' } };
    if (meetingAction[2] === 'end') meeting.end();
    else {
      const room = z.object({ room: z.string() }).safeParse(req.body);
      if (!room.success) return bad(room.error);
      meeting.closeRoom(room.data.room);
    }
    return { status: 204 };
  }
  if (method === 'POST' && path === '/_emulator/webhook-urls') {
    const body = z.object({ url: z.url() }).safeParse(req.body);
    if (!body.success) return bad(body.error);
    core.webhooks.addUrl(body.data.url);
    return { status: 204 };
  }
  const fault = /^\/_emulator\/faults\/([a-z-]+)$/.exec(path)?.[1];
  if (method === 'POST' && fault && fault in controls)
    return applyFault(core, fault as keyof typeof controls, req.body);
  return { status: 404, body: { detail: 'Not found.' } };
}

type Controls = typeof controls;

const actions: { [K in keyof Controls]: (f: Faults, args: z.infer<Controls[K]>) => void } = {
  'fail-next-creates': (f, a) => f.failNextCreates(a.count, a.status, a.retryAfterSeconds),
  'lose-next-create-responses': (f, a) => f.loseNextCreateResponses(a.count),
  'bot-fatal': (f, a) => f.botFatal(a.match, a.subCode, a.stage),
  'kick-bot': (f, a) => f.kickBot(a.botId, a.from),
  'crash-bot': (f, a) => f.crashBot(a.botId, a.subCode),
  webhooks: (f, a) => f.webhooks(a),
  'drop-webhooks-for': (f, a) => f.dropWebhooksFor(a.match),
  'slow-responses': (f, a) => f.slowResponses(a.ms),
  'slow-creates': (f, a) => f.slowCreates(a.ms),
  'expire-download-urls': (f) => f.expireDownloadUrls(),
  'expire-idempotency-keys': (f) => f.expireIdempotencyKeys(),
  'media-fault': (f, a) => f.mediaFault(a.match, a.fault),
  'late-processing': (f, a) => f.lateProcessing(a.match, a.seconds),
  'late-in-call-webhooks': (f, a) => f.lateInCallWebhooks(a.match),
  'redeliver-after-done': (f, a) => f.redeliverAfterDone(a.match),
  'recording-permission-denied': (f, a) => f.recordingPermissionDenied(a.match, a.subCode),
  'fail-leave': (f, a) => f.failLeave(a.match, a.fault),
  'stuck-before-call': (f, a) => f.stuckBeforeCall(a.match, a.stuck),
  reset: (f) => f.reset(),
};

function applyFault<K extends keyof Controls>(core: EmulatorCore, name: K, raw: unknown): RouteResult {
  const parsed = controls[name].safeParse(raw ?? {});
  if (!parsed.success) return { status: 400, body: drfErrors(parsed.error) };
  actions[name](core.faults, parsed.data as z.infer<Controls[K]>);
  return { status: 204 };
}
