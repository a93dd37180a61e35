// Region boxes: type a place name, pick "code name" from the suggestions, and it is added as a line.
document.querySelectorAll("input.region-finder").forEach(function (finder) {
  var list = document.getElementById(finder.getAttribute("list"));
  var target = document.getElementById(finder.dataset.target);
  var timer = null;
  finder.addEventListener("input", function () {
    var value = finder.value.trim();
    var chosen = /^(\d{6}) /.exec(value);
    if (chosen) {
      target.value = (target.value.trim() ? target.value.trim() + "\n" : "") + value;
      finder.value = "";
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (!value) { return; }
      fetch("/curate/regions?q=" + encodeURIComponent(value), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (regions) {
          list.replaceChildren.apply(list, regions.map(function (region) {
            var option = document.createElement("option");
            option.value = region.code + " " + region.label;
            return option;
          }));
        });
    }, 200);
  });
});
