// uvmcheck explain: draws the sequence diagram, the step list and the state after the selected
// step from the JSON in #explain-data. No network, no libraries: plain DOM and inline SVG.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("explain-data").textContent);
  var COL = 84, MARGIN = 12, HEAD = 34, ARROW = 22, PAD = 6, FOLD = 26, NOTE = 28;
  var folding = true, expanded = {}, selected = -1;
  var lifelineIndex = {};
  data.lifelines.forEach(function (l, i) { lifelineIndex[l.id] = i; });
  var stepsByIndex = {};
  data.steps.forEach(function (s) { stepsByIndex[s.i] = s; });

  function el(name, attrs, parent, text) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(name, cls, parent, text) {
    var e = document.createElement(name);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function x(id) { return MARGIN + COL * lifelineIndex[id] + COL / 2; }
  var width = MARGIN * 2 + COL * data.lifelines.length;

  // The rows shown: every step, or folded runs as one row each unless expanded.
  function rows() {
    var out = [], seen = {};
    data.steps.forEach(function (s) {
      if (folding && s.fold >= 0 && !expanded[s.fold]) {
        if (!seen[s.fold]) { seen[s.fold] = true; out.push({ fold: data.folds[s.fold] }); }
        return;
      }
      out.push({ step: s });
      if (s.violated && data.violation) out.push({ note: s });
    });
    return out;
  }

  function drawHead() {
    var box = document.getElementById("diagram-head");
    box.innerHTML = "";
    var svg = el("svg", { width: width, height: HEAD, id: "diagram-lifelines" }, box);
    data.lifelines.forEach(function (l) {
      var g = el("g", { "class": "head " + (l.thread ? "thread" : "object") }, svg);
      el("rect", { x: x(l.id) - COL / 2 + 6, y: 4, width: COL - 12, height: HEAD - 10, rx: 4 }, g);
      el("text", { x: x(l.id), y: HEAD / 2 + 4 }, g, l.label);
    });
  }

  function drawBody() {
    var box = document.getElementById("diagram-body");
    box.innerHTML = "";
    var list = rows(), height = 8;
    list.forEach(function (r) { height += r.step ? r.step.arrows.length * ARROW + PAD : r.fold ? FOLD : NOTE; });
    var svg = el("svg", { width: width, height: height, id: "diagram", "class": "diagram" }, box);
    var defs = el("defs", {}, svg);
    var marker = el("marker", { id: "head", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#30507f" }, marker);
    var red = el("marker", { id: "head-red", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#c62828" }, red);
    data.lifelines.forEach(function (l) { el("line", { "class": "lifeline", x1: x(l.id), y1: 0, x2: x(l.id), y2: height }, svg); });
    var y = 4;
    list.forEach(function (r) {
      if (r.step) y = drawStep(svg, r.step, y);
      else if (r.fold) y = drawFold(svg, r.fold, y);
      else y = drawNote(svg, r.note, y);
    });
  }

  function drawStep(svg, s, y) {
    var h = s.arrows.length * ARROW + PAD;
    var cls = "step" + (s.violated ? " violated" : "") + (s.relevant ? "" : " dim") + (s.i === selected ? " selected" : "");
    var g = el("g", { "class": cls, "data-step": s.i, id: "row-" + s.i }, svg);
    el("rect", { "class": "bg", x: 2, y: y, width: width - 4, height: h, rx: 3 }, g);
    g.addEventListener("click", function () { select(s.i, true); });
    s.arrows.forEach(function (a, j) {
      var ay = y + 16 + j * ARROW, x1 = x(a.from), x2 = x(a.to);
      var head = s.violated ? "url(#head-red)" : "url(#head)";
      var text = j === 0 ? s.i + " " + (s["switch"] ? "⇄ " : "") + s.fn + (a.text ? ": " + a.text : "") : a.text;
      if (x1 === x2) {
        el("path", { "class": "arrow", d: "M" + x1 + "," + (ay - 6) + " h16 v10 h-14", "marker-end": head }, g);
        el("text", { "class": "label", x: x1 + 22, y: ay + 2 }, g, text);
      } else {
        el("line", { "class": "arrow", x1: x1, y1: ay, x2: x2 + (x2 > x1 ? -2 : 2), y2: ay, "marker-end": head }, g);
        el("text", { "class": "label", x: Math.min(x1, x2) + 8, y: ay - 4 }, g, text);
      }
    });
    return y + h;
  }

  function drawFold(svg, f, y) {
    var xs = f.threads.map(x), lo = Math.min.apply(null, xs) - COL / 2 + 8, hi = Math.max.apply(null, xs) + COL / 2 - 8;
    var g = el("g", { "class": "fold", "data-fold": f.id }, svg);
    el("rect", { x: lo, y: y + 3, width: Math.max(hi - lo, 260), height: FOLD - 6, rx: 4 }, g);
    el("text", { x: lo + 8, y: y + FOLD / 2 + 4 }, g, f.text + " (click to expand)");
    g.addEventListener("click", function () { expanded[f.id] = true; render(); });
    return y + FOLD;
  }

  function drawNote(svg, s, y) {
    var ids = data.violation.lifelines.length ? data.violation.lifelines : [s.arrows[0].from];
    var xs = ids.map(x), lo = Math.min.apply(null, xs) - COL / 2 + 8;
    var g = el("g", { "class": "note", id: "violation-note" }, svg);
    var text = "✗ " + data.violation.name + ": " + data.violation.detail;
    el("rect", { x: lo, y: y + 3, width: Math.max(text.length * 6.8 + 16, COL), height: NOTE - 6, rx: 4 }, g);
    el("text", { x: lo + 8, y: y + NOTE / 2 + 4 }, g, text);
    return y + NOTE;
  }

  function drawList() {
    var ol = document.getElementById("steps");
    ol.innerHTML = "";
    rows().forEach(function (r) {
      if (r.note) return;
      if (r.fold) {
        var lf = html("li", "fold", ol, r.fold.text + " (click to expand)");
        lf.addEventListener("click", function () { expanded[r.fold.id] = true; render(); });
        return;
      }
      var s = r.step;
      var li = html("li", "step" + (s.violated ? " violated" : "") + (s.relevant ? "" : " dim") + (s.i === selected ? " selected" : ""), ol);
      li.id = "item-" + s.i;
      li.setAttribute("data-step", s.i);
      li.title = s.diff;
      html("span", "n", li, String(s.i));
      html("span", "mark", li, s.violated ? "✗ " : s["switch"] ? "⇄ " : "  ");
      html("span", "actor", li, s.actor + "  ");
      html("span", "fn", li, s.fn);
      html("span", "diff", li, s.diff ? "  " + s.diff : "");
      li.addEventListener("click", function () { select(s.i, true); });
    });
  }

  // The state after step i: the boot state with every change up to and including step i applied.
  function stateAfter(i) {
    var order = [], entities = {};
    data.boot.forEach(function (e) {
      order.push(e.key);
      entities[e.key] = { group: e.group, label: e.label, facts: e.facts.map(function (f) { return [f[0], f[1]]; }) };
    });
    data.steps.forEach(function (s) {
      if (s.i > i) return;
      s.changes.forEach(function (c) {
        var e = entities[c[0]];
        if (!e) { e = entities[c[0]] = { group: c[1], label: c[2], facts: [] }; order.push(c[0]); }
        var f = e.facts.filter(function (p) { return p[0] === c[3]; })[0];
        if (c[5] === null) {
          e.facts = e.facts.filter(function (p) { return p[0] !== c[3]; });
          e.gone = e.facts.length === 0;
        } else {
          if (f) f[1] = c[5]; else e.facts.push([c[3], c[5]]);
          e.gone = false;
        }
      });
    });
    return order.filter(function (k) { return !entities[k].gone; })
      .map(function (k) { entities[k].key = k; return entities[k]; });
  }

  function drawState() {
    var box = document.getElementById("state");
    box.innerHTML = "";
    var s = stepsByIndex[selected];
    document.getElementById("state-title").textContent = s
      ? "State after step " + s.i + " (" + s.actor + ": " + s.fn + ")" : "State at boot";
    var changed = {};
    if (s) s.changes.forEach(function (c) { changed[c[0] + "." + c[3]] = c[4]; });
    var group = null, table = null;
    stateAfter(selected).forEach(function (e) {
      if (e.group !== group) {
        group = e.group;
        html("h3", "", box, group);
        table = html("table", "", box);
      }
      var tr = html("tr", data.named.indexOf(e.label) >= 0 ? "named" : "", table);
      tr.setAttribute("data-entity", e.key);
      html("td", "entity", tr, e.label);
      var td = html("td", "", tr);
      e.facts.forEach(function (f) {
        var key = e.key + "." + f[0];
        var span = html("span", "fact" + (key in changed ? " changed" : ""), td);
        span.appendChild(document.createTextNode(f[0] + "="));
        if (key in changed && changed[key] !== null) html("span", "was", span, changed[key]);
        span.appendChild(document.createTextNode(f[1]));
      });
    });
  }

  function select(i, scroll) {
    selected = i;
    var rowsEls = document.querySelectorAll("[data-step]");
    for (var k = 0; k < rowsEls.length; k++) {
      var on = Number(rowsEls[k].getAttribute("data-step")) === i;
      rowsEls[k].classList.toggle("selected", on);
    }
    drawState();
    if (scroll) {
      var row = document.getElementById("row-" + i), item = document.getElementById("item-" + i);
      if (row) scrollInto(document.getElementById("diagram-scroll"), row);
      if (item) scrollInto(document.getElementById("steps"), item);
    }
  }

  // Scrolls only the given container (not the page) so the element sits in its middle.
  function scrollInto(container, elem) {
    var c = container.getBoundingClientRect(), r = elem.getBoundingClientRect();
    container.scrollTop += (r.top - c.top) - (c.height - r.height) / 2;
  }

  function render() {
    drawHead();
    drawBody();
    drawList();
    select(selected, true);
  }

  window.addEventListener("error", function (ev) { document.body.setAttribute("data-error", String(ev.message)); });
  document.getElementById("fold").addEventListener("change", function (ev) { folding = ev.target.checked; render(); });
  var violated = data.steps.filter(function (s) { return s.violated; })[0];
  selected = violated ? violated.i : data.steps.length ? data.steps[data.steps.length - 1].i : -1;
  render();
  document.body.setAttribute("data-rendered", "ok");
})();
