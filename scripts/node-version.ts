/**
 * Imported first by every entry point: the project needs Node 24, and older Nodes fail far from the
 * cause (Node 20 dies inside undici on `createZstdDecompress`). One line says what is needed and the
 * README's command that provides it. No imports, so it runs on any Node before anything else loads.
 */
export const REQUIRED_NODE_MAJOR = 24;

const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_NODE_MAJOR) {
  process.stderr.write(
    `breakout-recorder needs Node ${REQUIRED_NODE_MAJOR} (this is Node ${process.versions.node}): ` +
      `run export PATH="$(scripts/node24.sh):$PATH" in the project directory, then try again\n`,
  );
  process.exit(1);
}
