#pragma once
// The inline stylesheet and script of the HTML report (reporters/html_reporter.cpp). Kept
// apart from the markup code; the script must contain no "</" (it sits in a <script> element).

#include <string_view>

namespace mailspec::reports::html_assets {

inline constexpr std::string_view kStyle = R"CSS(
:root { --pass:#1a7f37; --fail:#cf222e; --error:#bc4c00; --skip:#6e7781; --inconclusive:#8250df; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1f2328; }
h1 { font-size: 1.5em; margin: 0 0 .2em; } h2 { font-size: 1.2em; margin: 1.4em 0 .4em; }
.meta { color: #57606a; margin: 0 0 1em; }
.incomplete { background: #fff8c5; border: 1px solid #d4a72c; padding: .4em .8em; }
.tiles { display: flex; gap: .6em; flex-wrap: wrap; }
.tile { border: 1px solid #d0d7de; border-radius: 6px; padding: .4em .9em; min-width: 6em; }
.tile b { display: block; font-size: 1.6em; }
table { border-collapse: collapse; margin: .3em 0; }
th, td { border: 1px solid #d0d7de; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.st { font-weight: 600; text-transform: uppercase; font-size: .85em; }
.st-pass { color: var(--pass); } .st-fail { color: var(--fail); } .st-error { color: var(--error); }
.st-skip { color: var(--skip); } .st-inconclusive { color: var(--inconclusive); }
.tag { display: inline-block; background: #ddf4ff; border-radius: 1em; padding: 0 .5em;
       margin: 0 .2em .1em 0; font-size: .85em; }
.filters { display: flex; gap: 1em; flex-wrap: wrap; margin: .4em 0; }
.filters label { display: flex; gap: .3em; align-items: center; }
tr.filtered { display: none; }
details > summary { cursor: pointer; }
pre { background: #f6f8fa; padding: .5em; overflow-x: auto; white-space: pre-wrap;
      word-break: break-all; margin: .3em 0; max-width: 100ch; }
.d-client { color: #0550ae; } .d-server { color: #1f2328; } .d-client_tls { color: #0a3069; }
.d-server_tls { color: #116329; } .d-note { color: #6e7781; }
.sev-violation { color: var(--fail); } .sev-notice { color: var(--skip); }
dl { display: grid; grid-template-columns: max-content auto; gap: 0 1em; margin: .3em 0; }
dt { font-weight: 600; } dd { margin: 0; word-break: break-all; }
@media print {
  .filters { display: none; }
  tr.filtered { display: table-row; }
  details > summary { list-style: none; }
  details::details-content { content-visibility: visible; display: block; }
  pre { max-width: none; }
}
)CSS";

// Filters hide rows that do not match (preset from the URL's #fragment); before printing every
// <details> is opened (and closed again after) so paper shows every transcript. data-ok on <body>
// says the script ran.
inline constexpr std::string_view kScript = R"JS(
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('#results tbody tr'));
  var selects = Array.prototype.slice.call(document.querySelectorAll('.filters select'));
  function tagsOf(row) {
    return Array.prototype.map.call(row.querySelectorAll('.tag'), function (t) { return t.textContent; });
  }
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = selects.every(function (s) {
        if (s.value === '') return true;
        if (s.name === 'tag') return tagsOf(row).indexOf(s.value) !== -1;
        return row.getAttribute('data-' + s.name) === s.value;
      });
      row.classList.toggle('filtered', !ok);
      if (ok) shown++;
    });
    document.getElementById('shown').textContent = String(shown);
  }
  // "#status=fail&vantage=outside" presets the filters: a link can point at the failures.
  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
    var i = kv.indexOf('=');
    if (i < 0) return;
    var name = decodeURIComponent(kv.slice(0, i)), value = decodeURIComponent(kv.slice(i + 1));
    selects.forEach(function (s) { if (s.name === name) s.value = value; });
  });
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  var reopened = [];
  window.addEventListener('beforeprint', function () {
    reopened = Array.prototype.filter.call(document.querySelectorAll('details'), function (d) { return !d.open; });
    reopened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    reopened.forEach(function (d) { d.open = false; });
  });
  apply();
  document.body.setAttribute('data-ok', 'true');
})();
)JS";

}  // namespace mailspec::reports::html_assets
