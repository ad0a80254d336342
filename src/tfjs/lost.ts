/** A backend's process, page or GPU context is gone (a crash, a lost context, a hang): the worker ends and the run resumes in a fresh one. */
export class BackendLost extends Error {
  override name = 'BackendLost';
}

/** The exit code of a check worker whose browser page or GPU context was lost. */
export const LOST_EXIT = 4;
