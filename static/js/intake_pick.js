// Intake step 1: find the procedure by typing (diacritics ignored by the API) and pick a variant.
(function () {
  "use strict";
  var input = document.getElementById("procedure-search");
  var list = document.getElementById("procedure-results");
  if (!input || !list) return;
  var timer = null, seq = 0;

  function option(procedure, variant) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = "?variant=" + variant.id;
    a.className = "pick";
    var title = document.createElement("strong");
    title.textContent = procedure.code + " – " + procedure.name;
    var detail = document.createElement("span");
    detail.textContent = (procedure.variants.length > 1 ? variant.name + " · " : "") + variant.time_label;
    a.appendChild(title);
    a.appendChild(document.createElement("br"));
    a.appendChild(detail);
    li.appendChild(a);
    return li;
  }

  function search() {
    var q = input.value.trim();
    var mine = ++seq;
    if (q.length < 2) { list.innerHTML = ""; return; }
    var url = input.dataset.api + "?desk=" + encodeURIComponent(input.dataset.agency) +
      "&search=" + encodeURIComponent(q);
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      if (mine !== seq) return;  // an older answer arriving late
      list.innerHTML = "";
      (data.results || []).forEach(function (p) {
        p.variants.forEach(function (v) { list.appendChild(option(p, v)); });
      });
      if (!list.children.length) {
        var li = document.createElement("li");
        li.className = "muted";
        li.textContent = "Không tìm thấy thủ tục do cơ quan tiếp nhận.";
        list.appendChild(li);
      }
    });
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 200); });
  input.addEventListener("keydown", function (e) {
    var links = list.querySelectorAll("a.pick");
    if (e.key === "ArrowDown" && links.length) { e.preventDefault(); links[0].focus(); }
    if (e.key === "Enter" && links.length) { e.preventDefault(); links[0].click(); }
  });
  list.addEventListener("keydown", function (e) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a.pick"));
    var i = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && i < links.length - 1) { e.preventDefault(); links[i + 1].focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
  });
})();
