import type { ArtifactStore } from '../src/artifacts/store';
import type { RecallClient } from '../src/recall';
import { createBotActivities } from './bot-activities';
import { createCollectActivities } from './collect-artifacts';
import { createManifestActivities } from './manifest-activities';
import { createMeetingRecordActivities } from './meeting-record';
import { createDeletionActivities } from './deletion-activities';
import { createNoticeActivities } from './notice-activities';
import { createNotifyActivities, type NotifySecrets } from './notify-activities';

export interface ActivityDeps {
  recall: RecallClient;
  store: ArtifactStore;
  /** Signing secrets of ready callbacks, by name (`NOTIFY_SECRETS`); none: callbacks fail, typed. */
  notifySecrets?: NotifySecrets;
}

/** Every activity of the project, bound to its dependencies; workflows import only the type. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createBotActivities(deps.recall),
    ...createCollectActivities(deps.recall, deps.store),
    ...createManifestActivities(deps.store),
    ...createMeetingRecordActivities(deps.store),
    ...createNoticeActivities(deps.recall),
    ...createNotifyActivities(deps.store, deps.notifySecrets ?? {}),
    ...createDeletionActivities(deps.recall, deps.store),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type * from './types';
