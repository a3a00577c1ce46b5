import { Command } from 'commander';
import { artifactUrls } from '../artifacts/artifact-urls';
import { openArtifactStore } from '../artifacts/open-store';
import { meetingWorkflowId } from '../client';
import { loadArtifactsConfig } from '../config';
import { integer } from './meeting-input-options';
import { print } from './output';

/** `breakout artifact url <meeting> <room> <kind>`: a short-lived link to one stored artifact. */
export function artifactCommand(): Command {
  const artifact = new Command('artifact').description('Stored recordings, transcripts and participant files');
  artifact.addCommand(
    new Command('url')
      .description('A presigned GET URL (S3) or the file URI (local store) for a room artifact')
      .argument('<meetingKey>')
      .argument('<roomKey>')
      .argument('<kind>', 'video, transcript, participants, participant_events, speaker_timeline, meeting_metadata')
      .option('--expires-in <seconds>', 'how long the URL works', integer('--expires-in'), 900)
      .action(
        async (meetingKey: string, roomKey: string, kind: string, flags: { expiresIn: number }, command: Command) => {
          const store = openArtifactStore(loadArtifactsConfig());
          const urls = await artifactUrls(
            store,
            { meetingWorkflowId: meetingWorkflowId(meetingKey), roomKey, kind },
            flags.expiresIn,
          );
          print(command, urls, () => urls.map((u) => u.url).join('\n'));
        },
      ),
  );
  return artifact;
}
