//! The page's inline style sheet and the script that sorts its tables.

/// The scorecard's style sheet (its classes: `header`, `.card`, `.badge.lv-*`, `.st-*`, …),
/// which the server's dashboard shares.
pub const STYLE: &str = r#"
:root{color-scheme:light;--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f5f7fa;--card:#fff;--accent:#2f5fb3;
--pass:#d3f2dc;--pass-ink:#14532d;--fail:#fbd5d2;--fail-ink:#8f1414;--unk:#fdf0c2;--unk-ink:#6b4e00;--na:#f0f2f5;--na-ink:#7b8794;
--exempt:#dde8fb;--exempt-ink:#1e40af;--err:#f1dcf7;--err-ink:#6b2180;
--gold:#e0a800;--silver:#9aa5b1;--bronze:#b5651d;--none:#d64545;--unscored:#cbd2d9;--good:#2f9e44;--fair:#e8a317;--poor:#d64545}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans","DejaVu Sans",sans-serif}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace;font-size:.92em}
a{color:var(--accent)}
header{display:flex;justify-content:space-between;align-items:flex-start;gap:24px;padding:18px 32px;background:#102a43;color:#fff}
.brand{display:flex;gap:14px;align-items:center}
h1{margin:0;font-size:24px;font-weight:650}
.sub{margin:2px 0 0;color:#bcccdc}
.gate{padding:8px 14px;border-radius:8px;max-width:60%;font-size:13px}
.gate ul{margin:4px 0 0;padding-left:18px}
.gate-pass{background:#2f9e44}
.gate-fail{background:#c92a2a}
nav{display:flex;gap:4px;padding:0 28px;background:#243b53}
nav a{color:#d9e2ec;text-decoration:none;padding:8px 10px;font-size:13px}
nav a:hover,nav a:focus{color:#fff;background:#334e68}
main{padding:8px 32px 32px;max-width:1500px}
h2{font-size:18px;margin:22px 0 10px}
h3{font-size:15px;margin:0 0 4px}
.cards{display:grid;grid-template-columns:260px 330px minmax(0,1fr);gap:16px}
.card{margin:0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
figcaption{font-weight:600;margin-bottom:6px}
.stats{display:grid;grid-template-columns:auto 1fr;gap:3px 10px;margin:12px 0 0;font-size:12.5px;border-top:1px solid var(--line);padding-top:10px}
.stats dt{color:var(--muted)}.stats dd{margin:0;font-weight:600}
.note,.hint{color:var(--muted);font-size:12.5px;margin:6px 0 0}
.hint{margin:0 0 8px}
.gauge{width:100%;max-width:230px;display:block;margin:0 auto}
.gauge .track{fill:none;stroke:#e4e7eb;stroke-width:18}
.gauge .arc{fill:none;stroke-width:18}
.gauge .big{font-size:38px;font-weight:700;text-anchor:middle;fill:var(--ink)}
.gauge .small,.donut .small{font-size:11px;text-anchor:middle;fill:var(--muted)}
.arc.band-good{stroke:var(--good)}.arc.band-fair{stroke:var(--fair)}.arc.band-poor{stroke:var(--poor)}
.donut-wrap{display:flex;align-items:center;gap:14px}
.donut{width:140px;flex:none}
.donut .ring{fill:none;stroke:#eef1f4;stroke-width:18}
.donut .seg{fill:none;stroke-width:18}
.donut .big{font-size:26px;font-weight:700;text-anchor:middle;fill:var(--ink)}
.seg.lv-gold{stroke:var(--gold)}.seg.lv-silver{stroke:var(--silver)}.seg.lv-bronze{stroke:var(--bronze)}.seg.lv-none{stroke:var(--none)}.seg.lv-unscored{stroke:var(--unscored)}
.legend{list-style:none;margin:0;padding:0;font-size:13px}
.legend li{display:flex;align-items:center;gap:7px;padding:2px 0}
.legend b{margin-left:auto;padding-left:12px}
.legend.inline{display:flex;gap:16px;margin-top:4px;color:var(--muted);font-size:12px}
.sw{display:inline-block;width:12px;height:12px;border-radius:3px}
.sw.lv-gold{background:var(--gold)}.sw.lv-silver{background:var(--silver)}.sw.lv-bronze{background:var(--bronze)}.sw.lv-none{background:var(--none)}.sw.lv-unscored{background:var(--unscored)}
.bars{width:100%;display:block}
.bars .lbl{font-size:12px;text-anchor:end;fill:var(--accent);font-family:ui-monospace,"Liberation Mono","DejaVu Sans Mono",monospace}
.bars .val{font-size:12px;fill:var(--muted)}
.bars .bar-bg{fill:#eef1f4}
rect.st-pass,.sw.st-pass{fill:#40c057;background:#40c057}rect.st-fail,.sw.st-fail{fill:#e03131;background:#e03131}rect.st-unknown,.sw.st-unknown{fill:#f2c94c;background:#f2c94c}
.scroll{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:10px}
table{border-collapse:collapse;width:100%}
caption{text-align:left;padding:8px 12px;color:var(--muted);font-size:12.5px}
th,td{padding:5px 10px;border-top:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#f0f4f8;font-size:12.5px;white-space:nowrap;border-top:none}
thead th button{all:unset;cursor:pointer;font-weight:600;display:inline-flex;gap:4px;align-items:center}
thead th button:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
th[aria-sort=ascending] .arrow::after{content:"\25B2";font-size:9px}
th[aria-sort=descending] .arrow::after{content:"\25BC";font-size:9px}
tbody th{font-weight:400}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.groups tbody th{white-space:nowrap}
.groups th,.groups td{padding:5px 7px}
.groups{font-size:13px}
.heat td,.heat th{vertical-align:middle}
.heat th.ent{white-space:nowrap}
.heat td.own{color:var(--muted);font-size:12.5px;white-space:nowrap}
.heat th.chk{text-align:center;white-space:normal;min-width:74px;line-height:1.2}
.heat th.chk button{display:inline-block}
.cell{text-align:center;white-space:nowrap;font-size:12.5px;font-weight:600;border-left:2px solid #fff}
.cell a{color:inherit;text-decoration:underline;text-underline-offset:2px;display:block}
.st-pass{background:var(--pass);color:var(--pass-ink)}
.st-fail{background:var(--fail);color:var(--fail-ink)}
.st-unknown{background:var(--unk);color:var(--unk-ink)}
.st-na{background:var(--na);color:var(--na-ink);font-weight:400}
.st-exempt{background:var(--exempt);color:var(--exempt-ink)}
.st-error{background:var(--err);color:var(--err-ink)}
.band-good-text{color:#237032;font-weight:600}.band-fair-text{color:#8a5a00;font-weight:600}.band-poor-text{color:#b02a2a;font-weight:600}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:11.5px;font-weight:600;white-space:nowrap}
.badge.lv-gold{background:#fff3c4;color:#7a5800;border:1px solid var(--gold)}
.badge.lv-silver{background:#eef1f4;color:#3e4c59;border:1px solid var(--silver)}
.badge.lv-bronze{background:#f8e6d6;color:#7a3e0b;border:1px solid var(--bronze)}
.badge.lv-none{background:var(--fail);color:var(--fail-ink);border:1px solid var(--none)}
.badge.lv-unscored{background:var(--na);color:var(--na-ink)}
.sev-critical,.fs-error{background:#c92a2a;color:#fff}.sev-high{background:#e8590c;color:#fff}.sev-medium,.fs-warning{background:#f2c94c;color:#4d3800}.sev-low,.fs-note{background:#dde8fb;color:#1e40af}
.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px}
.meter{display:inline-block;width:44px;height:8px;background:#eef1f4;border-radius:4px;margin-right:8px;vertical-align:middle;overflow:hidden}
.meter span{display:block;height:100%}
.meter .band-good{background:var(--good)}.meter .band-fair{background:var(--fair)}.meter .band-poor{background:var(--poor)}
.check{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px;margin:0 0 10px}
.check:target{outline:3px solid var(--accent)}
.check .meta{color:var(--muted);font-size:12.5px;margin:0}
.check p{margin:6px 0}
.fix{background:#e6f4ea;border-left:4px solid var(--good);padding:6px 10px;border-radius:4px}
.failing{margin:4px 0;padding-left:20px}
details summary{cursor:pointer;margin-top:6px;font-weight:600}
.unscored{margin-top:8px}
.unscored ul{columns:2;font-size:12.5px}
.muted{color:var(--muted)}
.ok{color:#237032}
.empty{color:var(--muted)}
.help{color:var(--muted);font-size:12px;margin-top:2px}
.findings td.nw{white-space:nowrap}
tr:target{outline:3px solid var(--accent)}
footer{padding:16px 32px;color:var(--muted);font-size:12px}
@media (max-width:1000px){.cards,.two{grid-template-columns:1fr}header{flex-direction:column}}
@media print{nav{display:none}.scroll{overflow:visible}}
"#;

pub(super) const SCRIPT: &str = r#"
(function(){
  function key(cell,num){
    var v=cell.getAttribute('data-sort');
    if(v===null){v=cell.textContent.trim();}
    if(num){var n=parseFloat(v);return isNaN(n)?null:n;}
    return v.toLowerCase();
  }
  var tables=document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables,function(table){
    var heads=table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads,function(th,col){
      var button=th.querySelector('button');
      if(!button){return;}
      button.addEventListener('click',function(){
        var asc=th.getAttribute('aria-sort')!=='ascending';
        Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var num=th.getAttribute('data-type')==='num';
        var body=table.tBodies[0];
        var rows=Array.prototype.slice.call(body.rows).map(function(r,i){return {r:r,i:i,k:key(r.cells[col],num)};});
        rows.sort(function(a,b){
          if(a.k===b.k){return a.i-b.i;}
          if(a.k===null){return 1;}
          if(b.k===null){return -1;}
          var c=a.k<b.k?-1:1;
          return asc?c:-c;
        });
        rows.forEach(function(x){body.appendChild(x.r);});
      });
    });
  });
})();
"#;
