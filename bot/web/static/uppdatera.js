// The wall refreshes itself every data-refresh seconds; a visitor can pause it (WCAG 2.2.1).
(function () {
  var seconds = parseInt(document.body.getAttribute("data-refresh"), 10);
  if (!seconds) { return; }
  var timer = window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  var box = document.getElementById("uppdatering");
  if (!box) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = box.getAttribute("data-pause");
  button.addEventListener("click", function () {
    window.clearTimeout(timer);
    box.textContent = box.getAttribute("data-paused");
  });
  box.appendChild(document.createTextNode(" "));
  box.appendChild(button);
})();
