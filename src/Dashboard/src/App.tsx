import { DiffPage } from './pages/DiffPage';
import { PerfPage } from './pages/PerfPage';
import { ReplayPage } from './pages/ReplayPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
import { TimelinePage } from './pages/TimelinePage';
import { timelineHref, useRoute } from './router';

export function App() {
  const route = useRoute();
  const [first, second, third, fourth] = route.path;
  let page;
  if (first === 'runs' && second && route.query.get('mode') === 'replay') {
    const at = Number(route.query.get('at') ?? Number.NaN);
    page = <ReplayPage key={`${second}@${route.query.get('at') ?? ''}`} runId={second} initialAt={Number.isFinite(at) ? at : undefined} />;
  } else if (first === 'runs' && second && third === 'diff' && fourth) page = <DiffPage key={`${second}/${fourth}`} runA={second} runB={fourth} />;
  else if (first === 'runs' && second) page = <RunPage key={second} runId={second} />;
  else if (first === 'diff' && second && third) page = <DiffPage key={`${second}/${third}`} runA={second} runB={third} />;
  else if (first === 'timeline') page = <TimelinePage workflowId={route.query.get('workflow') ?? undefined} />;
  else if (first === 'perf') page = <PerfPage events={Number(route.query.get('events') ?? 100000)} />;
  else if (first === 'workflows' && second) page = <RunsPage workflowId={second} />;
  else page = <RunsPage workflowId={route.query.get('workflow') ?? undefined} />;
  return (
    <div className="app">
      <header className="topbar">
        <a href="#/" className="brand">
          ShipSec Runs
        </a>
        <a href="#/">Runs</a>
        <a href={timelineHref()} data-testid="timeline-nav">
          Timeline
        </a>
      </header>
      <main>{page}</main>
    </div>
  );
}
