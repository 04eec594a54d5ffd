// The standalone HTML report (mlwb drift --html): the same page, its report read from the JSON
// block that the file carries (aggregated data only).
import './style.css';
import type { DriftReport } from '../../src/core/drift/types';
import { DriftReportView, reviveNumbers } from './render';

const data = document.getElementById('report-data')?.textContent ?? 'null';
new DriftReportView(document.getElementById('app') as HTMLElement).render(reviveNumbers(JSON.parse(data) as DriftReport));
