// chart.js in one place: registers the components the webviews draw with (tree-shaken: no
// controllers that nobody uses) and hands out Chart. No eval, so it runs under the strict CSP.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export { Chart };
export type { ChartConfiguration } from 'chart.js';
