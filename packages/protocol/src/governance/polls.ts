/**
 * Rules of polls that node, SDK and dApp share: a poll's state at a chain time, whether a vote's
 * own time falls in its window, and whether a choice fits it. Pure functions; times are unix
 * seconds except a record's `createdAt` (ms).
 */
import type { PollV1 } from "../records/poll.ts";
import type { PollChoice } from "../records/poll-vote.ts";

/** Before `start`, from `start` to `end` (inclusive), after `end`. */
export type PollState = "upcoming" | "active" | "ended";
export const POLL_STATES = ["upcoming", "active", "ended"] as const satisfies readonly PollState[];

/** The state of `poll` at `timestamp` (unix seconds; the chain's latest block time for nodes). */
export function pollStateAt(poll: Pick<PollV1, "start" | "end">, timestamp: number): PollState {
  if (timestamp < poll.start) return "upcoming";
  return timestamp <= poll.end ? "active" : "ended";
}

/** Whether a vote created at `createdAt` (ms) is in the window: start <= its second <= end. */
export function inPollWindow(poll: Pick<PollV1, "start" | "end">, createdAt: number): boolean {
  const second = Math.floor(createdAt / 1000);
  return second >= poll.start && second <= poll.end;
}

/** Why `choice` does not fit `poll` (its system and number of choices), or undefined if it does. */
export function choiceProblem(poll: Pick<PollV1, "system" | "choices">, choice: PollChoice): string | undefined {
  const count = poll.choices.length;
  const outOfRange = (index: number) => `choice ${index} is out of range: the poll has choices 0-${count - 1}`;
  switch (poll.system) {
    case "single":
      if (typeof choice !== "number") return "a single-choice poll takes one choice index";
      return choice < count ? undefined : outOfRange(choice);
    case "approval": {
      if (!Array.isArray(choice)) return "an approval poll takes a list of the approved choice indices";
      const above = choice.find((index) => index >= count);
      return above === undefined ? undefined : outOfRange(above);
    }
    case "quadratic": {
      if (typeof choice !== "object" || Array.isArray(choice)) {
        return 'a quadratic poll takes points per choice index, e.g. { "0": 1, "2": 3 }';
      }
      const above = Object.keys(choice)
        .map(Number)
        .find((index) => index >= count);
      return above === undefined ? undefined : outOfRange(above);
    }
  }
}

/**
 * The points a vote gives each choice: single, 1 to its choice; approval, 1 to each approved
 * choice; quadratic, the points given (zeros included). `choice` must fit the poll.
 */
export function pointsOf(count: number, choice: PollChoice): bigint[] {
  const points = Array.from({ length: count }, () => 0n);
  if (typeof choice === "number") points[choice] = 1n;
  else if (Array.isArray(choice)) for (const index of choice) points[index] = 1n;
  else for (const [index, given] of Object.entries(choice)) points[Number(index)] = BigInt(given);
  return points;
}
