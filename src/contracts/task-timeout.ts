/**
 * The workflow task timeout of meetings and rooms. A task the worker had started when it died is
 * scheduled again only after this long, and every query to the workflow waits with it: Temporal's
 * 10 s default made recovery from a worker SIGKILL take 10 s and more. A task has to finish within
 * it: a room's longest task is a replay of a history bounded by its continue-as-new (2,000 events),
 * well under a second.
 */
export const WORKFLOW_TASK_TIMEOUT = '4s';
