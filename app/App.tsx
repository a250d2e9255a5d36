// The page: header with the adapter badge, the training panel, the stack editor and the inspector of
// the selected block, the live loss chart and the latest sample; below them the charts against context
// length, the runs table and the inside views (memory per layer, attention maps, states). App selects
// nothing from the store, so training-rate updates never re-render it.
import { LossChart } from './components/Charts/LossChart';
import { CurvesPanel } from './components/Curves/CurvesPanel';
import { RunsTable } from './components/Runs/RunsTable';
import { Header } from './components/Header/Header';
import { Inspector } from './components/Inspector/Inspector';
import { InsidePanel } from './components/Inside/InsidePanel';
import { StackEditor } from './components/StackEditor/StackEditor';
import { SampleView } from './components/Sample/SampleView';
import { TrainPanel } from './components/TrainPanel/TrainPanel';

export function App() {
  return (
    <div className="app">
      <Header />
      <main className="layout">
        <TrainPanel />
        <StackEditor />
        <Inspector />
        <LossChart />
        <SampleView />
      </main>
      <div className="compare-layout">
        <CurvesPanel />
        <RunsTable />
        <InsidePanel />
      </div>
    </div>
  );
}
