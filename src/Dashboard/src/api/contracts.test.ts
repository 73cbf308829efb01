// Enum wire names can't be checked by tsc (JSON modules widen strings), so they are checked here
// against the fixtures generated from the C# enums.
import { describe, expect, it } from 'vitest';
import { attemptPhaseKinds, findingSeverities, nodeChanges, outputStreams, nodeStatuses, runStatuses, runTriggerKinds, traceEventLevels, traceEventTypes } from './contracts';
import enums from './fixtures/enums.json';
import traceEvents from './fixtures/trace-events.json';
import runSummaries from './fixtures/run-summaries.json';

describe('contract enums', () => {
  it('match the C# enums exactly', () => {
    expect([...traceEventTypes]).toEqual(enums.traceEventTypes);
    expect([...traceEventLevels]).toEqual(enums.traceEventLevels);
    expect([...runStatuses]).toEqual(enums.runStatuses);
    expect([...nodeStatuses]).toEqual(enums.nodeStatuses);
    expect([...nodeChanges]).toEqual(enums.nodeChanges);
    expect([...findingSeverities]).toEqual(enums.findingSeverities);
    expect([...runTriggerKinds]).toEqual(enums.runTriggerKinds);
    expect([...outputStreams]).toEqual(enums.outputStreams);
    expect([...attemptPhaseKinds]).toEqual(enums.attemptPhaseKinds);
  });

  it('cover every value used in the fixtures', () => {
    for (const event of traceEvents) {
      expect(traceEventTypes).toContain(event.type);
      expect(traceEventLevels).toContain(event.level);
      if (event.status !== undefined) expect(runStatuses).toContain(event.status);
      if (event.finding !== undefined) expect(findingSeverities).toContain(event.finding.severity);
      if (event.output !== undefined) expect(outputStreams).toContain(event.output.stream);
    }
    for (const run of runSummaries) expect(runStatuses).toContain(run.status);
  });
});
