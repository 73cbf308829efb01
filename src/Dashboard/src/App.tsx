import { PerfPage } from './pages/PerfPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
import { useRoute } from './router';

export function App() {
  const route = useRoute();
  const [first, second] = route.path;
  let page;
  if (first === 'runs' && second) page = <RunPage key={second} runId={second} />;
  else if (first === 'perf') page = <PerfPage events={Number(route.query.get('events') ?? 100000)} />;
  else page = <RunsPage workflowId={route.query.get('workflow') ?? undefined} />;
  return (
    <div className="app">
      <header className="topbar">
        <a href="#/" className="brand">
          ShipSec Runs
        </a>
        <a href="#/">Runs</a>
      </header>
      <main>{page}</main>
    </div>
  );
}
