import type { AuditBot, AuditLog, ChatMessageRecord, FaultHit, RequestRecord, WebhookDelivery } from './types';

/** What happened, for tests and chaos runs to check invariants against; times are real epoch ms. */
export class AuditStore implements AuditLog {
  private readonly botList: AuditBot[] = [];
  private readonly byId = new Map<string, AuditBot>();
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly requestList: RequestRecord[] = [];
  private readonly hits: FaultHit[] = [];
  private readonly chats: ChatMessageRecord[] = [];

  addBot(bot: AuditBot): void {
    this.botList.push(bot);
    this.byId.set(bot.id, bot);
  }

  addDelivery(delivery: WebhookDelivery): void {
    this.deliveries.push(delivery);
  }

  addRequest(request: RequestRecord): void {
    this.requestList.push(request);
  }

  /** Records a fault that took effect now. */
  addFaultHit(hit: Omit<FaultHit, 'at'>): void {
    this.hits.push({ ...hit, at: Date.now() });
  }

  addChatMessage(message: ChatMessageRecord): void {
    this.chats.push(message);
  }

  bots(): AuditBot[] {
    return [...this.botList];
  }

  bot(id: string): AuditBot | undefined {
    return this.byId.get(id);
  }

  webhookDeliveries(): WebhookDelivery[] {
    return [...this.deliveries];
  }

  requests(): RequestRecord[] {
    return [...this.requestList];
  }

  faultHits(): FaultHit[] {
    return [...this.hits];
  }

  chatMessages(): ChatMessageRecord[] {
    return [...this.chats];
  }
}
