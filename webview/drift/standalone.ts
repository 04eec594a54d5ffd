// The standalone HTML report (mlwb drift --html): the same page, its report read from the JSON
// block that the file carries (aggregated data only).
import './style.css';
import type { DriftReport } from '../../src/core/drift/types';
import { DriftReportView } from './render';

const data = document.getElementById('report-data')?.textContent ?? 'null';
const revive = (_k: string, v: unknown) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v);
new DriftReportView(document.getElementById('app') as HTMLElement).render(JSON.parse(data, revive) as DriftReport);
