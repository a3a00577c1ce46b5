/** What a bot needs from its `meeting_url`; echoed as the bot object's `meeting_url`. */
export interface ZoomMeetingRef {
  meetingId: string;
  password: string | null;
}

/**
 * Parses Zoom join links (`https://<sub>.zoom.us/j/<id>?pwd=...`, also `/s/`, `/w/` and
 * `/wc/join/`). The emulator only simulates Zoom, so anything else is rejected as a bad URL.
 */
export function parseZoomUrl(raw: string): ZoomMeetingRef | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (!/^(.+\.)?zoom\.us$/.test(url.hostname)) return undefined;
  const match = /^\/(?:j|s|w|wc\/join|wc)\/(\d+)(?:\/|$)/.exec(url.pathname);
  if (!match) return undefined;
  return { meetingId: match[1]!, password: url.searchParams.get('pwd') };
}
