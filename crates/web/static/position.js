// The services page: "Use my position" asks the phone for its position, puts it in the
// form and shows the list again, nearest first. The position orders the list and is not
// stored. Without this script (or permission), the list is shown without distances.
(function () {
  var button = document.getElementById("use-position");
  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var status = document.getElementById("position-status");
    status.textContent = "Finding your position…";
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("lat").value = p.coords.latitude.toFixed(5);
      document.getElementById("lon").value = p.coords.longitude.toFixed(5);
      button.form.submit();
    }, function () {
      status.textContent = "The position is not available: the list is shown without distances.";
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
  });
})();
