/** Every workflow the worker runs; the bundle's entry point. */
export { meetingWorkflow } from './meeting-workflow';
export { roomWorkflow } from './room-workflow';
export { notifyWorkflow } from './notify-workflow';
export { deletionWorkflow } from './deletion-workflow';
