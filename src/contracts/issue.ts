import type { z } from 'zod';

/** The first issue of a zod error, its path written the way a person would: `rooms[2].key`. */
export function firstIssue(error: z.ZodError, root = 'input'): { field: string; message: string } {
  const issue = error.issues[0];
  const path = (issue?.path ?? []).reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    '',
  );
  return { field: path || root, message: issue?.message ?? 'is invalid' };
}
