//! One self-contained HTML page: styles and script inline, no network fetch,
//! readable offline (and, up to [`INLINE_UNITS`] units, without script). The
//! operations table sorts by any column (click its heading), filters by text
//! and by state, and opens each operation's units (click its row); a larger
//! report keeps its units as JSON in the page and builds an operation's rows
//! when it is opened.

use crate::coverage::{CoverageReport, State};
use std::io::{self, Write};

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn state_class(state: State) -> &'static str {
    match state {
        State::Covered => "covered",
        State::InvalidOnly => "invalid-only",
        State::NotCovered => "not-covered",
    }
}

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
table{border-collapse:collapse;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}th.sortable{cursor:pointer;user-select:none}th.sortable:after{content:" \2195";color:#8c959f}
td.num,th.num{text-align:right}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
tbody.op>tr.head{cursor:pointer}tbody.op>tr.head:hover{background:#f6f8fa}
tr.units>td{background:#fbfbfc;padding:8px 8px 12px 32px}
.covered{color:#1a7f37}.invalid-only{color:#9a6700}.not-covered{color:#cf222e}
.bar{display:inline-block;width:80px;height:8px;background:#eaeef2;border-radius:4px;margin-right:6px;vertical-align:middle}
.bar>span{display:block;height:8px;background:#2da44e;border-radius:4px}
#controls{display:flex;gap:8px;margin:8px 0}#controls input{flex:1;padding:4px 8px}
.muted{color:#57606a}
"#;

const SCRIPT: &str = r#"
(function(){
  var table=document.getElementById('operations');
  var filter=document.getElementById('filter');
  var state=document.getElementById('state');
  var count=document.getElementById('shown');
  function apply(){
    var q=filter.value.toLowerCase(), s=state.value, n=0;
    Array.prototype.forEach.call(table.tBodies,function(b){
      var show=(!q||b.getAttribute('data-text').indexOf(q)>=0)&&(!s||b.getAttribute('data-state')===s);
      b.hidden=!show; if(show)n++;
    });
    count.textContent=n;
  }
  ['input','change','search'].forEach(function(e){filter.addEventListener(e,apply);}); state.addEventListener('change',apply);
  var lazy=document.getElementById('units-data'), data=null;
  var states={c:['covered','covered'],i:['invalid-only','invalid only'],n:['not-covered','not covered']};
  function cell(tr,text,cls,code){
    var td=tr.insertCell(); if(cls)td.className=cls;
    var el=td; if(code){el=document.createElement('code');td.appendChild(el);}
    el.textContent=text; return td;
  }
  function fill(b){
    var rows=b.rows[1].querySelector('tbody');
    if(!lazy||rows.rows.length||!b.hasAttribute('data-index'))return;
    if(!data)data=JSON.parse(lazy.textContent);
    data.ops[+b.getAttribute('data-index')].forEach(function(u){
      var tr=rows.insertRow(), st=states[u[2]];
      tr.className='unit'; tr.setAttribute('data-state',st[0]);
      cell(tr,data.kinds[u[0]]); cell(tr,u[1],'',true);
      var s=cell(tr,st[1],st[0]);
      if(u[7]){var m=document.createElement('span');m.className='muted';m.textContent=' '+u[7];s.appendChild(m);}
      cell(tr,String(u[3]),'num'); cell(tr,String(u[4]),'num');
      cell(tr,u[5]<0?'':data.files[u[5]]+(u[6]?':'+u[6]:''),'',true);
    });
  }
  Array.prototype.forEach.call(table.tBodies,function(b){
    b.rows[0].addEventListener('click',function(){
      fill(b);
      var u=b.rows[1]; u.hidden=!u.hidden; b.rows[0].setAttribute('aria-expanded',String(!u.hidden));
    });
  });
  var dir={};
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    if(!th.classList.contains('sortable'))return;
    th.addEventListener('click',function(){
      var key=th.getAttribute('data-key'), num=th.classList.contains('num');
      dir[key]=!dir[key];
      var bodies=Array.prototype.slice.call(table.tBodies);
      bodies.sort(function(a,b){
        var x=a.getAttribute('data-'+key), y=b.getAttribute('data-'+key);
        var c=num?(parseFloat(x)-parseFloat(y)):x.localeCompare(y);
        return dir[key]?c:-c;
      });
      bodies.forEach(function(b){table.appendChild(b);});
    });
  });
  apply();
})();
"#;

/// Reports with more units than this keep them as JSON in the page and
/// build an operation's rows when it is opened (a page of 150,000 rows takes
/// a browser seconds to lay out; this one opens at once).
pub const INLINE_UNITS: usize = 5000;

/// The units as compact JSON for the script: kinds and files by index, each
/// unit `[kind, label, state (c|i|n), valid, invalid, file or -1, line or 0, first invalid]`.
fn units_json(report: &CoverageReport) -> String {
    let mut files: Vec<&str> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let kinds: Vec<&str> = crate::coverage::Kind::ALL.iter().map(|k| k.as_str()).collect();
    let ops: Vec<Vec<serde_json::Value>> = report
        .operations
        .iter()
        .map(|op| {
            op.units
                .iter()
                .map(|u| {
                    let file = u.file.as_deref().map_or(-1, |f| {
                        *index.entry(f).or_insert_with(|| {
                            files.push(f);
                            files.len() as i64 - 1
                        })
                    });
                    let state = match u.state {
                        State::Covered => "c",
                        State::InvalidOnly => "i",
                        State::NotCovered => "n",
                    };
                    let kind = kinds.iter().position(|k| *k == u.kind.as_str()).unwrap_or(0);
                    serde_json::json!([
                        kind,
                        u.label,
                        state,
                        u.valid,
                        u.invalid,
                        file,
                        u.line.unwrap_or(0),
                        super::first_invalid(u).trim()
                    ])
                })
                .collect()
        })
        .collect();
    let text = serde_json::json!({"kinds": kinds, "files": files, "ops": ops}).to_string();
    // `<` only occurs inside strings, where `\u003c` means the same: no `</script>` can close the element early.
    text.replace('<', "\\u003c")
}

pub(super) fn write(report: &CoverageReport, out: &mut dyn Write) -> io::Result<()> {
    let lazy = report.operations.iter().map(|o| o.units.len()).sum::<usize>() > INLINE_UNITS;
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
    writeln!(
        out,
        "<title>Contract coverage: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        esc(&report.catalog)
    )?;
    writeln!(out, "<h1>Contract coverage</h1>")?;
    writeln!(
        out,
        "<p class=\"muted\">{} exchange(s) against <code>{}</code>. A unit is covered when a message without errors reached it; <span class=\"invalid-only\">invalid only</span> when only messages with errors did.</p>",
        report.exchanges,
        esc(&report.catalog)
    )?;
    writeln!(
        out,
        "<h2>By kind</h2>\n<table id=\"kinds\"><thead><tr><th>Kind</th><th class=\"num\">Units</th><th class=\"num\">Covered</th><th class=\"num\">Invalid only</th><th class=\"num\">Not covered</th><th>%</th></tr></thead><tbody>"
    )?;
    for k in &report.kinds {
        writeln!(
            out,
            "<tr data-kind=\"{0}\"><td>{0}</td><td class=\"num\">{1}</td><td class=\"num\">{2}</td><td class=\"num\">{3}</td><td class=\"num\">{4}</td><td><span class=\"bar\"><span style=\"width:{5:.0}%\"></span></span>{5:.1}%</td></tr>",
            k.kind.as_str(),
            k.units,
            k.covered,
            k.invalid_only,
            k.not_covered,
            k.percent
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    if let Some(note) = super::truncated_note(report) {
        writeln!(out, "<p class=\"muted\">Note: {}.</p>", esc(&note))?;
    }
    writeln!(out, "<h2>Operations (<span id=\"shown\">{}</span> shown)</h2>", report.operations.len())?;
    writeln!(
        out,
        "<div id=\"controls\"><input id=\"filter\" type=\"search\" placeholder=\"Filter by id, method or path\" aria-label=\"Filter operations\"><select id=\"state\" aria-label=\"Filter by state\"><option value=\"\">every state</option><option value=\"covered\">covered</option><option value=\"invalid-only\">invalid only</option><option value=\"not-covered\">not covered</option></select></div>"
    )?;
    writeln!(
        out,
        "<table id=\"operations\"><thead><tr><th class=\"sortable\" data-key=\"id\">Operation</th><th class=\"sortable\" data-key=\"method\">Method</th><th class=\"sortable\" data-key=\"path\">Path</th><th class=\"sortable\" data-key=\"state\">State</th><th class=\"sortable num\" data-key=\"percent\">Units covered</th></tr></thead>"
    )?;
    for (index, op) in report.operations.iter().enumerate() {
        let percent = crate::coverage::report::percent(op.covered, op.total);
        let text = format!("{} {} {}", op.id, op.method, op.path).to_lowercase();
        let lazy_index = if lazy { format!(" data-index=\"{index}\"") } else { String::new() };
        writeln!(
            out,
            "<tbody class=\"op\"{lazy_index} data-id=\"{id}\" data-method=\"{method}\" data-path=\"{path}\" data-state=\"{state}\" data-percent=\"{percent}\" data-text=\"{text}\">",
            id = esc(&op.id),
            method = esc(&op.method),
            path = esc(&op.path),
            state = state_class(op.state),
            text = esc(&text),
        )?;
        writeln!(
            out,
            "<tr class=\"head\" aria-expanded=\"false\"><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td class=\"{}\">{}</td><td class=\"num\"><span class=\"bar\"><span style=\"width:{percent:.0}%\"></span></span>{}/{} ({percent:.1}%)</td></tr>",
            esc(&op.id),
            esc(&op.method),
            esc(&op.path),
            state_class(op.state),
            op.state.as_str(),
            op.covered,
            op.total
        )?;
        writeln!(
            out,
            "<tr class=\"units\" hidden><td colspan=\"5\"><table class=\"units\"><thead><tr><th>Kind</th><th>Unit</th><th>State</th><th class=\"num\">Valid</th><th class=\"num\">Invalid</th><th>Declared at</th></tr></thead><tbody>"
        )?;
        for u in op.units.iter().filter(|_| !lazy) {
            let place = match (&u.file, u.line) {
                (Some(f), Some(l)) => format!("{}:{l}", esc(f)),
                (Some(f), None) => esc(f),
                _ => String::new(),
            };
            let first = match super::first_invalid(u) {
                f if f.is_empty() => f,
                f => format!(" <span class=\"muted\">{}</span>", esc(f.trim())),
            };
            writeln!(
                out,
                "<tr class=\"unit\" data-state=\"{0}\"><td>{1}</td><td><code>{2}</code></td><td class=\"{0}\">{3}{first}</td><td class=\"num\">{4}</td><td class=\"num\">{5}</td><td><code>{place}</code></td></tr>",
                state_class(u.state),
                u.kind.as_str(),
                esc(&u.label),
                u.state.as_str(),
                u.valid,
                u.invalid
            )?;
        }
        writeln!(out, "</tbody></table></td></tr>\n</tbody>")?;
    }
    writeln!(out, "</table>")?;
    writeln!(out, "<h2>Missing in spec</h2>")?;
    if report.missing_in_spec.is_empty() {
        writeln!(out, "<p class=\"muted\">All traffic matched an operation.</p>")?;
    } else {
        writeln!(
            out,
            "<table id=\"missing\"><thead><tr><th>Methods</th><th>Template</th><th class=\"num\">Exchanges</th><th>Statuses</th><th>Examples</th></tr></thead><tbody>"
        )?;
        for g in &report.missing_in_spec {
            let methods: Vec<&str> = g.methods.keys().map(String::as_str).collect();
            let statuses: Vec<String> = g.statuses.iter().map(|(s, n)| format!("{s} ×{n}")).collect();
            let examples: Vec<String> = g.examples.iter().map(|e| format!("<code>{}</code>", esc(e))).collect();
            writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&methods.join(", ")),
                esc(&g.template),
                g.count,
                esc(&statuses.join(", ")),
                examples.join(" ")
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    if report.missing_dropped > 0 {
        writeln!(
            out,
            "<p class=\"muted\">... and {} exchange(s) to further endpoints, not grouped.</p>",
            report.missing_dropped
        )?;
    }
    if !report.undocumented_statuses.is_empty() {
        writeln!(
            out,
            "<h2>Undocumented statuses</h2>\n<table id=\"undocumented\"><thead><tr><th>Operation</th><th>Status</th><th class=\"num\">Responses</th></tr></thead><tbody>"
        )?;
        for u in &report.undocumented_statuses {
            writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(&u.operation),
                u.status,
                u.count
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    if lazy {
        writeln!(
            out,
            "<noscript><p class=\"muted\">This report has {} units: they are listed when an operation is opened, which needs script. The JSON report (<code>--format json</code>) lists them all.</p></noscript>",
            report.operations.iter().map(|o| o.units.len()).sum::<usize>()
        )?;
        writeln!(out, "<script type=\"application/json\" id=\"units-data\">{}</script>", units_json(report))?;
    }
    writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>")?;
    Ok(())
}
