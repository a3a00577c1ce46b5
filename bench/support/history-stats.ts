/**
 * What a workflow history costs: its events, and its billable actions as Temporal Cloud counts them
 * (start, signals, timers, activities and their retries, search attribute upserts, child starts,
 * markers, updates). Heartbeats and queries leave no event and are not counted here.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

const EventType = temporal.api.enums.v1.EventType;

const ONE_ACTION = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  EventType.EVENT_TYPE_TIMER_STARTED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_MARKER_RECORDED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
]);

export interface HistoryStats {
  events: number;
  actions: number;
  /** Event type names (without the EVENT_TYPE_ prefix) and how often each occurs. */
  byType: Record<string, number>;
}

export function historyStats(history: History): HistoryStats {
  const events = history.events ?? [];
  const byType: Record<string, number> = {};
  let actions = 0;
  for (const event of events) {
    const type = event.eventType ?? 0;
    const name = (EventType[type] ?? String(type)).replace(/^EVENT_TYPE_/, '');
    byType[name] = (byType[name] ?? 0) + 1;
    if (ONE_ACTION.has(type)) actions++;
    // Every retry of an activity is one more action.
    const attempt = event.activityTaskStartedEventAttributes?.attempt ?? 1;
    if (attempt > 1) actions += attempt - 1;
  }
  return { events: events.length, actions, byType };
}
