/**
 * Recall regions are fully separate deployments: API keys, webhook secrets and bots are
 * region-local, and a key sent to the wrong region gets `401 Invalid token.`.
 */
export const RECALL_REGIONS = ['us-west-2', 'us-east-1', 'eu-central-1', 'ap-northeast-1'] as const;

export type RecallRegion = (typeof RECALL_REGIONS)[number];

export const DEFAULT_RECALL_REGION: RecallRegion = 'us-west-2';

export function isRecallRegion(value: string): value is RecallRegion {
  return (RECALL_REGIONS as readonly string[]).includes(value);
}

export function regionBaseUrl(region: RecallRegion): string {
  if (!isRecallRegion(region)) {
    throw new TypeError(`unknown Recall region "${String(region)}", expected one of ${RECALL_REGIONS.join(', ')}`);
  }
  return `https://${region}.recall.ai`;
}
