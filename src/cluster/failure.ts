import { RuntimeFailure, UsageError, messageParts, partsFromData, partsToData, type MessagePartData } from '../errors/index.js';

/**
 * A unit's error as it crosses the queue (BullMQ keeps only a message string): its class and its
 * message parts (option names stay marked, so the CLI still renders them as its flags) as JSON.
 */
const MARK = 'chaosgrad-error ';

interface FailureData {
  name: string;
  parts: MessagePartData[];
}

export function encodeFailure(e: Error, name = e.name): string {
  return MARK + JSON.stringify({ name, parts: partsToData(messageParts(e)) } satisfies FailureData);
}

function parse(reason: string): FailureData | null {
  if (!reason.startsWith(MARK)) return null;
  try {
    return JSON.parse(reason.slice(MARK.length)) as FailureData;
  } catch {
    return null;
  }
}

/** For logs: "[UsageError] dt must be > 0". */
export function failureText(reason: string): string {
  const f = parse(reason);
  return f ? `[${f.name}] ${partsFromData(f.parts).join('')}` : reason;
}

/** The error of unit `unit` with its class (exit 2 for usage errors and rejected payloads, else 1). */
export function rebuildFailure(reason: string, unit: number): Error {
  const f = parse(reason);
  const parts = [`unit ${unit}: `, ...(f ? partsFromData(f.parts) : [reason])];
  return f && (f.name === 'UsageError' || f.name === 'PayloadError') ? new UsageError(parts) : new RuntimeFailure(parts);
}

/** Is this the reason of a rejected payload? */
export function isRejection(reason: string): boolean {
  return parse(reason)?.name === 'PayloadError';
}
