// The Census page: every dataset's and platform's census, and the weeks of all datasets together.
'use strict';
(() => {
  const {showError, live, param} = Revenant;
  const summary = document.getElementById('summary');
  const since = param('since');

  async function load() {
    try {
      const census = await Revenant.getJson('/api/census' + (since ? '?since=' + encodeURIComponent(since) : ''));
      RevenantCensus.table(document.getElementById('census-datasets'), census.datasets, 'Dataset');
      RevenantCensus.table(document.getElementById('census-platforms'), census.platforms, 'Platform');
      RevenantCensus.weeklyChart(document.getElementById('census-chart'), RevenantCensus.weeks(census.datasets),
        'Mirrors per week, all datasets');
      summary.textContent = (census.partial ? 'Partial: an instance did not answer. ' : '')
        + (since ? 'Weeks and medians from ' + since + '. ' : '') + 'Counts of open, resolved and suppressed mirrors are as of now.';
    } catch (e) {
      showError(summary, e);
    }
  }

  load();
  let pending = null;
  live(() => { if (!pending) pending = setTimeout(() => { pending = null; load(); }, 2000); }, document.getElementById('live'));
})();
