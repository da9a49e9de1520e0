// 404.html is served at any unknown path: show only the message in the path's language.
(function () {
  var base = document.documentElement.getAttribute("data-base") || "/";
  var sections = document.querySelectorAll(".nf");
  var rest = location.pathname.indexOf(base) === 0 ? location.pathname.slice(base.length) : location.pathname;
  var first = rest.split("/")[0];
  var chosen = null;
  sections.forEach(function (s) { if (s.dataset.prefix && s.dataset.prefix === first) chosen = s; });
  if (!chosen) sections.forEach(function (s) { if (!s.dataset.prefix) chosen = s; });
  if (!chosen) return;
  sections.forEach(function (s) { if (s !== chosen) s.hidden = true; });
  document.documentElement.lang = chosen.lang;
  document.title = chosen.querySelector("h1").textContent;
})();
