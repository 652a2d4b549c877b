/** Time is passed in, so tests can move it (scheduled publication, flood windows). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
