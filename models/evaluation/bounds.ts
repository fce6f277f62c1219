import { hourIndex, terminalWindow } from '../../functions/fraud/features';
import { FRAUD_RULES, type Simulation } from '../simulator/simulate';

/**
 * What card precision@k can reach on a simulation, whatever the model: the evaluation's bounds.
 *
 * A fraud is "visible" when the data the features read could show it under the protocol's 7-day label delay:
 * - scenario 1 (amount over 220) and scenario 3 (a card's amounts multiplied by 5): the payment and the card's
 *   own history show them. All of them count as visible, including those that do not stand out (generous).
 * - scenario 2 (a compromised terminal): once a fraud of the terminal's current compromise sits in an hour the
 *   terminal windows read (at or before H - 169). Before that nothing tells: the simulator picks the compromised
 *   terminals at random and leaves their payments as they were, so a terminal compromised in the last 7 days
 *   looks like any other. A compromise is a run of the terminal's scenario-2 frauds without a gap longer than
 *   the compromise itself; two compromises that close together count as one (generous again).
 */
export function visibleFrauds(sim: Simulation): Uint8Array {
  const visible = new Uint8Array(sim.count);
  const runStartHour = new Float64Array(sim.options.terminals).fill(NaN);
  const lastFraudSeconds = new Float64Array(sim.options.terminals).fill(NaN);
  const maxGapSeconds = FRAUD_RULES.terminalCompromiseDays * 86_400;
  for (let i = 0; i < sim.count; i++) {
    const scenario = sim.scenario[i] as number;
    if (scenario === 1 || scenario === 3) visible[i] = 1;
    if (scenario !== 2) continue;
    const t = sim.terminal[i] as number;
    const seconds = sim.timeSeconds[i] as number;
    const hour = hourIndex(sim.startMs + seconds * 1000);
    // NaN compares false: a terminal's first fraud starts a run
    if (!(seconds - (lastFraudSeconds[t] as number) <= maxGapSeconds)) runStartHour[t] = hour;
    lastFraudSeconds[t] = seconds;
    if ((runStartHour[t] as number) <= terminalWindow(hour, 1).to) visible[i] = 1;
  }
  return visible;
}

/** The scores with the `first` rows moved above all others (scores are probabilities in [0, 1]), order kept within. */
export function rankedFirst(scores: ArrayLike<number>, first: ArrayLike<number>): Float64Array {
  return Float64Array.from(scores, (s, i) => (first[i] ? 2 + s : s));
}
