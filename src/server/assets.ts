// The page's one stylesheet and one small script, served as files from this site so the
// Content-Security-Policy can forbid every inline script and style.

import { createHash } from 'node:crypto';

export const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
a{color:#0969da;text-decoration:none} a:hover{text-decoration:underline}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
header.top{display:flex;align-items:center;gap:24px;background:#24292f;color:#fff;padding:0 24px;height:52px}
header.top .brand{font-weight:700;font-size:16px;color:#fff;letter-spacing:.2px}
header.top nav{display:flex;gap:4px;flex:1}
header.top nav a{color:#d0d7de;padding:6px 12px;border-radius:6px;font-weight:500}
header.top nav a:hover{background:#32383f;text-decoration:none;color:#fff}
header.top nav a.active{background:#424a53;color:#fff}
.count{display:inline-block;min-width:20px;margin-left:6px;padding:0 7px;border-radius:10px;background:#57606a;color:#fff;font-size:12px;text-align:center}
.count.hot{background:#bf3989}
header.top .who{color:#d0d7de;font-size:13px;display:flex;gap:10px;align-items:center}
header.top .who a,header.top .who button{color:#fff}
header.top .who form{display:inline}
header.top .who button{background:none;border:1px solid #57606a;border-radius:6px;padding:3px 10px;cursor:pointer;font:inherit}
main{padding:20px 24px 48px;max-width:1500px;margin:0 auto}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 10px}
.sub{color:#57606a;margin:0 0 16px}
.flash{border-radius:6px;padding:10px 14px;margin:0 0 16px;border:1px solid #54aeff66;background:#ddf4ff}
.flash.warn{border-color:#d4a72c66;background:#fff8c5}
.flash.error{border-color:#ff818266;background:#ffebe9}
.panel{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:0 0 16px}
.panel.pad,.pad{padding:14px 16px}
form.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-end;padding:12px 16px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:#57606a;font-weight:600;gap:3px}
input[type=text],input[type=search],input[type=password],select{font:inherit;padding:5px 8px;border:1px solid #d0d7de;border-radius:6px;background:#fff;color:#1f2328}
input[type=search]{width:220px}
.btn{font:inherit;font-weight:500;padding:5px 14px;border-radius:6px;border:1px solid #d0d7de;background:#f6f8fa;color:#24292f;cursor:pointer;white-space:nowrap}
.btn:hover{background:#eef1f4;text-decoration:none}
.btn.accept{background:#1f883d;border-color:#1a7f37;color:#fff} .btn.accept:hover{background:#1a7f37}
.btn.reject{background:#fff;border-color:#cf222e;color:#cf222e} .btn.reject:hover{background:#ffebe9}
.btn.primary{background:#0969da;border-color:#0969da;color:#fff}
.btn.small{padding:2px 9px;font-size:12.5px}
.btn[disabled]{opacity:.45;cursor:not-allowed}
.actionbar{display:flex;flex-wrap:wrap;gap:10px;align-items:center;padding:10px 16px;border-bottom:1px solid #d0d7de;background:#f6f8fa;border-radius:8px 8px 0 0;position:sticky;top:0;z-index:2}
.actionbar .note{flex:1;min-width:220px;max-width:460px}
.actionbar .selected{color:#57606a;font-size:13px;min-width:90px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:8px 10px;border-top:1px solid #eaeef2;vertical-align:top}
th{font-size:12px;color:#57606a;font-weight:600;border-top:none;background:#fff}
tr:hover td{background:#f9fafb}
td.check{width:28px} td.check input,th.check input{margin:3px 0 0}
td.entity b{display:block} td.entity small,.muted{color:#57606a;font-size:12px}
td.value{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;word-break:break-word;max-width:320px}
td.value.local{background:#fff8f0} td.value.remote{background:#f0f8ff}
tr:hover td.value.local{background:#fff1e0} tr:hover td.value.remote{background:#e3f1ff}
td.value .none{color:#8c959f}
td.evidence a,td.evidence span{display:inline-block;margin-right:8px;font-size:12.5px}
td.actions{white-space:nowrap;width:1%} td.actions .btn{margin:0 0 4px}
.kind{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;background:#ddf4ff;color:#0969da;white-space:nowrap}
.kind-update,.kind-ended,.kind-conflict,.kind-local-conflict,.kind-mismatch{background:#fff1e5;color:#bc4c00}
.kind-missing,.kind-redirect,.kind-moved{background:#ffebe9;color:#cf222e}
.kind-upstream{background:#dafbe1;color:#1a7f37}
.status{display:inline-block;border-radius:6px;padding:0 7px;font-size:12px;font-weight:600;border:1px solid #d0d7de;color:#57606a;background:#f6f8fa}
.status-open{color:#0969da;border-color:#54aeff;background:#fff}
.status-decided,.status-applied,.status-done{color:#1a7f37;border-color:#4ac26b;background:#dafbe1}
.status-snoozed,.status-failed{color:#cf222e;border-color:#ff8182;background:#ffebe9}
.status-partial{color:#bc4c00;border-color:#fb8f44;background:#fff1e5}
.status-running{color:#9a6700;border-color:#d4a72c;background:#fff8c5}
.note-text{display:block;color:#57606a;font-size:12px;margin-top:3px;max-width:220px;word-break:break-word}
.pager{display:flex;gap:16px;align-items:center;padding:12px 16px;border-top:1px solid #eaeef2;color:#57606a}
.pager .next{margin-left:auto}
.empty{padding:28px 16px;color:#57606a;text-align:center}
.stats{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}
.stat{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:6px 12px;min-width:84px}
.stat b{font-size:17px;display:block}
.stat span{font-size:12px;color:#57606a}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.num,th.num{text-align:right}
.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px;align-items:start}
@media (max-width:1000px){.grid{grid-template-columns:1fr}}
pre.record{margin:0;padding:12px 14px;overflow:auto;max-height:420px;font-size:12.5px;background:#f6f8fa;border-radius:0 0 8px 8px}
.panel h2{margin:0;padding:10px 14px;font-size:14px;border-bottom:1px solid #d0d7de;display:flex;gap:10px;align-items:center}
.panel h2 .grow{flex:1}
details summary{cursor:pointer;padding:10px 14px;font-weight:600}
.progress{display:flex;gap:12px;align-items:center;padding:12px 16px}
.bar{flex:1;max-width:420px;height:8px;border-radius:4px;background:#eaeef2;overflow:hidden}
.bar i{display:block;height:100%;width:0;background:#0969da;transition:width .4s}
.spinner{width:14px;height:14px;border:2px solid #d0d7de;border-top-color:#0969da;border-radius:50%;animation:spin 1s linear infinite}
.done .spinner{display:none}
@keyframes spin{to{transform:rotate(360deg)}}
.login{max-width:420px;margin:40px auto}
.login form{display:flex;flex-direction:column;gap:12px;padding:18px}
.login input[type=password]{width:100%}
.failures li{margin:3px 0}
.held-actions{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:10px 0 2px}
.held-actions .note{flex:1;min-width:220px;max-width:460px}
td time{white-space:nowrap}
#card-text{white-space:pre-wrap;word-break:break-word}
`;

export const SCRIPT = `
'use strict';
(function () {
  // Select all (per table) / count the selected proposals; the bulk buttons act on the ticked rows.
  var boxes = function (root) {
    return Array.prototype.slice.call((root || document).querySelectorAll('input[name=id]'));
  };
  var alls = Array.prototype.slice.call(document.querySelectorAll('input.select-all'));
  var shown = document.getElementById('selected-count');
  var bulk = document.querySelectorAll('[data-bulk]');
  function update() {
    var n = boxes().filter(function (b) { return b.checked; }).length;
    if (shown) shown.textContent = n === 1 ? '1 selected' : n + ' selected';
    for (var i = 0; i < bulk.length; i++) bulk[i].disabled = n === 0;
    alls.forEach(function (all) {
      var mine = boxes(all.closest('table'));
      all.checked = mine.length > 0 && mine.every(function (b) { return b.checked; });
    });
  }
  alls.forEach(function (all) {
    all.addEventListener('change', function () {
      boxes(all.closest('table')).forEach(function (b) { b.checked = all.checked; });
      update();
    });
  });
  document.addEventListener('change', function (e) { if (e.target && e.target.name === 'id') update(); });
  if (shown) update();

  // Filter menus apply as soon as they change.
  var filters = document.querySelector('form.filters');
  if (filters) filters.addEventListener('change', function (e) {
    if (e.target && e.target.tagName === 'SELECT') filters.submit();
  });

  // A refresh's progress, polled once a second until its run is done; then the page reloads.
  var box = document.getElementById('refresh-progress');
  if (!box) return;
  var text = box.querySelector('[data-text]');
  var bar = box.querySelector('.bar i');
  var url = '/api/runs/' + encodeURIComponent(box.getAttribute('data-run')) + '/progress';
  var started = Date.now();
  function poll() {
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        box.setAttribute('data-state', p.state);
        text.textContent = p.message;
        var pr = p.progress || {};
        var total = Math.max(pr.batches || 0, 1);
        if (bar) bar.style.width = (p.state === 'done' ? 100 : Math.round(100 * (pr.done || 0) / total)) + '%';
        if (p.state === 'done' || p.state === 'partial' || p.state === 'failed') {
          box.classList.add('done');
          setTimeout(function () { location.replace(box.getAttribute('data-done')); }, 600);
          return;
        }
        setTimeout(poll, 1000);
      })
      .catch(function () {
        text.textContent = 'Lost contact with the server; retrying…';
        if (Date.now() - started < 3600000) setTimeout(poll, 2000);
      });
  }
  poll();
})();
`;

/** A short content hash, so the pages can ask for the assets by a URL that changes with them. */
export const ASSET_VERSION = createHash('sha256')
  .update(STYLE + SCRIPT)
  .digest('hex')
  .slice(0, 10);
