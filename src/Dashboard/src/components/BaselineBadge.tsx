// "vs baseline · +2 new · 1 resolved": how a run's findings moved against its baseline, linking to that diff.
import type { RunBaseline } from '../api/contracts';
import { baselineDiffHref } from '../links';
import { movementText } from '../state/changes';

export type Movement = Pick<RunBaseline, 'findingsAdded' | 'findingsResolved'>;

/** The run page's badge; the caller renders nothing when the run has no baseline. */
export function BaselineBadge({ runId, baselineRunId, movement }: { runId: string; baselineRunId: string; movement?: Movement | undefined }) {
  return (
    <a
      className={`baseline-badge${movement && movement.findingsAdded > 0 ? ' has-new' : ''}`}
      href={baselineDiffHref(runId)}
      data-testid="baseline-badge"
      data-baseline-run-id={baselineRunId}
      title={`Compare with its baseline, run ${baselineRunId}`}
    >
      vs baseline{movement && <span data-testid="baseline-movement"> · {movementText(movement)}</span>}
    </a>
  );
}

/** The runs list's cell: "+2 new · 1 resolved" against the baseline the run completed with. */
export function BaselineMovement({ runId, baseline }: { runId: string; baseline: RunBaseline }) {
  return (
    <a
      className={`baseline-movement small${baseline.findingsAdded > 0 ? ' has-new' : ''}`}
      href={baselineDiffHref(runId)}
      data-testid="run-baseline"
      data-baseline-run-id={baseline.runId}
      title={`Against its baseline, run ${baseline.runId}`}
    >
      {movementText(baseline)}
    </a>
  );
}
