/* The report form's map (templates/feedback/report_form.html): tap to place the point, or "use
   my location" (the browser's geolocation), which fill the latitude and longitude fields. Without
   JavaScript (or when the location is refused) the resident types the address or coordinates:
   the fields stay the form's answer either way. Once a point and a category are given, open
   reports of the same kind nearby are offered ("is this yours?"). */
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("fb-pick");
    if (!box || typeof L === "undefined") return;
    var config = JSON.parse(box.dataset.config);
    var latInput = document.getElementById("id_latitude");
    var lonInput = document.getElementById("id_longitude");
    var status = document.getElementById("fb-map-status");
    var live = document.getElementById("fb-nearby-live");
    var south = config.bounds[0][0], west = config.bounds[0][1];
    var north = config.bounds[1][0], east = config.bounds[1][1];
    box.hidden = false;

    var map = L.map("fb-pick-map", { scrollWheelZoom: false });
    L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: config.maxZoom }).addTo(map);
    var marker = null;

    function say(text) {
      status.textContent = text;
    }

    function inside(lat, lon) {
      return lat >= south && lat <= north && lon >= west && lon <= east;
    }

    function place(lat, lon, message, zoom) {
      if (!inside(lat, lon)) {
        say(box.dataset.msgOutside);
        return;
      }
      if (marker) {
        marker.setLatLng([lat, lon]);
      } else {
        marker = L.marker([lat, lon], { keyboard: false }).addTo(map);
      }
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
      box.dataset.placed = "1";
      if (zoom) map.setView([lat, lon], Math.max(map.getZoom() || 0, zoom));
      say(message);
      checkNearby();
    }

    function category() {
      var chosen = document.querySelector("input[name=category]:checked");
      return chosen ? chosen.value : "";
    }

    function checkNearby() {
      if (!latInput.value || !lonInput.value || !category() || !window.fetch) return;
      var url = box.dataset.nearbyUrl + "?" + new URLSearchParams({
        category: category(), lat: latInput.value, lon: lonInput.value,
      });
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { reports: [] }; })
        .then(function (data) { showNearby(data.reports || []); })
        .catch(function () { showNearby([]); });
    }

    function showNearby(reports) {
      live.textContent = "";
      live.hidden = !reports.length;
      if (!reports.length) return;
      var title = document.createElement("p");
      title.textContent = box.dataset.msgNearby;
      live.appendChild(title);
      var list = document.createElement("ul");
      reports.forEach(function (r) {
        var item = document.createElement("li");
        item.textContent = r.code + " – " + r.category + ", " + r.state + ", " + r.metres + " " +
          box.dataset.msgMetres + (r.address ? " (" + r.address + ")" : "") + ": ";
        var link = document.createElement("a");
        link.href = r.url;
        link.textContent = box.dataset.msgFollow;
        item.appendChild(link);
        list.appendChild(item);
      });
      live.appendChild(list);
    }

    var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
    if (!isNaN(lat) && !isNaN(lon) && inside(lat, lon)) {
      map.setView([lat, lon], 16);
      marker = L.marker([lat, lon], { keyboard: false }).addTo(map);
    } else {
      map.fitBounds(config.bounds);
    }

    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng, box.dataset.msgPlaced, 0);
    });

    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var la = parseFloat(latInput.value), lo = parseFloat(lonInput.value);
        if (!isNaN(la) && !isNaN(lo)) place(la, lo, box.dataset.msgPlaced, 16);
      });
    });
    document.querySelectorAll("input[name=category]").forEach(function (radio) {
      radio.addEventListener("change", checkNearby);
    });

    document.getElementById("fb-locate").addEventListener("click", function () {
      if (!navigator.geolocation) {
        say(box.dataset.msgRefused);
        return;
      }
      say(box.dataset.msgLocating);
      navigator.geolocation.getCurrentPosition(
        function (position) {
          place(position.coords.latitude, position.coords.longitude, box.dataset.msgLocated, 17);
        },
        function () {
          say(box.dataset.msgRefused);
          document.getElementById("id_address").focus();
        },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
      );
    });
    box.dataset.ready = "1";
  }

  /* Leaflet (147 KB) is fetched only when the "Where is it?" part of the form comes near the
     screen, so that the form's first load stays light; then the map starts. */
  function loadLeafletThenStart() {
    var box = document.getElementById("fb-pick");
    if (!box) return;
    if (typeof L !== "undefined") {
      start();
      return;
    }
    var loading = false;
    function load() {
      if (loading) return;
      loading = true;
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = box.dataset.leafletCss;
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = box.dataset.leafletJs;
      script.onload = start;
      document.head.appendChild(script);
    }
    var near = box.parentElement;
    if (!("IntersectionObserver" in window) || !near) {
      load();
      return;
    }
    var observer = new IntersectionObserver(
      function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          observer.disconnect();
          load();
        }
      },
      { rootMargin: "200px 0px" }
    );
    observer.observe(near);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", loadLeafletThenStart);
  } else {
    loadLeafletThenStart();
  }
})();
