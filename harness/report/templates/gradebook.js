// Sort by a column (click its header; again to reverse) and filter by column
// (a text box under each header: words match text, ">50" / "<=10" compare
// numbers).  Reads only data-* attributes and text the page already shows.
(function () {
  "use strict";
  var table = document.getElementById("book");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = table.querySelectorAll("thead button[data-col]");
  var filters = table.querySelectorAll("thead input[data-col]");
  var shown = document.getElementById("shown");
  var state = { col: -1, dir: 1 };

  function value(row, col) {
    var cell = row.cells[col];
    var raw = cell.getAttribute("data-sort");
    var text = raw !== null ? raw : cell.textContent.trim();
    var num = parseFloat(text);
    return { text: text.toLowerCase(), num: isNaN(num) ? null : num };
  }

  function matches(row, col, query) {
    var v = value(row, col);
    var m = /^(<=|>=|<|>|=)\s*(-?[0-9.]+)$/.exec(query);
    if (m && v.num !== null) {
      var n = parseFloat(m[2]);
      return { "<": v.num < n, ">": v.num > n, "<=": v.num <= n, ">=": v.num >= n, "=": v.num === n }[m[1]];
    }
    return v.text.indexOf(query.toLowerCase()) !== -1;
  }

  function apply() {
    var active = [];
    filters.forEach(function (box) {
      if (box.value.trim()) { active.push([Number(box.getAttribute("data-col")), box.value.trim()]); }
    });
    var ordered = rows.slice();
    if (state.col >= 0) {
      ordered.sort(function (a, b) {
        var x = value(a, state.col), y = value(b, state.col);
        var c = (x.num !== null && y.num !== null) ? x.num - y.num : x.text.localeCompare(y.text);
        return c * state.dir || rows.indexOf(a) - rows.indexOf(b);
      });
    }
    var count = 0;
    ordered.forEach(function (row) {
      var ok = active.every(function (f) { return matches(row, f[0], f[1]); });
      row.hidden = !ok;
      if (ok) { count += 1; }
      body.appendChild(row);
    });
    shown.textContent = String(count);
  }

  headers.forEach(function (button) {
    button.addEventListener("click", function () {
      var col = Number(button.getAttribute("data-col"));
      state.dir = state.col === col ? -state.dir : (button.getAttribute("data-numeric") ? -1 : 1);
      state.col = col;
      headers.forEach(function (b) { b.parentNode.removeAttribute("aria-sort"); });
      button.parentNode.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      apply();
    });
  });
  filters.forEach(function (box) { box.addEventListener("input", apply); });
})();
