// Search as you type over the page language's Pagefind bundle. Without JavaScript the form
// leads to the home page, which lists every code.
(function () {
  var form = document.querySelector("form.search[data-pagefind]");
  if (!form) return;
  var input = form.querySelector("input");
  var box = form.querySelector(".search-results");
  var pagefind = null;
  var timer = null;
  var latest = 0;

  function load() {
    // The indexed URLs already start at the domain root ("/zh/429/"); Pagefind's default baseUrl,
    // the folder above the bundle ("/zh/"), would be prefixed to them a second time.
    if (!pagefind) pagefind = import(form.dataset.pagefind).then(function (pf) {
      return pf.options({ baseUrl: form.dataset.base || "/" }).then(function () { return pf.init(); }).then(function () { return pf; });
    });
    return pagefind;
  }

  function show(items, query) {
    box.textContent = "";
    if (!query) return;
    if (!items.length) {
      var empty = document.createElement("p");
      empty.textContent = box.dataset.empty;
      box.appendChild(empty);
      return;
    }
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.meta.title;
      var p = document.createElement("p");
      // Pagefind's excerpt is the indexed text, escaped, with <mark> around the matches.
      p.innerHTML = item.excerpt;
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) { show([], ""); return; }
    load().then(function (pf) { return pf.search(query); }).then(function (found) {
      return Promise.all(found.results.slice(0, 8).map(function (r) { return r.data(); }));
    }).then(function (items) {
      if (ticket === latest) show(items, query);
    }).catch(function () { box.textContent = ""; });
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  input.addEventListener("focus", load, { once: true });
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show([], ""); }
  });
})();
