export { meetingsApi, type MeetingsApiOptions } from './meetings-routes';
